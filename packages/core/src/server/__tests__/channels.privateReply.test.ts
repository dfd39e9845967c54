// createChannels: private replies to comments. Meta allows one per comment, within 7 days of that
// comment, so a comment conversation's private reply answers the customer's newest comment.
import { describe, expect, it } from 'vitest';
import { RuleViolationError, WindowClosedError } from '../../errors.js';
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
  it('a new comment in a thread gets its own private reply, after the first is past its 7 days', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - 8 * DAY);
    await h.inbox.apply([customerComment('post_1_c2', T0 - HOUR, 'post_1_p1')]);
    const conv = await latest(h);
    expect(conv?.comment).toMatchObject({ commentId: 'post_1_c1', latestId: 'post_1_c2' });
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
    expect((await h.store.conversations.get(conv.id))?.comment?.privateReplySentAt).toBe(T0);
    await h.inbox.apply([customerComment('post_1_c2', T0 + HOUR, 'post_1_p1')]);
    expect((await h.store.conversations.get(conv.id))?.comment?.privateReplySentAt).toBeNull();
    await h.channels.send(conv.id, { text: 'Second DM' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
    expect((await h.store.conversations.get(conv.id))?.comment).toMatchObject({
      latestId: 'post_1_c2',
      privateReplySentAt: T0,
    });
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
    expect(conv.comment?.latestId).toBe('post_1_c3');
    await h.channels.send(conv.id, { text: 'To the newest' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c3' });
  });

  it('does not spend the newer comment when a reply to the one before lands after it came', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - DAY);
    const conv = (await latest(h))!;
    await h.inbox.apply([customerComment('post_1_c2', T0 + HOUR, 'post_1_p1')]);
    await h.inbox.markPrivateReplySent(conv.id, T0 + 2 * HOUR, 'post_1_c1');
    expect((await h.store.conversations.get(conv.id))?.comment?.privateReplySentAt).toBeNull();
    await expect(h.inbox.markPrivateReplySent(conv.id, T0, '')).rejects.toThrow(/commentId/);
  });

  it('does not retry a private reply of unknown outcome at a comment that came after it, unless forced', async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - DAY);
    const conv = (await latest(h))!;
    // Meta answers after the client gave up: the reply may have reached the customer.
    env.meta.sendAnswers.push({ delayMs: 3000, json: { recipient_id: 'PSID_1', message_id: 'm_late' } });
    await h.channels.send(conv.id, { text: 'Price in DM', clientId: 'priv-1' }).catch(() => undefined);
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c1' });
    await h.inbox.apply([customerComment('post_1_c2', T0 + HOUR, 'post_1_p1')]);
    const calls = env.meta.sent.length;
    const error = await h.channels.retry('priv-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error).toMatchObject({ rule: 'private_reply_superseded' });
    expect(env.meta.sent).toHaveLength(calls);
    // The agent chose to send it to the newer comment after all.
    await expect(h.channels.retry('priv-1', { force: true })).resolves.toMatchObject({ delivery: 'sent' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
  });

  it("keeps the newest comment's time when the customer reacts to the private reply in Messenger", async () => {
    const h = await harness(env.standin);
    await answeredComment(h, T0 - DAY);
    const conv = (await latest(h))!;
    const [reply] = await h.channels.send(conv.id, { text: 'Price in DM' });
    const before = (await h.store.conversations.get(conv.id))!.lastInboundAt;
    await h.inbox.apply([
      ev.reaction({ ...P, customerId: 'PSID_1', mid: reply!.mid!, emoji: '❤️', timestamp: T0 + 2 * HOUR }),
    ]);
    expect((await h.store.conversations.get(conv.id))?.lastInboundAt).toBe(before);
    // A comment written before that reaction is still the customer's newest: it gets its own reply.
    await h.inbox.apply([customerComment('post_1_c2', T0 + HOUR, 'post_1_p1')]);
    await h.channels.send(conv.id, { text: 'And the shipping' });
    expect(lastRecipient()).toEqual({ comment_id: 'post_1_c2' });
  });
});
