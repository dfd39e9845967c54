import { testEvents } from '../../testing/events.js';
import type { Harness, MetaState } from './fakeMeta.js';

// Set-up shared by the createChannels test files (channels.*.test.ts): a customer who writes, and the
// Send API bodies the fake Meta received.

export const HOUR = 60 * 60 * 1000;

/** The customer writes to PAGE_1 at `at`; resolves with the id of the conversation it lands in. */
export async function customerWrites(
  h: Harness,
  at: number,
  input: { psid?: string; text?: string } = {},
): Promise<string> {
  await h.inbox.apply([
    testEvents.message({
      pageId: 'PAGE_1',
      customerId: input.psid ?? 'PSID_1',
      text: input.text ?? 'Hi',
      timestamp: at,
    }),
  ]);
  await h.channels.idle();
  const conversation = await h.store.conversations.findLatest({
    channelId: 'PAGE_1',
    customerId: `PAGE_1:${input.psid ?? 'PSID_1'}`,
    source: 'message',
  });
  return conversation!.id;
}

/** A Send API body as the tests read it. */
export type SentBody = {
  messaging_type: string;
  tag?: string;
  message: { text?: string; metadata?: string; attachment?: unknown; attachments?: unknown[] };
  persona_id?: string;
  reply_to?: { mid: string };
  recipient: Record<string, string>;
};

/** Every Send API body the fake Meta received, in order. */
export const sentBodies = (meta: MetaState): SentBody[] => meta.sent.map((r) => r.body as SentBody);
