import { RecipientUnavailableError } from '@pagedesk/core';
import { createGraphClient, type ServerChannels } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../index.js';
import { directConversation, startPagesStack } from './coreStack.js';

// Blocking a customer end to end: `channels.setBlocked` through the emulator acting as Meta (the Page
// `blocked` edge), the customer recording it, sends refused before Meta with the reason while blocked,
// Meta's own 551 for a send that skips the send path, and Instagram refused.

const APP_SECRET = 'blocking-secret-3';
const FB = { id: '5001', name: 'Acme Page', platform: 'messenger' as const, accessToken: 'tok-5001-abcdef' };
const IG = {
  id: '17841400000000500',
  name: 'acme.ig',
  platform: 'instagram' as const,
  accessToken: 'tok-ig-500',
};

let stack: Awaited<ReturnType<typeof startPagesStack>>;
let emu: Emulator;
let channels: ServerChannels;

beforeAll(async () => {
  stack = await startPagesStack(APP_SECRET, [FB, IG]);
  ({ emu, channels } = stack);
});
afterAll(() => stack.close());

const conversationWith = (pageId: string, name: string) => directConversation(stack, pageId, name);

describe('blocking a customer through the emulator', () => {
  it('blocks (sends refused with the reason, before Meta), then unblocks (sends go through)', async () => {
    const { psid, conversation } = await conversationWith(FB.id, 'Spammy');
    const blocked = await channels.setBlocked(conversation.customerId, true, { agentId: 'ana' });
    expect(blocked.blocked).toMatchObject({ by: 'ana' });
    const sentBefore = emu.sent(FB.id).length;
    const refusal = await channels.send(conversation.id, { text: 'Hello' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RecipientUnavailableError);
    expect((refusal as Error).message).toContain('blocked');
    expect(emu.sent(FB.id)).toHaveLength(sentBefore);

    // Meta itself refuses a send to a blocked person (551), for a caller that skips the send path.
    const page = createGraphClient({
      appSecret: APP_SECRET,
      baseUrl: emu.graphUrl,
      retry: { limit: 0 },
    }).forPage({
      id: FB.id,
      accessToken: FB.accessToken,
    });
    await expect(
      page.send({ recipient: { id: psid }, text: 'raw', messagingType: 'RESPONSE' }),
    ).rejects.toBeInstanceOf(RecipientUnavailableError);

    const unblocked = await channels.setBlocked(conversation.customerId, false);
    expect(unblocked.blocked).toBeUndefined();
    const [reply] = await channels.send(conversation.id, { text: 'Welcome back' });
    expect(reply).toMatchObject({ delivery: 'sent' });
  });

  it('refuses Instagram before any call, and an unknown customer', async () => {
    const { conversation } = await conversationWith(IG.id, 'Insta');
    await expect(channels.setBlocked(conversation.customerId, true)).rejects.toThrow(/Instagram/);
    await expect(channels.setBlocked(`${FB.id}:nobody`, true)).rejects.toMatchObject({ code: 'not_found' });
  });
});
