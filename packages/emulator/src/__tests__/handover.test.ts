import { PAGE_INBOX_APP_ID, ThreadControlError } from '@pagedesk/core';
import type { ServerChannels } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../index.js';
import { directConversation, startPagesStack } from './coreStack.js';

// Routing with bots end to end: the send path refuses while another app holds the thread (before Meta,
// from what the conversation knows; and Meta's 2018300 when it did not know), take / pass / request /
// check through the emulator acting as Meta, and Instagram refused (Conversation Routing).

const APP_SECRET = 'handover-secret-9';
const FB = { id: '4001', name: 'Acme Page', platform: 'messenger' as const, accessToken: 'tok-4001-abcdef' };
const IG = {
  id: '17841400000000400',
  name: 'acme.ig',
  platform: 'instagram' as const,
  accessToken: 'tok-ig-400',
};
const BOT_APP = '555000111';

let stack: Awaited<ReturnType<typeof startPagesStack>>;
let emu: Emulator;
let channels: ServerChannels;

beforeAll(async () => {
  stack = await startPagesStack(APP_SECRET, [FB, IG]);
  ({ emu, channels } = stack);
});
afterAll(() => stack.close());

const conversationWith = (pageId: string, name: string) => directConversation(stack, pageId, name);

describe('thread control through the emulator', () => {
  it('checks, takes from a bot, passes to Page Inbox and refuses sends while another app holds it', async () => {
    const { psid, conversation } = await conversationWith(FB.id, 'Eva');
    emu.handover.setOwner(FB.id, psid, BOT_APP);

    // The inbox did not know yet: Meta's refusal (2018300) comes back typed.
    await expect(channels.send(conversation.id, { text: 'Hi' })).rejects.toBeInstanceOf(ThreadControlError);
    const checked = await channels.threadControl(conversation.id, 'check');
    expect(checked.threadOwner).toMatchObject({ appId: BOT_APP });
    // Now known: refused before Meta, naming who holds it; nothing more is recorded.
    const sentBefore = emu.sent(FB.id).length;
    const refusal = await channels.send(conversation.id, { text: 'Hi again' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ThreadControlError);
    expect((refusal as Error).message).toContain(BOT_APP);
    expect(emu.sent(FB.id)).toHaveLength(sentBefore);

    const taken = await channels.threadControl(conversation.id, 'take', { metadata: 'agent took over' });
    expect(taken.threadOwner).toMatchObject({ appId: emu.appId, metadata: 'agent took over' });
    expect(emu.handover.owner(FB.id, psid)).toBe(emu.appId);
    const [reply] = await channels.send(conversation.id, { text: 'I am here to help' });
    expect(reply).toMatchObject({ delivery: 'sent' });

    const passed = await channels.threadControl(conversation.id, 'pass', { targetAppId: PAGE_INBOX_APP_ID });
    expect(passed.threadOwner?.appId).toBe(PAGE_INBOX_APP_ID);
    expect(emu.handover.owner(FB.id, psid)).toBe(PAGE_INBOX_APP_ID);
    await expect(channels.send(conversation.id, { text: 'Still there?' })).rejects.toThrow(
      "Meta's Page Inbox",
    );
  });

  it('answers like Meta: passing a thread another app holds, requesting one this app holds', async () => {
    const { psid, conversation } = await conversationWith(FB.id, 'Finn');
    emu.handover.setOwner(FB.id, psid, BOT_APP);
    await expect(
      channels.threadControl(conversation.id, 'pass', { targetAppId: PAGE_INBOX_APP_ID }),
    ).rejects.toBeInstanceOf(ThreadControlError);
    expect(emu.handover.owner(FB.id, psid)).toBe(BOT_APP);
    await channels.threadControl(conversation.id, 'request');
    emu.handover.setOwner(FB.id, psid, emu.appId);
    await expect(channels.threadControl(conversation.id, 'request')).rejects.toMatchObject({
      graphCode: 100,
    });
  });

  it('refuses handover calls on Instagram (Conversation Routing) before any call', async () => {
    const { conversation } = await conversationWith(IG.id, 'Gil');
    await expect(channels.threadControl(conversation.id, 'take')).rejects.toThrow(/Conversation Routing/);
  });
});

describe('thread control on a Page whose token also serves its Instagram account', () => {
  it('reads the owner by a bare PSID (`thread_owner?recipient=`), as Meta does', async () => {
    // The Instagram account is reached through its Page (`facebookPageId`): one token, two nodes.
    const shared = await startPagesStack(APP_SECRET, [
      { ...FB, id: '4101', name: 'Shared Page', accessToken: 'tok-4101-abcdef' },
      {
        ...IG,
        id: '17841400000000410',
        name: 'shared.ig',
        accessToken: 'tok-ig-410',
        facebookPageId: '4101',
      },
    ]);
    try {
      const { psid, conversation } = await directConversation(shared, '4101', 'Hana');
      shared.emu.handover.setOwner('4101', psid, BOT_APP);
      const checked = await shared.channels.threadControl(conversation.id, 'check');
      expect(checked.threadOwner).toMatchObject({ appId: BOT_APP });
    } finally {
      await shared.close();
    }
  });
});
