import { WindowClosedError } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { pagePair, usePagesStack } from './coreStack.js';

// Private replies end to end: the emulator, like Meta, allows one per comment within 7 days of it, and
// a comment conversation's private reply answers the customer's newest comment in the thread.

const APP_SECRET = 'private-replies-secret-6';
const { FB } = pagePair(6);
const DAY = 24 * 60 * 60 * 1000;

const stack = usePagesStack(APP_SECRET, [FB]);

describe('private replies through the emulator', () => {
  it("answers the customer's new comment once the first is past its 7 days, and only once", async () => {
    const customer = stack.emu.customers.create({ pageId: FB.id, name: 'Dara' });
    const person = stack.emu.customer(customer.id);
    const first = await person.comment({ text: 'Price?', at: stack.emu.clock.now() - 8 * DAY });
    const second = await person.comment({ text: 'Still there?', parentId: first.comment.id });
    await stack.emu.webhooks.idle();
    const conversation = await stack.store.conversations.findLatest({
      channelId: FB.id,
      customerId: `${FB.id}:${customer.id}`,
      source: 'comment',
    });
    expect(conversation?.comment?.commentId).toBe(first.comment.id);

    await expect(
      stack.channels.send(conversation!.id, { text: 'Sent you the price' }),
    ).resolves.toMatchObject([{ delivery: 'sent' }]);
    expect(stack.emu.sent(FB.id).at(-1)?.recipient).toEqual({ comment_id: second.comment.id });
    const comments = stack.emu.comments(FB.id);
    expect(comments.find((c) => c.id === second.comment.id)?.privateReplyMid).not.toBeNull();
    expect(comments.find((c) => c.id === first.comment.id)?.privateReplyMid).toBeNull();

    // Both comments are spent or too old: refused before Meta is asked.
    const sentBefore = stack.emu.sent(FB.id).length;
    await expect(stack.channels.send(conversation!.id, { text: 'Again' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(stack.emu.sent(FB.id)).toHaveLength(sentBefore);
  });
});
