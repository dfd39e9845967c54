// Identifier handling. The schema name is validated (see options.ts) and then always double-quoted,
// so no value from the host is ever spliced into SQL unquoted.

/** `"name"`, with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Escapes `%`, `_` and `\` so a search text matches literally inside an ILIKE pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The advisory-lock key text of a store's units; hashed by PostgreSQL (`hashtextextended`). */
export function unitLockKey(schema: string): string {
  return `pagedesk.atomic:${schema}`;
}

/** The advisory-lock key text of a store's migrations (a different key: migrate never waits on units). */
export function migrateLockKey(schema: string): string {
  return `pagedesk.migrate:${schema}`;
}

// PostgreSQL keeps no NUL character in text or jsonb ("unsupported Unicode escape sequence"): one in a
// customer's message would fail its delivery on every retry, and Meta disables a webhook that keeps
// failing. Every parameter's NUL becomes U+FFFD, as a decoder does with what it cannot represent.
const NUL = '\u0000';
// `\u0000` in JSON text, not preceded by an escaped backslash (`\\u0000` is a backslash, then "u0000").
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** A query parameter PostgreSQL can store: NUL characters replaced, in strings, arrays and JSON. */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, '\ufffd') : value;
  if (Array.isArray(value))
    return value.some((v) => typeof v !== 'string' || v.includes(NUL)) ? value.map(storable) : value;
  if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value))
    return value;
  // An object goes as JSON, what pg would send for it: pass entities as objects, never as JSON text,
  // which a string's check cannot see into.
  return storableJson(JSON.stringify(value));
}

/** JSON text for a jsonb parameter, its escaped NUL characters replaced (see {@link storable}). */
export function storableJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(JSON_NUL, '$1\\ufffd') : json;
}
