import { instagramRules } from '@pagedesk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { attachmentLimit } from '../sendLimits.js';
import { APP_SECRET, IG, PAGE, sendText } from './helpers.js';

// The emulator refuses over-limit text as Meta does, from core's table: Instagram by UTF-8 bytes,
// Messenger by characters.

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [PAGE, IG],
    now: Date.UTC(2026, 10, 1, 12),
    freezeClock: true,
    customerBehaviour: { deliverAfterMs: null },
  });
});
afterAll(() => emu.close());

async function igCustomer() {
  const c = emu.customers.create({ pageId: IG.id, name: 'Bia' });
  await emu.customer(c.id).send({ text: 'oi' });
  return c;
}

describe('Instagram text limit', () => {
  it('takes 1000 UTF-8 bytes and refuses 1001 with Meta’s (#100) error shape', async () => {
    const c = await igCustomer();
    expect(instagramRules.text.maxBytes).toBe(1000);
    expect((await sendText(emu, c.id, 'é'.repeat(500), {}, IG.accessToken)).status).toBe(200);
    const over = await sendText(emu, c.id, `${'é'.repeat(500)}a`, {}, IG.accessToken);
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(over.body.error?.message).toMatch(/^\(#100\) .*1000 bytes/);
    expect(over.body.error?.fbtrace_id).toMatch(/^A/);
    expect(emu.sent(IG.id).some((s) => s.text?.endsWith('éa'))).toBe(false);
  });

  it('a 1,500-byte reply Messenger would take is refused on Instagram', async () => {
    const text = 'ç'.repeat(750);
    const c = await igCustomer();
    expect((await sendText(emu, c.id, text, {}, IG.accessToken)).body.error?.code).toBe(100);
    const m = emu.customers.create({ pageId: PAGE.id, name: 'Ana' });
    await emu.customer(m.id).send({ text: 'hi' });
    expect((await sendText(emu, m.id, text)).status).toBe(200);
  });

  it('reads attachment limits from core’s table', () => {
    expect(attachmentLimit('instagram', 'image', 'upload')).toBe(8 * 1024 * 1024);
    expect(attachmentLimit('instagram', 'video', 'url')).toBe(25 * 1024 * 1024);
    expect(attachmentLimit('messenger', 'image', 'url')).toBe(8 * 1024 * 1024);
    expect(attachmentLimit('messenger', 'image', 'upload')).toBe(25 * 1024 * 1024);
  });
});
