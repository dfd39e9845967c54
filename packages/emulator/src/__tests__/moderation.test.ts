import { PermissionError, RuleViolationError } from '@pagedesk/core';
import { createGraphClient } from '@pagedesk/core/server';
import { describe, expect, it } from 'vitest';
import { directConversation, pagePair, usePagesStack } from './coreStack.js';

// Comment moderation end to end: `stack.channels.moderateComment` through the emulator acting as Meta (hide,
// unhide, like, delete on a Page; hide and delete on Instagram), what the message records, and Meta's
// refusals (missing permission, a deleted comment, another page's comment, likes on Instagram).

const APP_SECRET = 'moderation-secret-7';
const { FB, IG } = pagePair(3);
const NO_PERMISSION = {
  id: '3002',
  name: 'Read-only Page',
  platform: 'messenger' as const,
  accessToken: 'tok-3002-abcdef',
  scopes: ['pages_show_list', 'pages_messaging', 'pages_manage_metadata', 'pages_read_engagement'],
};

const stack = usePagesStack(APP_SECRET, [FB, IG, NO_PERMISSION]);

const commentNow = (id: string) => stack.emu.comments().find((c) => c.id === id);

/** A customer comments on the page's sample post; the comment's message in the inbox. */
async function commentOn(pageId: string, text: string) {
  const customer = stack.emu.customers.create({ pageId, name: 'Cleo' });
  const { comment } = await stack.emu.customer(customer.id).comment({ text });
  await stack.emu.webhooks.idle();
  const message = await stack.store.messages.getByMid(pageId, comment.id);
  expect(message, 'the comment reached the inbox').toBeDefined();
  return { comment, message: message! };
}

describe('moderating comments through the emulator', () => {
  it('hides, unhides, likes and deletes a Page comment, recording who did what', async () => {
    const { comment, message } = await commentOn(FB.id, 'Terrible service!!!');
    await stack.channels.moderateComment(message.id, 'hide', { agentId: 'ana' });
    expect(commentNow(comment.id)).toMatchObject({ hidden: true });
    await stack.channels.moderateComment(message.id, 'unhide', { agentId: 'ben' });
    await stack.channels.moderateComment(message.id, 'like');
    expect(commentNow(comment.id)).toMatchObject({ hidden: false, likedByPage: true });
    const deleted = await stack.channels.moderateComment(message.id, 'delete', { agentId: 'ana' });
    expect(commentNow(comment.id)).toMatchObject({ deleted: true });
    expect(deleted.moderation).toMatchObject({
      hidden: false,
      liked: true,
      deleted: true,
      actions: [
        { action: 'hide', agentId: 'ana' },
        { action: 'unhide', agentId: 'ben' },
        { action: 'like' },
        { action: 'delete', agentId: 'ana' },
      ],
    });
    expect((await stack.store.messages.get(message.id))?.moderation).toEqual(deleted.moderation);
    // Nothing more can be done to a deleted comment, and Pagedesk says so before asking Meta.
    await expect(stack.channels.moderateComment(message.id, 'hide')).rejects.toMatchObject({
      rule: 'comment_deleted',
    });
  });

  it('hides and deletes an Instagram comment; refuses a like before any call', async () => {
    const { comment, message } = await commentOn(IG.id, 'spam spam');
    await expect(stack.channels.moderateComment(message.id, 'like')).rejects.toBeInstanceOf(
      RuleViolationError,
    );
    await stack.channels.moderateComment(message.id, 'hide');
    expect(commentNow(comment.id)).toMatchObject({ hidden: true });
    await stack.channels.moderateComment(message.id, 'delete');
    expect(commentNow(comment.id)).toMatchObject({ deleted: true });
  });

  it("maps Meta's permission refusal to PermissionError and records nothing", async () => {
    const { comment, message } = await commentOn(NO_PERMISSION.id, 'Hello?');
    const error = await stack.channels.moderateComment(message.id, 'hide').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect(commentNow(comment.id)?.hidden).toBeUndefined();
    expect((await stack.store.messages.get(message.id))?.moderation).toBeUndefined();
  });

  it('refuses a message that is not a comment', async () => {
    const { conversation } = await directConversation(stack, FB.id, 'Dan', 'Hi');
    const [dm] = (await stack.store.messages.list(conversation.id)).items;
    await expect(stack.channels.moderateComment(dm!.id, 'hide')).rejects.toMatchObject({
      rule: 'not_a_comment',
    });
  });

  it("answers like Meta for another page's comment, a deleted one and a bad flag", async () => {
    const { comment } = await commentOn(FB.id, 'Another one');
    const graph = createGraphClient({
      appSecret: APP_SECRET,
      baseUrl: stack.emu.graphUrl,
      retry: { limit: 0 },
    });
    const other = graph.forPage({ id: NO_PERMISSION.id, accessToken: NO_PERMISSION.accessToken });
    await expect(other.moderateComment(comment.id, 'delete', 'messenger')).rejects.toMatchObject({
      graphCode: 100,
    });
    const own = graph.forPage({ id: FB.id, accessToken: FB.accessToken });
    await expect(
      graph.request({
        method: 'POST',
        path: comment.id,
        accessToken: FB.accessToken,
        query: { is_hidden: 'maybe' },
        schema: undefined as never,
      }),
    ).rejects.toMatchObject({ graphCode: 100 });
    await own.moderateComment(comment.id, 'delete', 'messenger');
    await expect(own.moderateComment(comment.id, 'hide', 'messenger')).rejects.toMatchObject({
      graphCode: 100,
    });
  });
});
