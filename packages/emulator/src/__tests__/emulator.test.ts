import { afterEach, describe, expect, it } from 'vitest';
import { demoPages, demoScript, type Emulator, type EmulatorUpdate, startEmulator } from '../index.js';
import { APP_SECRET, DAY, graph, HOUR, PAGE, sendText } from './helpers.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emu of open.splice(0)) await emu.close();
});
async function start(options: Parameters<typeof startEmulator>[0] = {}) {
  const emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [PAGE],
    customerBehaviour: { deliverAfterMs: null },
    ...options,
  });
  open.push(emu);
  return emu;
}

async function control(emu: Emulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}

describe('clock', () => {
  it('ticks with real time by default and moves on advance and set', async () => {
    const emu = await start({ now: Date.UTC(2026, 0, 1) });
    const t = emu.clock.now();
    expect(t).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1));
    expect(emu.clock.advance(DAY)).toBeGreaterThanOrEqual(t + DAY);
    expect(emu.clock.set(Date.UTC(2027, 0, 1))).toBeGreaterThanOrEqual(Date.UTC(2027, 0, 1));
    const frozen = await start({ now: 1_000_000, freezeClock: true });
    expect(frozen.clock.now()).toBe(1_000_000);
    expect(frozen.clock.advance(5)).toBe(1_000_005);
  });

  it('turns an open window into a closed one by jumping past 24 h', async () => {
    const emu = await start();
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Jump' });
    await emu.customer(c.id).send({ text: 'hi' });
    expect((await sendText(emu, c.id, 'before')).status).toBe(200);
    emu.clock.advance(25 * HOUR);
    expect((await sendText(emu, c.id, 'after')).body.error?.error_subcode).toBe(2018278);
  });
});

