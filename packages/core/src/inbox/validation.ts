import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import { attachmentSchema, authorSchema } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import { sentSurveySchema } from '../survey.js';

// The inbox's boundary. Events usually come already checked by node-webhook's parser, so they are
// checked here by hand-written rules (a few typeof tests per field, no zod parse per event) that
// still name every wrong field; only attachments, rare and nested, go through the model's schema.

type Issue = { path: string; message: string };
type Rule = (value: unknown, path: string, issues: Issue[]) => void;

const string: Rule = (v, path, issues) => {
  if (typeof v !== 'string') issues.push({ path, message: 'expected string' });
};
const id: Rule = (v, path, issues) => {
  if (typeof v !== 'string') issues.push({ path, message: 'expected string' });
  else if (v === '') issues.push({ path, message: 'must be at least 1 in length' });
};
const number: Rule = (v, path, issues) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path, message: 'expected number' });
};
const boolean: Rule = (v, path, issues) => {
  if (typeof v !== 'boolean') issues.push({ path, message: 'expected boolean' });
};
const optional =
  (rule: Rule): Rule =>
  (v, path, issues) => {
    if (v !== undefined) rule(v, path, issues);
  };
const oneOf = (...values: string[]): Rule => {
  const message = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return (v, path, issues) => {
    if (!values.includes(v as string)) issues.push({ path, message });
  };
};
const arrayOf =
  (rule: Rule | undefined): Rule =>
  (v, path, issues) => {
    if (!Array.isArray(v)) issues.push({ path, message: 'expected array' });
    else if (rule) for (let i = 0; i < v.length; i++) rule(v[i], `${path}[${i}]`, issues);
  };
const objectOf =
  (fields: Record<string, Rule>): Rule =>
  (v, path, issues) => {
    if (typeof v !== 'object' || v === null) issues.push({ path, message: 'expected object' });
    else for (const key in fields) fields[key]!(v[key as keyof typeof v], `${path}.${key}`, issues);
  };

const base: Record<string, Rule> = {
  id,
  platform: oneOf('messenger', 'instagram'),
  pageId: id,
  customerId: (v, path, issues) => {
    if (v !== null) string(v, path, issues);
  },
  timestamp: number,
  appId: optional(id),
};
const withCustomer = { ...base, customerId: id };
// Attachments are checked one by one with the model's schema after these rules pass.
const content = { ...withCustomer, mid: id, text: optional(string), attachments: arrayOf(undefined) };

const rules: Record<MessengerEvent['kind'], Record<string, Rule>> = {
  message: content,
  echo: content,
  edit: { ...base, mid: id, text: string, editCount: number },
  unsend: { ...base, mid: id },
  reaction: { ...base, mid: id, action: oneOf('react', 'unreact') },
  postback: { ...withCustomer, mid: optional(string) },
  read: { ...withCustomer, watermark: optional(number), mid: optional(string) },
  delivery: { ...withCustomer, watermark: number, mids: arrayOf(string) },
  referral: base,
  optin: base,
  handover: base,
  policy_enforcement: { ...base, action: oneOf('warning', 'block', 'unblock') },
  feedback: {
    ...withCustomer,
    answers: arrayOf(
      objectOf({ questionId: id, type: oneOf('csat', 'nps', 'ces'), score: number, text: optional(string) }),
    ),
  },
  comment: {
    ...base,
    action: oneOf('add', 'edit', 'remove'),
    commentId: id,
    postId: id,
    from: objectOf({ id }),
    fromPage: boolean,
  },
  unknown: base,
};

/**
 * Checks what the inbox reads of an event; throws a ValidationError naming every wrong field. It is
 * `inbox.apply`'s check, and node-webhook's parser runs it on every event it emits, so an event the
 * inbox would refuse (failing its whole delivery on every retry) becomes an `unknown` event instead.
 * `attachments: false` leaves out the per-attachment schema check, for events whose attachments were
 * built by that parser.
 */
export function validateEvent(event: unknown, options: { attachments?: boolean } = {}): MessengerEvent {
  const kind = (event as { kind?: unknown } | null)?.kind;
  const fields =
    typeof kind === 'string' && Object.hasOwn(rules, kind)
      ? rules[kind as MessengerEvent['kind']]
      : undefined;
  if (!fields) {
    throw new ValidationError('event', [
      { path: 'kind', message: `expected one of ${Object.keys(rules).join(', ')}` },
    ]);
  }
  const record = event as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const key in fields) fields[key]!(record[key], key, issues);
  if (issues.length > 0) throw new ValidationError(`${kind} event`, issues);
  const attachments = record.attachments as unknown[] | undefined;
  // The parser builds attachments from its own schemas and skips this part (`attachments: false`).
  if (attachments && options.attachments !== false)
    for (let i = 0; i < attachments.length; i++) {
      parseOrThrow(attachmentSchema, attachments[i], `${kind} event`, `attachments[${i}]`);
    }
  return event as MessengerEvent;
}

const str = z.string().check(z.minLength(1));

/** The send path's draft (`recordOutbound`). */
export const draftSchema = z.object({
  id: z.optional(str),
  text: z.optional(z.string()),
  attachments: z.optional(z.array(attachmentSchema)),
  replyTo: z.optional(z.object({ mid: z.string(), messageId: z.optional(z.string()) })),
  quickReplies: z.optional(z.array(z.object({ title: z.string(), payload: z.string() }))),
  author: authorSchema,
  messagingType: z.optional(z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG'])),
  tag: z.optional(z.string()),
  survey: z.optional(sentSurveySchema),
});

/** The send response (`markSent`). */
export const sentSchema = z.object({ mid: str, at: z.number() });

/** `createInbox`'s `threading` option. */
export const threadingSchema = z.union([
  z.object({ mode: z.literal('until-resolved') }),
  z.object({
    mode: z.literal('intermission'),
    minutes: z.number().check(z.minimum(1), z.maximum(1440)),
  }),
]);
