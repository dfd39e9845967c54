import { ChannelUnavailableError, type memoryStore, TokenError, WindowClosedError } from '@pagedesk/core';
import type { ServerChannels } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../index.js';
import { startCoreStack } from './coreStack.js';

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

let emu: Emulator;
let store: ReturnType<typeof memoryStore>;
let channels: ServerChannels;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emu, store, channels, close } = await startCoreStack({
    appSecret: APP_SECRET,
    emulator: { pages: [PAGE], customerBehaviour: { deliverAfterMs: 0 } },
  }));
});
afterAll(() => close());

async function conversationOf(customerId: string) {
  await emu.webhooks.idle();
  const conversation = await store.conversations.findLatest({
    channelId: PAGE.id,
    customerId: `${PAGE.id}:${customerId}`,
    source: 'message',
  });
  return conversation!;
}

describe('@pagedesk/core/server against @pagedesk/emulator', () => {
  it('connects the page from the admin’s user token', async () => {
    const pages = await channels.listConnectablePages(emu.userToken);
    expect(pages.find((p) => p.id === PAGE.id)).toMatchObject({ connected: false });
    const [channel] = await channels.connect(emu.userToken, [PAGE.id]);
    expect(channel).toMatchObject({ id: PAGE.id, status: 'active', appId: emu.appId });
    expect(emu.subscriptions.fields(PAGE.id)).toEqual(expect.arrayContaining(['messages', 'message_echoes']));
  });

  it('answers a customer: pending → sent, the echo confirms it, delivery moves it on; the profile is fetched', async () => {
    const ana = emu.customers.create({ pageId: PAGE.id, name: 'Ana Lima' });
    await emu.customer(ana.id).send({ text: 'Where is my order?' });
    const conversation = await conversationOf(ana.id);
    await channels.idle();
    expect(await store.customers.get(conversation.customerId)).toMatchObject({ profileStatus: 'fetched' });
    const [message] = await channels.send(conversation.id, { text: 'It ships today!' });
    expect(message).toMatchObject({ delivery: 'sent', messagingType: 'RESPONSE' });
    const sent = emu.sent(PAGE.id).at(-1)!;
    expect(sent).toMatchObject({ text: 'It ships today!', metadata: message!.id, messagingType: 'RESPONSE' });
    await emu.webhooks.idle();
    const stored = await store.messages.get(message!.id);
    expect(['sent', 'delivered', 'read']).toContain(stored!.delivery);
    expect(stored!.mid).toBe(sent.mid);
    // The echo did not create a second message.
    const outbound = (await store.messages.list(conversation.id)).items.filter(
      (m) => m.direction !== 'inbound',
    );
    expect(outbound).toHaveLength(1);
  });

  it('retries a transient 1200 and sends once', async () => {
    const ben = emu.customers.create({ pageId: PAGE.id, name: 'Ben' });
    await emu.customer(ben.id).send({ text: 'hi' });
    const conversation = await conversationOf(ben.id);
    const before = emu.sent(PAGE.id).length;
    emu.faults.set({ transient1200: 1 });
    await expect(channels.send(conversation.id, { text: 'hello Ben' })).resolves.toHaveLength(1);
    expect(emu.sent(PAGE.id)).toHaveLength(before + 1);
    emu.faults.clear();
  });

  it('uses HUMAN_AGENT after 24 h and refuses after 7 days without calling Meta', async () => {
    const cy = emu.customers.create({ pageId: PAGE.id, name: 'Cy' });
    await emu.customer(cy.id).send({ text: 'old question', at: emu.clock.now() - 30 * HOUR });
    const conversation = await conversationOf(cy.id);
    const [late] = await channels.send(conversation.id, { text: 'Sorry for the delay' });
    expect(late).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', delivery: 'sent' });
    emu.clock.advance(7 * 24 * HOUR);
    const before = emu.sent(PAGE.id).length;
    await expect(channels.send(conversation.id, { text: 'anyone?' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(emu.sent(PAGE.id)).toHaveLength(before);
  });

  it('flips the channel when the token is revoked mid-send, and reauthorization brings it back', async () => {
    const dee = emu.customers.create({ pageId: PAGE.id, name: 'Dee' });
    await emu.customer(dee.id).send({ text: 'hello' });
    const conversation = await conversationOf(dee.id);
    emu.tokens.revoke(PAGE.id, 'password_changed');
    await expect(channels.send(conversation.id, { text: 'one moment' })).rejects.toBeInstanceOf(TokenError);
    expect((await channels.get(PAGE.id)).status).toBe('revoked');
    await expect(channels.send(conversation.id, { text: 'again' })).rejects.toBeInstanceOf(
      ChannelUnavailableError,
    );
    emu.tokens.reissue(PAGE.id);
    const channel = await channels.reauthorize(PAGE.id, emu.userToken);
    expect(channel.status).toBe('active');
    await expect(channels.send(conversation.id, { text: 'back online' })).resolves.toHaveLength(1);
  });

  it('notices a dropped subscription and repairs it', async () => {
    emu.subscriptions.drop(PAGE.id);
    const result = await channels.check(PAGE.id);
    expect(result).toMatchObject({ resubscribed: true, channel: { status: 'active' } });
    expect(emu.subscriptions.fields(PAGE.id)).toContain('messages');
  });
});
