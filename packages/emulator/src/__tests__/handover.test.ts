import { PAGE_INBOX_APP_ID, ThreadControlError } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { directConversation, pagePair, startPagesStack, usePagesStack } from './coreStack.js';

// Routing with bots end to end: the send path refuses while another app holds the thread (before Meta,
// from what the conversation knows; and Meta's 2018300 when it did not know), take / pass / request /
// check through the emulator acting as Meta, and Instagram refused (Conversation Routing).

const APP_SECRET = 'handover-secret-9';
const { FB, IG } = pagePair(4);
const BOT_APP = '555000111';

const stack = usePagesStack(APP_SECRET, [FB, IG]);

describe('thread control through the emulator', () => {
  it('checks, takes from a bot, passes to Page Inbox and refuses sends while another app holds it', async () => {
    const { psid, conversation } = await stack.conversationWith(FB.id, 'Eva');
    stack.emu.handover.setOwner(FB.id, psid, BOT_APP);

    // The inbox did not know yet: Meta's refusal (2018300) comes back typed.
    await expect(stack.channels.send(conversation.id, { text: 'Hi' })).rejects.toBeInstanceOf(
      ThreadControlError,
    );
    const checked = await stack.channels.threadControl(conversation.id, 'check');
    expect(checked.threadOwner).toMatchObject({ appId: BOT_APP });
    // Now known: refused before Meta, naming who holds it; nothing more is recorded.
    const sentBefore = stack.emu.sent(FB.id).length;
    const refusal = await stack.channels.send(conversation.id, { text: 'Hi again' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ThreadControlError);
    expect((refusal as Error).message).toContain(BOT_APP);
    expect(stack.emu.sent(FB.id)).toHaveLength(sentBefore);

    const taken = await stack.channels.threadControl(conversation.id, 'take', {
      metadata: 'agent took over',
    });
    expect(taken.threadOwner).toMatchObject({ appId: stack.emu.appId, metadata: 'agent took over' });
    expect(stack.emu.handover.owner(FB.id, psid)).toBe(stack.emu.appId);
    const [reply] = await stack.channels.send(conversation.id, { text: 'I am here to help' });
    expect(reply).toMatchObject({ delivery: 'sent' });

    const passed = await stack.channels.threadControl(conversation.id, 'pass', {
      targetAppId: PAGE_INBOX_APP_ID,
    });
    expect(passed.threadOwner?.appId).toBe(PAGE_INBOX_APP_ID);
    expect(stack.emu.handover.owner(FB.id, psid)).toBe(PAGE_INBOX_APP_ID);
    await expect(stack.channels.send(conversation.id, { text: 'Still there?' })).rejects.toThrow(
      "Meta's Page Inbox",
    );
  });

  it('answers like Meta: passing a thread another app holds, requesting one this app holds', async () => {
    const { psid, conversation } = await stack.conversationWith(FB.id, 'Finn');
    stack.emu.handover.setOwner(FB.id, psid, BOT_APP);
    await expect(
      stack.channels.threadControl(conversation.id, 'pass', { targetAppId: PAGE_INBOX_APP_ID }),
    ).rejects.toBeInstanceOf(ThreadControlError);
    expect(stack.emu.handover.owner(FB.id, psid)).toBe(BOT_APP);
    await stack.channels.threadControl(conversation.id, 'request');
    stack.emu.handover.setOwner(FB.id, psid, stack.emu.appId);
    await expect(stack.channels.threadControl(conversation.id, 'request')).rejects.toMatchObject({
      graphCode: 100,
    });
  });

  it('refuses handover calls on Instagram (Conversation Routing) before any call', async () => {
    const { conversation } = await stack.conversationWith(IG.id, 'Gil');
    await expect(stack.channels.threadControl(conversation.id, 'take')).rejects.toThrow(
      /Conversation Routing/,
    );
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
