import { ChannelUnavailableError, TokenError, WindowClosedError } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { useCoreStack } from './coreStack.js';

// `@pagedesk/core/server`'s send path and channel lifecycle end to end against the emulator: the
// webhook receiver feeds the inbox, the Graph client talks to the emulator's Graph API.

const APP_SECRET = 'emulator-app-secret-123';
const PAGE = {
  id: '2001',
  name: 'Acme Support',
  platform: 'messenger' as const,
  accessToken: 'page-token-2001-abcdef',
};
const HOUR = 60 * 60 * 1000;

const stack = useCoreStack({
  appSecret: APP_SECRET,
  emulator: { pages: [PAGE], customerBehaviour: { deliverAfterMs: 0 } },
});

async function conversationOf(customerId: string) {
  await stack.emu.webhooks.idle();
  const conversation = await stack.store.conversations.findLatest({
    channelId: PAGE.id,
    customerId: `${PAGE.id}:${customerId}`,
    source: 'message',
  });
  return conversation!;
}

describe('@pagedesk/core/server against @pagedesk/emulator', () => {
  it('connects the page from the admin’s user token', async () => {
    const pages = await stack.channels.listConnectablePages(stack.emu.userToken);
    expect(pages.find((p) => p.id === PAGE.id)).toMatchObject({ connected: false });
    const [channel] = await stack.channels.connect(stack.emu.userToken, [PAGE.id]);
    expect(channel).toMatchObject({ id: PAGE.id, status: 'active', appId: stack.emu.appId });
    expect(stack.emu.subscriptions.fields(PAGE.id)).toEqual(
      expect.arrayContaining(['messages', 'message_echoes']),
    );
  });

  it('answers a customer: pending → sent, the echo confirms it, delivery moves it on; the profile is fetched', async () => {
    const ana = stack.emu.customers.create({ pageId: PAGE.id, name: 'Ana Lima' });
    await stack.emu.customer(ana.id).send({ text: 'Where is my order?' });
    const conversation = await conversationOf(ana.id);
    await stack.channels.idle();
    expect(await stack.store.customers.get(conversation.customerId)).toMatchObject({
      profileStatus: 'fetched',
    });
    const [message] = await stack.channels.send(conversation.id, { text: 'It ships today!' });
    expect(message).toMatchObject({ delivery: 'sent', messagingType: 'RESPONSE' });
    const sent = stack.emu.sent(PAGE.id).at(-1)!;
    expect(sent).toMatchObject({ text: 'It ships today!', metadata: message!.id, messagingType: 'RESPONSE' });
    await stack.emu.webhooks.idle();
    const stored = await stack.store.messages.get(message!.id);
    expect(['sent', 'delivered', 'read']).toContain(stored!.delivery);
    expect(stored!.mid).toBe(sent.mid);
    // The echo did not create a second message.
    const outbound = (await stack.store.messages.list(conversation.id)).items.filter(
      (m) => m.direction !== 'inbound',
    );
    expect(outbound).toHaveLength(1);
  });

  it('retries a transient 1200 and sends once', async () => {
    const ben = stack.emu.customers.create({ pageId: PAGE.id, name: 'Ben' });
    await stack.emu.customer(ben.id).send({ text: 'hi' });
    const conversation = await conversationOf(ben.id);
    const before = stack.emu.sent(PAGE.id).length;
    stack.emu.faults.set({ transient1200: 1 });
    await expect(stack.channels.send(conversation.id, { text: 'hello Ben' })).resolves.toHaveLength(1);
    expect(stack.emu.sent(PAGE.id)).toHaveLength(before + 1);
    stack.emu.faults.clear();
  });

  it('uses HUMAN_AGENT after 24 h and refuses after 7 days without calling Meta', async () => {
    const cy = stack.emu.customers.create({ pageId: PAGE.id, name: 'Cy' });
    await stack.emu.customer(cy.id).send({ text: 'old question', at: stack.emu.clock.now() - 30 * HOUR });
    const conversation = await conversationOf(cy.id);
    const [late] = await stack.channels.send(conversation.id, { text: 'Sorry for the delay' });
    expect(late).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', delivery: 'sent' });
    stack.emu.clock.advance(7 * 24 * HOUR);
    const before = stack.emu.sent(PAGE.id).length;
    await expect(stack.channels.send(conversation.id, { text: 'anyone?' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(stack.emu.sent(PAGE.id)).toHaveLength(before);
  });

  it('flips the channel when the token is revoked mid-send, and reauthorization brings it back', async () => {
    const dee = stack.emu.customers.create({ pageId: PAGE.id, name: 'Dee' });
    await stack.emu.customer(dee.id).send({ text: 'hello' });
    const conversation = await conversationOf(dee.id);
    stack.emu.tokens.revoke(PAGE.id, 'password_changed');
    await expect(stack.channels.send(conversation.id, { text: 'one moment' })).rejects.toBeInstanceOf(
      TokenError,
    );
    expect((await stack.channels.get(PAGE.id)).status).toBe('revoked');
    await expect(stack.channels.send(conversation.id, { text: 'again' })).rejects.toBeInstanceOf(
      ChannelUnavailableError,
    );
    stack.emu.tokens.reissue(PAGE.id);
    const channel = await stack.channels.reauthorize(PAGE.id, stack.emu.userToken);
    expect(channel.status).toBe('active');
    await expect(stack.channels.send(conversation.id, { text: 'back online' })).resolves.toHaveLength(1);
  });

  it('notices a dropped subscription and repairs it', async () => {
    stack.emu.subscriptions.drop(PAGE.id);
    const result = await stack.channels.check(PAGE.id);
    expect(result).toMatchObject({ resubscribed: true, channel: { status: 'active' } });
    expect(stack.emu.subscriptions.fields(PAGE.id)).toContain('messages');
  });
});
