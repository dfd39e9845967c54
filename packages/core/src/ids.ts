import type * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { formatPath } from './issues.js';

// Internal helpers shared by the core modules (not exported from the package entry): id generation,
// frozen copies, and the one place where a zod failure becomes a ValidationError that names each wrong field.

/**
 * A deterministic id from its parts (two 32-bit FNV-1a/murmur-style mixes, base 36). The inbox derives
 * ids of conversations and inbound messages from Meta's ids, so two processes applying the same event
 * create the same row instead of two.
 */
export function hashId(prefix: string, ...parts: string[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  // Hashes the parts joined by NUL without building the joined string (ids are made per message).
  for (let p = 0; p < parts.length; p++) {
    const input = parts[p]!;
    if (p > 0) {
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${prefix}_${base36(h2 >>> 0)}${base36(h1 >>> 0)}`;
}

const DIGITS = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));

/**
 * A uint32 in base 36, zero-padded to 7 digits (2^32 has 7): what `n.toString(36).padStart(7, '0')`
 * gives, in one string allocation instead of several (ids are made per message).
 */
function base36(n: number): string {
  const d6 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d5 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d4 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d3 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d2 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d1 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  return String.fromCharCode(DIGITS[n]!, d1, d2, d3, d4, d5, d6);
}

/** A random id (crypto.getRandomValues exists in browsers and in Node 20 as a global). */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return `${prefix}_${out}`;
}

function isDeepFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined || (typeof child === 'object' && child !== null && !isDeepFrozen(child))) {
      return false;
    }
  }
  return true;
}

/**
 * A deep-frozen copy of plain objects and arrays (keys holding undefined dropped; class instances kept
 * as they are). Parts already deep-frozen are shared, not copied: nobody can change them (the inbox
 * builds messages on frozen shared lists, so a stored message costs one shallow copy).
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || isDeepFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  // A spread is the fastest copy; then only the children not frozen yet are copied. Keys holding
  // undefined (rare) need the key-by-key copy that leaves them out.
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const child = out[key];
    if (child === undefined) return compactFrozenCopy(value as Record<string, unknown>) as T;
    if (typeof child === 'object' && child !== null && !isDeepFrozen(child)) out[key] = frozenCopy(child);
  }
  return Object.freeze(out) as T;
}

function compactFrozenCopy(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const child = value[key];
    if (child !== undefined) out[key] = frozenCopy(child);
  }
  return Object.freeze(out);
}

type Issue = z.core.$ZodIssue;

// zod/mini ships no messages ("Invalid input"); these say what was wrong without loading a locale
// (z.config would change the host's own zod globally).
function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}${
        issue.origin === 'string' || issue.origin === 'array' ? ` in length` : ''
      }`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${
        issue.origin === 'string' || issue.origin === 'array' ? ` in length` : ''
      }`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `invalid ${issue.format}`;
    case 'not_multiple_of':
      // Whole numbers are checked as multiples of 1 (model.ts).
      return issue.divisor === 1
        ? 'expected a whole number'
        : `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'invalid value';
  }
}

/** Parses `value` with `schema` or throws a ValidationError naming every wrong field under `root`. */
export function parseOrThrow<TSchema extends z.ZodMiniType>(
  schema: TSchema,
  value: unknown,
  what: string,
  root = '',
): z.infer<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    what,
    result.error.issues.map((issue) => ({ path: formatPath(issue.path, root), message: describe(issue) })),
  );
}

/** Epoch milliseconds from a Date or a number; throws a ValidationError naming `field` otherwise. */
export function toEpoch(value: unknown, field: string, what: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ValidationError(what, [{ path: field, message: 'expected a Date or epoch milliseconds' }]);
  }
  return ms;
}
