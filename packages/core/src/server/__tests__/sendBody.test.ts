import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { testClient, useGraphStandin } from './graphTestClient.js';

const env = useGraphStandin();

describe('Send API bodies', () => {
  beforeEach(() => env.standin.handle(() => ({ json: { recipient_id: 'PSID', message_id: 'm' } })));

  it('sends text with quick replies, metadata, reply_to, a tag and a persona', async () => {
    const { page } = testClient(env.standin);
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      text: 'Hello',
      quickReplies: [{ title: 'Yes', payload: 'YES' }, { contentType: 'user_email' }],
      metadata: 'pd_msg_1',
      replyTo: 'm_quoted',
      personaId: 'persona_1',
    });
    expect(env.standin.requests[0]!.body).toEqual({
      recipient: { id: 'PSID' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: {
        text: 'Hello',
        quick_replies: [
          { content_type: 'text', title: 'Yes', payload: 'YES' },
          { content_type: 'user_email' },
        ],
        metadata: 'pd_msg_1',
      },
      reply_to: { mid: 'm_quoted' },
      persona_id: 'persona_1',
    });
  });

  it('sends an attachment by URL, by attachment_id, and several images in one message', async () => {
    const { page } = testClient(env.standin);
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachment: { type: 'file', url: 'https://files.example/a.pdf' },
    });
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachment: { type: 'video', attachmentId: '99' },
    });
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachments: [
        { type: 'image', url: 'https://files.example/1.png' },
        { type: 'image', attachmentId: '42' },
      ],
    });
    const bodies = env.standin.requests.map((r) => (r.body as { message: unknown }).message);
    expect(bodies).toEqual([
      { attachment: { type: 'file', payload: { url: 'https://files.example/a.pdf' } } },
      { attachment: { type: 'video', payload: { attachment_id: '99' } } },
      {
        attachments: [
          { type: 'image', payload: { url: 'https://files.example/1.png' } },
          { type: 'image', payload: { attachment_id: '42' } },
        ],
      },
    ]);
  });

  it('sends private replies to a comment and sender actions alone', async () => {
    const { page } = testClient(env.standin);
    await page.privateReply({ commentId: 'C1' }, { text: 'Sent you a DM' });
    await page.senderAction('PSID', 'mark_seen', { personaId: 'p' });
    await page.senderAction('PSID', 'typing_on', { personaId: 'p' });
    expect(env.standin.requests.map((r) => r.body)).toEqual([
      { recipient: { comment_id: 'C1' }, messaging_type: 'RESPONSE', message: { text: 'Sent you a DM' } },
      { recipient: { id: 'PSID' }, sender_action: 'mark_seen' },
      { recipient: { id: 'PSID' }, sender_action: 'typing_on', persona_id: 'p' },
    ]);
  });

  it.each([
    [{ text: '' }, 'text'],
    [{ text: 'a'.repeat(2001) }, 'text'],
    [{ text: 'a', attachment: { type: 'image' as const, url: 'https://x.example/a.png' } }, 'text'],
    [{ attachments: [{ type: 'video' as const, url: 'https://x.example/a.mp4' }] }, 'attachments'],
    [{ attachment: { type: 'image' as const } }, 'attachment'],
    [{ text: 'a', metadata: 'm'.repeat(1000) }, 'metadata'],
    [
      { text: 'a', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `q${i}`, payload: 'p' })) },
      'quickReplies',
    ],
  ])('refuses an invalid message before any call (%#)', async (message, field) => {
    const { page } = testClient(env.standin);
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', ...message })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).join(' ')).toContain(field);
    expect(env.standin.requests).toHaveLength(0);
  });

  it('requires a tag exactly with MESSAGE_TAG', async () => {
    const { page } = testClient(env.standin);
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'MESSAGE_TAG', text: 'a' }),
    ).rejects.toThrow(/tag/);
  });
});
