import { GraphError, type memoryStore, RuleViolationError, utf8Length } from '@pagedesk/core';
import { createGraphClient, type ServerChannels } from '@pagedesk/core/server';
import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../index.js';
import { startCoreStack } from './coreStack.js';

// One table of limits, read by the send path and the emulator alike: a reply over Instagram's 1000
// bytes is refused before Meta by the send path, split into parts the emulator takes, and refused by
// the emulator (as by Meta) when a caller skips the send path.

const APP_SECRET = 'ig-limits-secret-42';
const IG = {
  id: '17841400000000077',
  name: 'acme.ig',
  platform: 'instagram' as const,
  accessToken: 'ig-token-77-abc',
};

let emu: Emulator;
let store: ReturnType<typeof memoryStore>;
let channels: ServerChannels;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emu, store, channels, close } = await startCoreStack({
    appSecret: APP_SECRET,
    emulator: { pages: [IG], customerBehaviour: { deliverAfterMs: null } },
    channels: { recoverPendingOnStart: false },
  }));
  await store.channels.put(testEntities.channel({ id: IG.id, platform: 'instagram', appId: emu.appId }));
  await store.credentials.put(IG.id, { accessToken: IG.accessToken });
});
afterAll(() => close());

describe('Instagram text through the send path and the emulator', () => {
  it('refuses 1,500 bytes before Meta, splits it on request into parts the emulator takes, and the emulator refuses it raw', async () => {
    const bia = emu.customers.create({ pageId: IG.id, name: 'Bia' });
    await emu.customer(bia.id).send({ text: 'Oi! Onde está meu pedido?' });
    await emu.webhooks.idle();
    const conversation = await store.conversations.findLatest({
      channelId: IG.id,
      customerId: `${IG.id}:${bia.id}`,
      source: 'message',
    });
    const reply = 'Seu pedido já saiu e chegará amanhã. '.repeat(40).trim(); // 40 × 39 bytes
    expect(utf8Length(reply)).toBeGreaterThan(1000);
    expect(reply.length).toBeLessThan(2000);
    const sentBefore = emu.sent(IG.id).length;
    await expect(channels.send(conversation!.id, { text: reply })).rejects.toBeInstanceOf(RuleViolationError);
    expect(emu.sent(IG.id)).toHaveLength(sentBefore);

    const parts = await channels.send(conversation!.id, { text: reply, split: true });
    expect(parts.map((m) => m.delivery)).toEqual(parts.map(() => 'sent'));
    const accepted = emu.sent(IG.id).slice(sentBefore);
    expect(accepted.map((s) => s.text).join('')).toBe(reply);
    for (const s of accepted) expect(utf8Length(s.text!)).toBeLessThanOrEqual(1000);

    const page = createGraphClient({ appSecret: APP_SECRET, baseUrl: emu.graphUrl }).forPage({
      id: IG.id,
      accessToken: IG.accessToken,
    });
    const raw = await page
      .send({ recipient: { id: bia.id }, messagingType: 'RESPONSE', text: reply })
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(GraphError);
    expect(raw).toMatchObject({ graphCode: 100 });
  });
});