describe('scripts', () => {
  it('seeds the demo conversations with timestamps in the past', async () => {
    const emu = await startEmulator({
      appSecret: APP_SECRET,
      pages: demoPages.map((p) => ({ ...p })),
      customerBehaviour: { deliverAfterMs: null },
    });
    open.push(emu);
    const { customers } = await emu.runScript(demoScript);
    expect(Object.keys(customers).sort()).toEqual(['ana', 'ben', 'chloe', 'dan', 'eva', 'farah']);
    const now = emu.clock.now();
    expect(now - customers['chloe']!.lastInboundAt!).toBeGreaterThan(8 * DAY - 60_000);
    expect(now - customers['ben']!.lastInboundAt!).toBeGreaterThan(30 * HOUR - 60_000);
    expect(customers['farah']!.platform).toBe('instagram');
    expect(
      emu
        .customer(customers['eva']!.id)
        .messages()
        .flatMap((m) => m.attachments),
    ).toHaveLength(3);
    expect(emu.comments()).toHaveLength(1);
    const chloe = emu.customer(customers['chloe']!.id).messages();
    expect(chloe.map((m) => m.direction)).toEqual(['inbound', 'outbound', 'inbound']);
    const pageToken = demoPages[0]!.accessToken;
    expect((await sendText(emu, customers['ana']!.id, 'hi', {}, pageToken)).status).toBe(200);
    expect(
      (
        await sendText(
          emu,
          customers['chloe']!.id,
          'hi',
          { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
          pageToken,
        )
      ).body.error?.code,
    ).toBe(10);
  });

  it('validates steps and names the wrong one', async () => {
    const emu = await start();
    await expect(emu.runScript([{ customer: 'x' }])).rejects.toThrow(/script step 0/);
    await expect(emu.runScript([{ customer: 'x', say: 'hi', at: 'yesterday' }])).rejects.toThrow(/at/);
    await expect(emu.runScript([{ customer: 'x', say: 'hi', platform: 'instagram' }])).rejects.toThrow(
      /platform/,
    );
  });
});

describe('controls', () => {
  it('validates control inputs with typed errors naming the field', async () => {
    const emu = await start();
    expect(() => emu.customers.create({ pageId: 'nope', name: 'X' })).toThrow(/Page "nope" was not found/);
    expect(() => emu.customers.create({ pageId: PAGE.id, name: '' })).toThrow(/name/);
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Valid' });
    await expect(emu.customer(c.id).send({})).rejects.toThrow(/text: needs text or at least one attachment/);
    await expect(emu.customer(c.id).react('m_missing')).rejects.toThrow(/mid/);
    expect(() => emu.customer('missing')).toThrow(/Customer "missing" was not found/);
    expect(() => emu.tokens.revoke(PAGE.id, 'bored' as 'expired')).toThrow(/revoke reason/);
  });

  it('streams updates to listeners and waits for sends', async () => {
    const emu = await start();
    const updates: EmulatorUpdate[] = [];
    const off = emu.on((u) => updates.push(u));
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Live' });
    await emu.customer(c.id).send({ text: 'hello' });
    const waiting = emu.waitForSent((m) => m.text === 'answer');
    await sendText(emu, c.id, 'answer');
    expect((await waiting).recipientId).toBe(c.id);
    off();
    expect(updates.map((u) => u.type)).toEqual(expect.arrayContaining(['customer', 'message']));
    await expect(emu.waitFor(() => false, { timeoutMs: 30 })).rejects.toMatchObject({ code: 'timeout' });
    await expect(emu.waitFor(() => null, 20)).rejects.toMatchObject({ code: 'timeout' });
    expect(await emu.waitFor(() => 42, 20)).toBe(42);
  });
});

describe('HTTP control API', () => {
  it('mirrors the library controls', async () => {
    const emu = await start();
    const created = await control(emu, 'POST', '/customers', { pageId: PAGE.id, name: 'Http Person' });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    const sent = await control(emu, 'POST', `/customers/${id}/send`, { text: 'from http', at: '-2h' });
    expect(sent.body).toMatchObject({ mid: expect.any(String), delivered: false });
    expect((await control(emu, 'GET', `/customers/${id}/messages`)).body).toEqual([
      expect.objectContaining({ text: 'from http' }),
    ]);
    const before = emu.clock.now();
    const clock = await control(emu, 'POST', '/clock', { advanceMs: 25 * HOUR });
    expect(clock.body['now']).toBeGreaterThanOrEqual(before + 25 * HOUR);
    expect((await control(emu, 'POST', '/faults', { status5xx: 1 })).body).toMatchObject({ status5xx: 1 });
    expect((await graph(emu, 'GET', 'me')).status).toBe(503);
    await control(emu, 'POST', `/tokens/${PAGE.id}/revoke`, { reason: 'password_changed' });
    expect((await graph(emu, 'GET', 'me')).body.error?.error_subcode).toBe(460);
    const reissued = await control(emu, 'POST', `/tokens/${PAGE.id}/reissue`);
    expect((await graph(emu, 'GET', 'me', { token: reissued.body['accessToken'] as string })).status).toBe(
      200,
    );
    const state = await control(emu, 'GET', '/state');
    expect(state.body).toMatchObject({
      pages: [expect.objectContaining({ id: PAGE.id })],
      customers: [expect.objectContaining({ id })],
    });
    expect(JSON.stringify(state.body)).not.toContain(reissued.body['accessToken'] as string);
  });

  it('answers bad input with 400 naming the field and unknown routes with 404', async () => {
    const emu = await start();
    const bad = await control(emu, 'POST', '/customers', { pageId: PAGE.id });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('name') });
    expect((await control(emu, 'POST', '/clock', { advanceMs: 'soon' })).status).toBe(400);
    expect((await control(emu, 'GET', '/customers/none')).status).toBe(404);
    expect((await control(emu, 'GET', '/nothing')).status).toBe(404);
    const notJson = await fetch(`${emu.url}/_emulator/customers`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
  });
});

describe('customer chat page', () => {
  it('serves a self-contained page with stable test ids and no innerHTML', async () => {
    const emu = await start();
    const response = await fetch(`${emu.url}/`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    for (const id of [
      'customer-select',
      'message-input',
      'send',
      'messages',
      'clock-25h',
      'clock-8d',
      'send-image',
      'send-comment',
    ]) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('aria-label="Message"');
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const png = await fetch(`${emu.url}/samples/ocean.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect((await fetch(`${emu.url}/samples/nope.png`)).status).toBe(404);
  });

  it('streams customer and agent messages over SSE', async () => {
    const emu = await start();
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Stream' });
    const controller = new AbortController();
    const response = await fetch(`${emu.url}/_emulator/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await emu.customer(c.id).send({ text: 'from customer' });
    await sendText(emu, c.id, 'from agent');
    // The abort ends a read that would otherwise wait for the next heartbeat.
    const timer = setTimeout(() => controller.abort(), 3000);
    try {
      while (!text.includes('from agent')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    } catch {
      // aborted: the assertions below report what was missing
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    expect(text).toContain('event: message');
    expect(text).toContain('"direction":"inbound"');
    expect(text).toContain('"text":"from agent"');
  });
});
