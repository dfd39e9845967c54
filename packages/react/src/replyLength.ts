import type { Platform, Rules } from '@pagedesk/core';
import { checkText, measureText, withPlatformLimits } from '@pagedesk/core/rules';

// How long a reply is against its platform's limit. The rule (characters, or UTF-8 bytes where the
// profile counts them, as on Instagram) lives in core's `measureText`; this only shapes it for the
// composer's counter. Pure; no 'use client'.

/** A reply's length in the unit its platform counts, against the limit. */
export interface ReplyLength {
  length: number;
  limit: number;
  unit: 'characters' | 'bytes';
  tooLong: boolean;
}

/**
 * Measures a reply with core's `measureText`, keeping the platform's byte limit even when `rules` were
 * built without it (`withPlatformLimits`), so an Instagram reply always counts UTF-8 bytes.
 *
 * @example
 * replyLength('é'.repeat(600), rulesFor('instagram'), 'instagram'); // { length: 1200, limit: 1000, unit: 'bytes', tooLong: true }
 */
export function replyLength(text: string, rules: Rules, platform: Platform | undefined): ReplyLength {
  const profile = platform ? withPlatformLimits(rules, platform) : rules;
  const { used, limit, unit } = measureText(text, profile);
  return { length: used, limit, unit, tooLong: checkText(text, profile).code === 'text_too_long' };
}
