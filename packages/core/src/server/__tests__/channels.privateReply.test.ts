// createChannels: private replies to comments. Meta allows one per comment, within 7 days of that
// comment, so a comment conversation answers the customer's newest comment that can still take one.
import { describe, expect, it } from 'vitest';
import { WindowClosedError } from '../../errors.js';
import { testEvents as ev } from '../../testing/events.js';
import { HOUR, sentBodies } from './channelsSetup.js';
import { type Harness, harness, T0, useFakeMeta } from './fakeMeta.js';

const env = useFakeMeta();
const DAY = 24 * HOUR;
const P = { pageId: 'PAGE_1' };

const latest = (h: Harness) =>
  h.store.conversations.findLatest({ channelId: 'PAGE_1', customerId: 'PAGE_1:PSID_1', source: 'comment' });
const lastRecipient = () => sentBodies(env.meta).at(-1)?.recipient;

/** The customer's comment `commentId` at `at`, under `parentId` when it answers in a thread. */
const customerComment = (commentId: string, at: number, parentId?: string) =>
  ev.comment({ ...P, customerId: 'PSID_1', commentId, timestamp: at, ...(parentId ? { parentId } : {}) });

/** The customer's comment `post_1_c1` at `at` and the page's public answer under it an hour later. */
async function answeredComment(h: Harness, at: number) {
  await h.inbox.apply([customerComment('post_1_c1', at)]);
  await h.inbox.apply([
    ev.comment({
      ...P,
      commentId: 'post_1_p1',
      parentId: 'post_1_c1',
      timestamp: at + HOUR,
      from: { id: 'PAGE_1' },
      fromPage: true,
      customerId: null,
      text: 'DM us!',
    }),
  ]);
}

describe('private replies, one per comment', () => {
  it('a new comment in a thread gets its own private reply', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 8 * DAY);
    await h.inbox.apply([customerComment('post_1_c2', T0 - HOUR, 'post_1_p1')]);
    const conv = await latest(h);
    await expect(h.channels.send(conv!.id, { text: 'Price sent in DM' })).resolves.toHaveLength(1);
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
    // A public reply still answers the thread the conversation opened with.
    await h.channels.send(conv!.id, { text: 'Done!', publicReply: true });
    expect(env.standin.requests.at(-1)).toMatchObject({ method: 'POST', path: 'post_1_c1/comments' });
  });

  it('sends a second private reply to the newer comment once the first comment had its own', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 2 * DAY);
    const conv = (await latest(h))!;
    await h.channels.send(conv.id, { text: 'First DM' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c1' });
    await h.inbox.apply([customerComment('post_1_c2', T0 - HOUR, 'post_1_p1')]);
    await h.channels.send(conv.id, { text: 'Second DM' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
    const stored = (await h.store.conversations.get(conv.id))!.comment!;
    expect(stored.privateReplySentAt).toBe(T0);
    expect(stored.later).toEqual([{ commentId: 'post_1_c2', createdAt: T0 - HOUR, privateReplySentAt: T0 }]);
  });

  it('refuses a second private reply to the same comment before calling Meta', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 8 * DAY);
    await h.inbox.apply([customerComment('post_1_c2', T0 - HOUR, 'post_1_p1')]);
    const conv = (await latest(h))!;
    await h.channels.send(conv.id, { text: 'One DM' });
    const error = await h.channels.send(conv.id, { text: 'Another DM' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowClosedError);
    expect((error as Error).message).toMatch(/already sent/);
    expect(env.meta.sent).toHaveLength(1);
  });

  it('refuses a private reply to a comment older than 7 days with no newer one', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 8 * DAY);
    const conv = (await latest(h))!;
    const error = await h.channels.send(conv.id, { text: 'late' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowClosedError);
    expect((error as Error).message).toMatch(/no longer possible/);
    expect(env.meta.sent).toHaveLength(0);
  });

  it('answers the newest comment when the comments arrive out of order', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 8 * DAY);
    await h.inbox.apply([customerComment('post_1_c3', T0 - HOUR, 'post_1_p1')]);
    await h.inbox.apply([customerComment('post_1_c2', T0 - 2 * HOUR, 'post_1_p1')]);
    const conv = (await latest(h))!;
    await h.channels.send(conv.id, { text: 'To the newest' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c3' });
    await h.channels.send(conv.id, { text: 'To the one before' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
    await expect(h.channels.send(conv.id, { text: 'none left' })).rejects.toBeInstanceOf(WindowClosedError);
  });

  it('retries a private reply to the comment it answered, not to one that came after it', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - DAY);
    const conv = (await latest(h))!;
    // Meta answers after the client gave up: the reply may have reached the customer.
    env.meta.sendAnswers.push({ delayMs: 3000, json: { recipient_id: 'PSID_1', message_id: 'm_late' } });
    await h.channels.send(conv.id, { text: 'Price in DM', clientId: 'priv-1' }).catch(() => undefined);
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c1' });
    await h.inbox.apply([customerComment('post_1_c2', T0 + HOUR, 'post_1_p1')]);
    await expect(h.channels.retry('priv-1')).resolves.toMatchObject({ delivery: 'sent' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c1' });
    // The newer comment keeps its own.
    await h.channels.send(conv.id, { text: 'And the shipping' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
  });
});
