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
