import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { APP_SECRET, graph, IG, PAGE, sendText } from './helpers.js';

let emu: Emulator;
let ana: string;
beforeAll(async () => {
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [PAGE, IG],
    customerBehaviour: { deliverAfterMs: null },
  });
  ana = emu.customers.create({ pageId: PAGE.id, name: 'Ana' }).id;
  await emu.customer(ana).send({ text: 'hi' });
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.clear());

describe('faults', () => {
  it('answers 5xx for the next N calls, then recovers', async () => {
    emu.faults.set({ status5xx: 2 });
    const first = await sendText(emu, ana, 'a');
    expect(first.status).toBe(503);
    expect(first.body.error).toMatchObject({ code: 2, is_transient: true });
    expect((await sendText(emu, ana, 'b')).status).toBe(503);
    expect((await sendText(emu, ana, 'c')).status).toBe(200);
    expect(emu.sent().map((m) => m.text)).toEqual(['c']);
  });

  it('fails sends with transient 1200 but leaves other calls alone', async () => {
    emu.faults.set({ transient1200: 1 });
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
    expect((await sendText(emu, ana, 'x')).body.error).toMatchObject({ code: 1200, is_transient: true });
    expect((await sendText(emu, ana, 'y')).status).toBe(200);
  });

  it('rate limits with 613 by default and the Business Use Case header with the wait in minutes', async () => {
    emu.faults.set({ rateLimit: 1 });
    const limited = await sendText(emu, ana, 'x');
    expect(limited.body.error).toMatchObject({ code: 613 });
    const usage = JSON.parse(limited.headers.get('x-business-use-case-usage')!);
    expect(usage[PAGE.id][0]).toMatchObject({ type: 'messenger', estimated_time_to_regain_access: 1 });
    emu.faults.set({ rateLimit: { code: 4, retryAfterMinutes: 7 } });
    const app = await graph(emu, 'GET', 'me');
    expect(app.body.error?.code).toBe(4);
    expect(
      JSON.parse(app.headers.get('x-business-use-case-usage')!)[PAGE.id][0].estimated_time_to_regain_access,
    ).toBe(7);
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
  });

  it('hangs for a timeout until the client gives up', async () => {
    emu.faults.set({ timeout: 1 });
    const url = `${emu.graphUrl}/v25.0/me?access_token=x`;
    await expect(fetch(url, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
  });

  it('adds latency while set', async () => {
    emu.faults.set({ latencyMs: 150 });
    const started = Date.now();
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('scopes faults to a path or a page', async () => {
    emu.faults.set({ status5xx: 5, scope: { path: '/messages' } });
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
    expect((await sendText(emu, ana, 'x')).status).toBe(503);
    emu.faults.set({ status5xx: 5, scope: { pageId: IG.id } });
    expect((await sendText(emu, ana, 'x')).status).toBe(200);
    expect((await graph(emu, 'GET', 'me', { token: IG.accessToken })).status).toBe(503);
    expect(emu.faults.get()).toMatchObject({ status5xx: 4, scope: { pageId: IG.id } });
  });

  it('validates fault settings', () => {
    expect(() => emu.faults.set({ status5xx: -1 })).toThrow(/status5xx/);
    expect(() => emu.faults.set({ rateLimit: { code: 999 as 4 } })).toThrow(/rateLimit/);
  });
});
