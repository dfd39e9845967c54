import { checkText, type Platform, type Rules } from '@pagedesk/core';

// How long a reply is against its platform's limit, in one place: when core's rules measure bytes
// themselves, this function becomes a call to that measure. Pure; no 'use client'.

/**
 * Instagram accepts "UTF-8 and 1000 bytes or less"
 * (https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message).
 */
const INSTAGRAM_TEXT_MAX_BYTES = 1000;

/** A reply's length in the unit its platform counts, against the limit. */
export interface ReplyLength {
  length: number;
  limit: number;
  unit: 'characters' | 'bytes';
  tooLong: boolean;
}

const encoder = new TextEncoder();

/**
 * Measures a reply: characters against the rules' limit (core's `checkText`), and on Instagram UTF-8
 * bytes against the stricter of 1000 bytes and that limit.
 *
 * @example
 * replyLength('é'.repeat(600), rulesFor('instagram'), 'instagram'); // { length: 1200, limit: 1000, unit: 'bytes', tooLong: true }
 */
export function replyLength(text: string, rules: Rules, platform: Platform | undefined): ReplyLength {
  const check = checkText(text, rules);
  if (platform !== 'instagram')
    return {
      length: check.length,
      limit: check.limit,
      unit: 'characters',
      tooLong: check.code === 'text_too_long',
    };
  const length = encoder.encode(text).byteLength;
  const limit = Math.min(INSTAGRAM_TEXT_MAX_BYTES, check.limit);
  return { length, limit, unit: 'bytes', tooLong: length > limit };
}
