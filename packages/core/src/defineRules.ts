import * as z from 'zod/mini';
import { wholeNumber } from './checks.js';
import { ValidationError } from './errors.js';
import type { Platform } from './model.js';
import { parseOrThrow } from './parseOrThrow.js';
import {
  deepFreeze,
  isPlainObject,
  mergeRules,
  metaRules,
  platformRules,
  type Rules,
  type RulesOverrides,
} from './rules.js';

// A host's rules, validated: its overrides merged over a profile and checked whole. Apart from rules.ts
// so the profiles and what reads them (the composer's limits, a channel's settings) load without zod.

const mimePattern = /^(?:\*\/\*|[a-z0-9][\w.+-]*\/(?:\*|[\w.+-]+))$/i;
const mediaRuleSchema = z.strictObject({
  maxBytes: z.number().check(wholeNumber(), z.minimum(1)),
  types: z.array(z.string().check(z.regex(mimePattern))),
  extensions: z.array(z.string().check(z.regex(/^[a-z0-9]+$/))),
});
const directionSchema = z.strictObject({
  image: mediaRuleSchema,
  video: mediaRuleSchema,
  audio: mediaRuleSchema,
  file: mediaRuleSchema,
});
/** The zod schema every profile passes; `defineRules` validates with it. */
export const rulesSchema = z.strictObject({
  text: z.strictObject({
    maxLength: z.number().check(wholeNumber(), z.minimum(1)),
    maxBytes: z.optional(z.number().check(wholeNumber(), z.minimum(4))),
  }),
  imagesPerMessage: z.number().check(wholeNumber(), z.minimum(1)),
  attachments: z.strictObject({ inbound: directionSchema, outbound: directionSchema }),
});

/**
 * A rules profile: `overrides` deep-merged over `base` (arrays replace, objects merge), then validated.
 * Overriding one kind or direction leaves the others as they were.
 *
 * @param overrides - any part of a profile.
 * @param base - the profile to start from; `metaRules` by default.
 * @returns a frozen, validated profile.
 * @throws ValidationError naming the wrong path (e.g. `attachments.outbound.image.maxBytes`) or an unknown key.
 *
 * @example
 * // one helpdesk: 1600-character replies and 8 MB outbound images
 * const rules = defineRules({ text: { maxLength: 1600 }, attachments: { outbound: { image: { maxBytes: 8 * 1024 * 1024 } } } });
 */
export function defineRules(overrides: RulesOverrides, base: Rules = metaRules): Rules {
  if (!isPlainObject(overrides)) {
    throw new ValidationError('rules', [{ path: '', message: 'expected an object of overrides' }]);
  }
  // zod's parse copies, so the caller's objects are not frozen with the profile.
  return deepFreeze(parseOrThrow(rulesSchema, mergeRules(base, overrides), 'rules')) as Rules;
}

/**
 * Meta's profile for a platform (`metaRules` or `instagramRules`), with optional overrides merged
 * over it (`defineRules`). A channel's platform picks its profile this way.
 *
 * @example
 * rulesFor('instagram').attachments.outbound.file.types; // ['application/pdf']
 * rulesFor('instagram').text; // { maxLength: 1000, maxBytes: 1000 }
 * rulesFor('messenger', { text: { maxLength: 1600 } }).text.maxLength; // 1600
 */
export function rulesFor(platform: Platform, overrides?: RulesOverrides): Rules {
  const base = platformRules(platform);
  return overrides === undefined ? base : defineRules(overrides, base);
}
