import type { EventBase, Platform } from '@pagedesk/core';
import type { z } from 'zod';
import { WebhookPayloadError } from './errors.js';
import { issuesOf, valueAt } from './issues.js';

// What every part of the parser shares: the item's context, ids and hashes, and the two ways of
// reading Meta's objects: `check` (strict: what identifies an event) and `lenient` (content: a wrong
// optional field is dropped and noted, the event still lands).

export type Infer<T extends z.ZodType> = z.infer<T>;

/** One oddity of content the parser read past: where it was and what was wrong. */
export interface ContentIssue {
  path: string;
  message: string;
}

export interface Ctx {
  platform: Platform;
  pageId: string;
  entryTime: number | undefined;
  standby: boolean;
  /** Where the item is (`entry[0].messaging[1]`), for errors. */
  readonly path: string;
  /** Content issues of the item being parsed, reported once with its event. */
  notes: ContentIssue[];
}

/**
 * The context of the items of the entry being parsed, moved from entry to entry (one object per body);
 * the path is built only when an error reads it.
 */
export class EntryCtx implements Ctx {
  pageId = '';
  entryTime: number | undefined = undefined;
  standby = false;
  entry = 0;
  container = 'messaging';
  index = 0;
  notes: ContentIssue[] = [];
  constructor(readonly platform: Platform) {}
  get path(): string {
    return `entry[${this.entry}].${this.container}[${this.index}]`;
  }
}

// cyrb53: a fast non-cryptographic 53-bit hash, for ids of events Meta gives no id of their own.
function hashString(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export const hashOf = (raw: unknown) => hashString(JSON.stringify(raw) ?? '');

/** Parses what identifies an event: any wrong field throws, naming its path. */
export function check<T extends z.ZodType>(schema: T, input: unknown, base: string): Infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as Infer<T>;
  throw new WebhookPayloadError(issuesOf(result.error.issues, input, base));
}

/** Meta ids arrive as strings or numbers; Pagedesk's are always strings. */
export const str = (id: string | number) => (typeof id === 'string' ? id : String(id));

/**
 * `String(n)` for the ids of reads and deliveries, faster for millisecond timestamps: V8 prints such a
 * number (too big for a small integer) through its slow double-to-string path, but two halves below
 * 10^8 go through the fast one. Same text as `String(n)` for every input.
 */
export function numberKey(n: number): string {
  if (!Number.isInteger(n) || n < 1e7 || n >= 9e15) return String(n);
  const high = Math.floor(n / 1e7);
  const low = n - high * 1e7;
  return `${high}${low < 1e6 ? String(low).padStart(7, '0') : low}`;
}

/** Meta mixes seconds (feed `created_time`, some `entry.time`) and milliseconds; below 1e12 is seconds. */
export const toMs = (t: number) => (t < 1e12 ? t * 1000 : t);

const DIGITS = /^\d{1,16}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * A point in time as Meta and the tools around it spell it: a number (kept as is), a string of
 * digits (its number), or an ISO 8601 date (`2021-09-08T06:34:04+0000`, in epoch ms). Undefined when
 * absent or null, false when it is none of these.
 */
export function timeOf(t: unknown): number | undefined | false {
  if (t === undefined || t === null) return undefined;
  if (typeof t === 'number') return Number.isFinite(t) ? t : false;
  if (typeof t !== 'string') return false;
  if (DIGITS.test(t)) return Number(t);
  const ms = ISO_DATE.test(t) ? Date.parse(t) : Number.NaN;
  return Number.isFinite(ms) ? ms : false;
}

export function base(
  ctx: Ctx,
  id: string,
  customerId: string | null,
  timestamp: number,
  raw: unknown,
): EventBase {
  const event: EventBase = { id, platform: ctx.platform, pageId: ctx.pageId, customerId, timestamp, raw };
  if (ctx.standby) event.standby = true;
  return event;
}

export type Loose = Record<string, unknown>;

export const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- lenient reading ------------------------------------------------------------------------------

type Key = PropertyKey;

/** A copy of `input` without the value at `path` (copy on write: Meta's item, kept as `raw`, is untouched). */
function without(input: unknown, path: ReadonlyArray<Key>): unknown {
  const [head, ...rest] = path;
  if (head === undefined || input === null || typeof input !== 'object') return input;
  if (Array.isArray(input)) {
    const copy = [...input];
    if (rest.length === 0) copy.splice(Number(head), 1);
    else copy[Number(head)] = without(copy[Number(head)], rest);
    return copy;
  }
  const copy: Record<Key, unknown> = { ...(input as Record<Key, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = without(copy[head], rest);
  return copy;
}

// Each repair drops one part and parses again: enough for any real item, bounded for a hostile one.
const MAX_REPAIRS = 256;

/**
 * Parses content leniently: where `schema` refuses an optional field (a wrong type, an unknown enum
 * value, an object of another shape), the smallest enclosing optional part is dropped and the parse
 * retried, so the event still lands with everything else it carries. A null is Meta's way of saying
 * "absent" and is dropped silently; every other drop is noted in `notes` (reported once with the
 * event). What the schema requires, and the top-level keys in `identity`, are never dropped: a wrong
 * one throws {@link WebhookPayloadError} exactly as {@link check} does.
 */
export function lenient<T extends z.ZodType>(
  schema: T,
  input: unknown,
  at: string,
  notes: ContentIssue[],
  identity?: ReadonlySet<string>,
): Infer<T> {
  let result = schema.safeParse(input);
  if (result.success) return result.data as Infer<T>;
  const original = result.error.issues;
  const fail = (): never => {
    throw new WebhookPayloadError(issuesOf(original, input, at));
  };
  let current = input;
  const found: ContentIssue[] = [];
  for (let round = 0; round < MAX_REPAIRS && !result.success; round++) {
    const issue = result.error.issues[0];
    if (!issue) break;
    let path: ReadonlyArray<Key> = issue.path;
    // A required field that is missing (or was just dropped): drop the part that holds it instead.
    while (path.length > 0 && valueAt(current, path) === undefined) path = path.slice(0, -1);
    const top = path[0];
    const isNull = valueAt(current, path) === null;
    // An identity key may be absent (null) when optional, never of another shape.
    if (top === undefined || (!isNull && typeof top === 'string' && identity?.has(top))) fail();
    // Once per path: a required field dropped a moment ago makes its parent go too, reported once.
    const [note] = issuesOf([issue], current, at);
    if (!isNull && note && !found.some((f) => f.path === note.path)) found.push(note);
    current = without(current, path);
    result = schema.safeParse(current);
  }
  if (!result.success) fail();
  notes.push(...found);
  return (result as { data: Infer<T> }).data;
}
