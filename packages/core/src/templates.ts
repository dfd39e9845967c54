import * as z from 'zod/mini';
import { checkAttachment } from './attachments.js';
import { rule } from './checks.js';
import { PagedeskError, RuleViolationError } from './errors.js';
import { type Channel, type Customer, organizationIdSchema } from './model.js';
import { parseOrThrow } from './parseOrThrow.js';
import { rulesFromSettings, withPlatformLimits } from './rules.js';
import { QUICK_REPLY_LIMITS, quickRepliesSchema, type SendDraft, uploadedFileSchema } from './sendDraft.js';

export { QUICK_REPLY_LIMITS };

import { checkText } from './text.js';

// Reply templates: canned replies of up to five bubbles an agent sends in one go. Each part becomes
// one `channels.send` call, in order, so every rule of the send path (window, text and attachment
// limits, personas) applies to a template exactly as to a typed reply. Variables are filled by a
// pure `renderTemplate`; a template is checked against every channel it may be sent on before it
// can be saved (`checkTemplate`).

/** Most parts (bubbles) in one template. */
export const TEMPLATE_MAX_PARTS = 5;

/** The variables a template may use, with what they read. */
export const TEMPLATE_VARIABLES = [
  'customer.name',
  'customer.firstName',
  'customer.lastName',
  'customer.username',
  'customer.email',
  'customer.phone',
  'agent.name',
  'channel.name',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/**
 * One bubble: text, files (already uploaded: Meta fetches them by URL), quick replies under it, or a
 * mix. A part with text and files sends the text first, as a typed reply does.
 */
export const templatePartSchema = z
  .object({
    text: z.optional(z.string().check(z.maxLength(20_000))),
    attachments: z.optional(z.array(uploadedFileSchema).check(z.maxLength(10))),
    quickReplies: z.optional(quickRepliesSchema),
  })
  .check(
    rule(
      (part: { text?: string | undefined; attachments?: readonly unknown[] | undefined }) =>
        (part.text?.trim() ?? '') !== '' || (part.attachments?.length ?? 0) > 0,
      'a part needs text or an attachment',
    ),
  );
export type TemplatePart = z.infer<typeof templatePartSchema>;

/** What an admin writes: the template without its id and bookkeeping. */
export const replyTemplateInputSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  parts: z.array(templatePartSchema).check(z.minLength(1), z.maxLength(TEMPLATE_MAX_PARTS)),
  /** The channels it may be sent on; `null` for every channel of the organisation. */
  channelIds: z.nullable(z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(500))),
});
export type ReplyTemplateInput = z.infer<typeof replyTemplateInputSchema>;

// A spread of the input's shape rather than `z.extend`, whose helpers are 0.4 KB of the browser bundles.
/** A saved reply template. */
export const replyTemplateSchema = z.object({
  ...replyTemplateInputSchema.shape,
  id: z.string().check(z.minLength(1)),
  /** The organisation it belongs to; absent on a single-tenant host. */
  organizationId: z.optional(organizationIdSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The admin who last saved it. */
  updatedBy: z.optional(z.string()),
});
export type ReplyTemplate = z.infer<typeof replyTemplateSchema>;

/** A template uses a variable Pagedesk does not know, or one with no value and no fallback. */
export class TemplateVariableError extends PagedeskError {
  /** Variables that are not in {@link TEMPLATE_VARIABLES}. */
  readonly unknown: readonly string[];
  /** Known variables that have no value for this customer (and no `|fallback`). */
  readonly missing: readonly string[];
  constructor(unknown: readonly string[], missing: readonly string[]) {
    const parts = [
      unknown.length > 0 ? `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` : '',
      missing.length > 0 ? `no value for ${missing.join(', ')} (add a fallback: {{${missing[0]}|...}})` : '',
    ].filter(Boolean);
    super('template_variable', `Template: ${parts.join('; ')}`);
    this.name = 'TemplateVariableError';
    this.unknown = unknown;
    this.missing = missing;
  }
}

/** What variables are filled from. */
export interface TemplateContext {
  customer?: Partial<Pick<Customer, 'name' | 'firstName' | 'lastName' | 'username'>> & {
    email?: string | undefined;
    phone?: string | undefined;
  };
  agent?: { name?: string | undefined };
  channel?: { name?: string | undefined };
}

/**
 * The values a template is filled with in one conversation: Meta's profile of the customer with what
 * agents recorded over it (their name, email and phone), the agent's name and the channel's. Used
 * by the inbox API, the fake transport and the composer's preview alike, so all fill the same way.
 *
 * @example
 * renderTemplate(template, templateContext({ customer, channel, agentName: 'Sam' }));
 */
export function templateContext(source: {
  customer?: Pick<Customer, 'name' | 'firstName' | 'lastName' | 'username' | 'details'> | undefined;
  channel?: { name?: string | undefined } | undefined;
  agentName?: string | undefined;
}): TemplateContext {
  const { customer } = source;
  const details = customer?.details;
  return {
    ...(customer
      ? {
          customer: {
            ...customer,
            ...(details?.name === undefined ? {} : { name: details.name }),
            ...(details?.email === undefined ? {} : { email: details.email }),
            ...(details?.phone === undefined ? {} : { phone: details.phone }),
          },
        }
      : {}),
    agent: { name: source.agentName },
    channel: { name: source.channel?.name },
  };
}

// `{{ customer.firstName }}` or `{{customer.firstName|there}}`: a name, then an optional fallback.
const VARIABLE = /\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}/g;

