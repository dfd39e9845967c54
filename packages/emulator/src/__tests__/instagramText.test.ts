import { GraphError, RuleViolationError, utf8Length } from '@pagedesk/core';
import { createGraphClient } from '@pagedesk/core/server';
import { describe, expect, it } from 'vitest';
import { usePagesStack } from './coreStack.js';

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

const stack = usePagesStack(APP_SECRET, [IG]);

describe('Instagram text through the send path and the emulator', () => {
  it('refuses 1,500 bytes before Meta, splits it on request into parts the emulator takes, and the emulator refuses it raw', async () => {
    const bia = stack.emu.customers.create({ pageId: IG.id, name: 'Bia' });
    await stack.emu.customer(bia.id).send({ text: 'Oi! Onde está meu pedido?' });
    await stack.emu.webhooks.idle();
    const conversation = await stack.store.conversations.findLatest({
      channelId: IG.id,
      customerId: `${IG.id}:${bia.id}`,
      source: 'message',
    });
    const reply = 'Seu pedido já saiu e chegará amanhã. '.repeat(40).trim(); // 40 × 39 bytes
    expect(utf8Length(reply)).toBeGreaterThan(1000);
    expect(reply.length).toBeLessThan(2000);
    const sentBefore = stack.emu.sent(IG.id).length;
    await expect(stack.channels.send(conversation!.id, { text: reply })).rejects.toBeInstanceOf(
      RuleViolationError,
    );
    expect(stack.emu.sent(IG.id)).toHaveLength(sentBefore);

    const parts = await stack.channels.send(conversation!.id, { text: reply, split: true });
    expect(parts.map((m) => m.delivery)).toEqual(parts.map(() => 'sent'));
    const accepted = stack.emu.sent(IG.id).slice(sentBefore);
    expect(accepted.map((s) => s.text).join('')).toBe(reply);
    for (const s of accepted) expect(utf8Length(s.text!)).toBeLessThanOrEqual(1000);

    const page = createGraphClient({ appSecret: APP_SECRET, baseUrl: stack.emu.graphUrl }).forPage({
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
