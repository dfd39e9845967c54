import { RecipientUnavailableError } from '@pagedesk/core';
import { createGraphClient } from '@pagedesk/core/server';
import { describe, expect, it } from 'vitest';
import { pagePair, usePagesStack } from './coreStack.js';

// Blocking a customer end to end: `stack.channels.setBlocked` through the emulator acting as Meta (the Page
// `blocked` edge), the customer recording it, sends refused before Meta with the reason while blocked,
// Meta's own 551 for a send that skips the send path, and Instagram refused.

const APP_SECRET = 'blocking-secret-3';
const { FB, IG } = pagePair(5);

const stack = usePagesStack(APP_SECRET, [FB, IG]);

describe('blocking a customer through the emulator', () => {
  it('blocks (sends refused with the reason, before Meta), then unblocks (sends go through)', async () => {
    const { psid, conversation } = await stack.conversationWith(FB.id, 'Spammy');
    const blocked = await stack.channels.setBlocked(conversation.customerId, true, { agentId: 'ana' });
    expect(blocked.blocked).toMatchObject({ by: 'ana' });
    const sentBefore = stack.emu.sent(FB.id).length;
    const refusal = await stack.channels.send(conversation.id, { text: 'Hello' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RecipientUnavailableError);
    expect((refusal as Error).message).toContain('blocked');
    expect(stack.emu.sent(FB.id)).toHaveLength(sentBefore);

    // Meta itself refuses a send to a blocked person (551), for a caller that skips the send path.
    const page = createGraphClient({
      appSecret: APP_SECRET,
      baseUrl: stack.emu.graphUrl,
      retry: { limit: 0 },
    }).forPage({
      id: FB.id,
      accessToken: FB.accessToken,
    });
    await expect(
      page.send({ recipient: { id: psid }, text: 'raw', messagingType: 'RESPONSE' }),
    ).rejects.toBeInstanceOf(RecipientUnavailableError);

    const unblocked = await stack.channels.setBlocked(conversation.customerId, false);
    expect(unblocked.blocked).toBeUndefined();
    const [reply] = await stack.channels.send(conversation.id, { text: 'Welcome back' });
    expect(reply).toMatchObject({ delivery: 'sent' });
  });

  it('refuses Instagram before any call, and an unknown customer', async () => {
    const { conversation } = await stack.conversationWith(IG.id, 'Insta');
    await expect(stack.channels.setBlocked(conversation.customerId, true)).rejects.toThrow(/Instagram/);
    await expect(stack.channels.setBlocked(`${FB.id}:nobody`, true)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