const known = new Set<string>(TEMPLATE_VARIABLES);

/** The variables a text uses (each once), in order. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] as string))];
}

function variableValue(name: TemplateVariable, context: TemplateContext): string | undefined {
  const [scope, field] = name.split('.') as [keyof TemplateContext, string];
  const value = (context[scope] as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function unknownIn(parts: readonly TemplatePart[]): string[] {
  const names = parts.flatMap((part) => (part.text === undefined ? [] : templateVariables(part.text)));
  return [...new Set(names.filter((name) => !known.has(name)))];
}

/**
 * Fills a template's variables for one conversation. `{{customer.firstName}}` takes the customer's
 * first name; `{{customer.firstName|there}}` falls back to "there" when there is none. A variable
 * Pagedesk does not know, or one with no value and no fallback, is never sent as it stands (nor as an
 * empty gap): the whole render fails with a {@link TemplateVariableError} naming every such variable,
 * so the agent can fix the customer's details or the template first.
 *
 * @param template The template (or just its parts).
 * @param context The customer, agent and channel the values come from.
 * @returns The parts with every variable replaced; files and quick replies unchanged.
 * @throws TemplateVariableError naming unknown and missing variables.
 *
 * @example
 * renderTemplate({ parts: [{ text: 'Hi {{customer.firstName|there}}!' }] }, { customer: { firstName: 'Ana' } });
 * // [{ text: 'Hi Ana!' }]
 */
export function renderTemplate(
  template: Pick<ReplyTemplate, 'parts'>,
  context: TemplateContext,
): TemplatePart[] {
  const unknown = unknownIn(template.parts);
  const missing = new Set<string>();
  const parts = template.parts.map((part) => {
    if (part.text === undefined) return { ...part };
    const text = part.text.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
      if (!known.has(name)) return whole;
      const value = variableValue(name as TemplateVariable, context) ?? fallback?.trim();
      if (value === undefined || value === '') missing.add(name);
      return value ?? '';
    });
    return { ...part, text };
  });
  if (unknown.length > 0 || missing.size > 0) throw new TemplateVariableError(unknown, [...missing]);
  return parts;
}

/**
 * A template's parts as send-path drafts, one per part, in order: what `channels.send` is called with
 * for each bubble (after {@link renderTemplate}).
 */
export function templateDrafts(parts: readonly TemplatePart[]): SendDraft[] {
  return parts.map((part) => ({
    ...(part.text === undefined || part.text.trim() === '' ? {} : { text: part.text }),
    ...(part.attachments && part.attachments.length > 0 ? { attachments: part.attachments } : {}),
    ...(part.quickReplies && part.quickReplies.length > 0 ? { quickReplies: part.quickReplies } : {}),
  }));
}

// A variable's placeholder is measured as the longest text it could plausibly stand for, so a
// template that fits here still fits once filled with an ordinary name (the send path checks the
// filled text again in any case).
const VARIABLE_ALLOWANCE = 40;

/**
 * Checks a template against the rules of every channel it may be sent on (each channel's platform
 * profile narrowed by its settings): unknown variables, text length per part (variables counted as
 * up to 40 characters) and every attachment's type and size.
 *
 * @param input The template as an admin wrote it (parsed: a ValidationError names a malformed field).
 * @param channels The channels in its scope (resolve `channelIds: null` to the organisation's channels first).
 * @returns The parsed input.
 * @throws ValidationError for a malformed template; TemplateVariableError for an unknown variable;
 * RuleViolationError naming the part, the channel and the rule broken.
 *
 * @example
 * checkTemplate({ name: 'Greeting', parts: [{ text: 'Hi {{customer.firstName|there}}' }], channelIds: null }, channels);
 */
export function checkTemplate(input: unknown, channels: readonly Channel[]): ReplyTemplateInput {
  const template = parseOrThrow(replyTemplateInputSchema, input, 'reply template');
  const unknown = unknownIn(template.parts);
  if (unknown.length > 0) throw new TemplateVariableError(unknown, []);
  for (const channel of channels) {
    const rules = withPlatformLimits(rulesFromSettings(channel), channel.platform);
    template.parts.forEach((part, index) => {
      const where = `Part ${index + 1} on ${channel.name}`;
      if (part.text !== undefined && part.text.trim() !== '') {
        const measured = part.text.replace(VARIABLE, (_whole, _name, fallback: string | undefined) =>
          'x'.repeat(Math.max(VARIABLE_ALLOWANCE, fallback?.length ?? 0)),
        );
        const check = checkText(measured, rules);
        if (!check.ok && check.code === 'text_too_long')
          throw new RuleViolationError(
            'text_too_long',
            `${where}: the text is ${check.length} ${check.unit} with variables filled; at most ${check.limit}`,
            check.limit,
          );
      }
      for (const file of part.attachments ?? []) {
        const check = checkAttachment(file, { direction: 'outbound', rules });
        if (!check.ok) throw new RuleViolationError(check.code, `${where}: ${check.message}`, check.limit);
      }
    });
  }
  return template;
}
