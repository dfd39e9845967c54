import type { MessengerEvent } from '@pagedesk/core';
import { expect } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import { envelope, IG_ID, PAGE_ID } from './fixtures/payloads.js';

// Shared by the conformance suites (conformance.*.test.ts): every event kind Meta documents, fed as
// real-shaped payloads and checked field by field.

/** Parses one messaging item in its envelope and expects exactly one event. */
export function one(
  object: 'page' | 'instagram',
  item: unknown,
  options: Parameters<typeof envelope>[2] = {},
): MessengerEvent {
  const events = parseWebhook(JSON.stringify(envelope(object, [item], options)));
  expect(events).toHaveLength(1);
  return events[0] as MessengerEvent;
}

export const fb = { platform: 'messenger', pageId: PAGE_ID } as const;
export const ig = { platform: 'instagram', pageId: IG_ID } as const;
