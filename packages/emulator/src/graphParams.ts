import { invalidParam } from './metaError.js';

// Parameter coercion as Meta reads Graph parameters: query and form values arrive as strings, JSON
// bodies as values, so objects and arrays may come JSON-encoded in a string.

/** A string or number parameter as a string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** `true`/`false` or their strings; undefined for anything else. */
export function flag(value: unknown): boolean | undefined {
  return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
}

/** A JSON object parameter (an object, or a string holding one); undefined when absent or empty. */
export function obj(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseJson(value, `param ${name} must be a JSON object.`) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidParam(`param ${name} must be a JSON object.`);
  return parsed as Record<string, unknown>;
}

/** An array parameter (an array, or a string holding one); undefined when absent. */
export function list(value: unknown, name: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' ? parseJson(value, `param ${name} must be an array.`) : value;
  if (!Array.isArray(parsed)) throw invalidParam(`param ${name} must be an array.`);
  return parsed;
}

function parseJson(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParam(message);
  }
}

/** Graph's time format: `2026-01-02T03:04:05+0000`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/**
 * The requested field names. Expansions (`picture{url}`, `picture.type(large)`) count as their base
 * field, and commas inside braces do not split.
 */
export function fieldsOf(params: Record<string, unknown>, fallback: string[]): string[] {
  const raw = str(params['fields']);
  if (!raw) return fallback;
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields.map((f) => f.trim().replace(/[{.(].*$/s, '')).filter(Boolean);
}

/** One page of a Graph list (`limit`, `after`), with Meta's cursors and a `next` link while more remain. */
export function cursorPage<T>(
  items: T[],
  params: Record<string, unknown>,
): { data: T[]; paging?: Record<string, unknown> } {
  const limit = Math.min(Math.max(Number(str(params['limit']) ?? 25) || 25, 1), 100);
  const after = str(params['after']);
  const start = after ? Number(Buffer.from(after, 'base64url').toString()) || 0 : 0;
  const data = items.slice(start, start + limit);
  const cursors = {
    before: Buffer.from(String(start)).toString('base64url'),
    after: Buffer.from(String(start + data.length)).toString('base64url'),
  };
  return start + data.length < items.length
    ? { data, paging: { cursors, next: `?after=${cursors.after}&limit=${limit}` } }
    : { data, paging: { cursors } };
}
