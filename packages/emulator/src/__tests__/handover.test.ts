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

  it("delivers the customer's events on standby while another app holds the thread, postbacks without payload", async () => {
    const { psid, conversation } = await stack.conversationWith(FB.id, 'Sol');
    stack.emu.handover.setOwner(FB.id, psid, BOT_APP);
    const before = stack.emu.webhooks.deliveries().length;
    const customer = stack.emu.customer(psid);
    await customer.send({ text: 'Is anyone there?' });
    await customer.postback({ title: 'Talk to a person', payload: 'HUMAN' });
    await stack.emu.webhooks.idle();
    const entries = stack.emu.webhooks
      .deliveries()
      .slice(before)
      .filter((d) => d.ok)
      .flatMap((d) => d.body.entry);
    expect(entries.map((e) => [Boolean(e.messaging), e.standby?.length])).toEqual([
      [false, 1],
      [false, 1],
    ]);
    expect(entries[1]?.standby?.[0]).toMatchObject({ postback: { title: 'Talk to a person' } });
    expect(entries[1]?.standby?.[0]?.postback).not.toHaveProperty('payload');
    // The inbox keeps the message, marked as one this inbox did not answer.
    const { items } = await stack.store.messages.list(conversation.id, { limit: 5 });
    expect(items.find((m) => m.text === 'Is anyone there?')).toMatchObject({ standby: true });

    // Once this app holds the thread again, events come on `messaging`.
    stack.emu.handover.setOwner(FB.id, psid, stack.emu.appId);
    const mark = stack.emu.webhooks.deliveries().length;
    await customer.send({ text: 'Thanks' });
    await stack.emu.webhooks.idle();
    const [after] = stack.emu.webhooks.deliveries().slice(mark);
    expect(after?.body.entry[0]).toMatchObject({ messaging: [expect.anything()] });
    expect(after?.body.entry[0]).not.toHaveProperty('standby');
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
