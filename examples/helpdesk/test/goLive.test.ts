import type { ConversationWithCustomer, Message } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { outletPage } from '../src/server/helpdesk.js';
import { as, unseededHelpdesk } from './unseeded.js';

// The go-live path a newcomer follows, timed end to end over HTTP on the emulator: Facebook Login
// (dialog, state, code exchange), connecting a page, the first customer message (with a photo, which the
// media archiver copies and /api/media serves only to the page's organisation), and the agent's reply.
// The duration is printed for the README's "under five minutes" claim, not asserted: it depends on the
// machine.

const demo = unseededHelpdesk();

async function api<T>(agentId: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${demo.current().url}/api${path}`, {
    method,
    headers: { ...as(agentId), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

async function poll<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('going live on the emulator', () => {
  it('Facebook Login → connect a page → first message → reply, timed', async () => {
    const started = performance.now();
    const emulator = demo.current().emulator!;

    // 1. The admin logs in with Facebook: the dialog, Allow, the callback with code and state.
    const start = await fetch(`${demo.current().url}/auth/facebook/start`, {
      headers: as('agent-sam'),
      redirect: 'manual',
    });
    const dialog = new URL(start.headers.get('location')!);
    dialog.searchParams.set('decision', 'allow');
    const callback = (await fetch(dialog, { redirect: 'manual' })).headers.get('location')!;
    const page = await (await fetch(callback, { headers: as('agent-sam') })).text();
    const { grant } = JSON.parse(/const result = (.*);/.exec(page)![1]!) as { grant: string };
    // A replayed callback (its state was used) is refused, even within the state's lifetime.
    const replay = await (await fetch(callback, { headers: as('agent-sam') })).text();
    expect(replay).toMatch(/login state was used already/);

    // 2. Connect the page the login offers.
    const pages = await api<Array<{ id: string }>>('agent-sam', 'POST', '/connect/pages', {
      userAccessToken: grant,
    });
    expect(pages.map((p) => p.id)).toContain(outletPage.id);
    await api('agent-sam', 'POST', '/connect', { userAccessToken: grant, pageIds: [outletPage.id] });

    // 3. A customer writes for the first time, with a photo.
    const customer = emulator.customers.create({ pageId: outletPage.id, name: 'First Customer' });
    await emulator
      .customer(customer.id)
      .send({ text: 'Hello, is anyone there?', attachments: [{ sample: 'receipt' }] });
    const conversation = await poll(async () => {
      const list = await api<{ items: ConversationWithCustomer[] }>('agent-sam', 'GET', '/conversations');
      return list.items.find((c) => c.channelId === outletPage.id);
    });

    // 4. The agent replies, and Meta (the emulator) takes it.
    await api('agent-sam', 'POST', `/conversations/${conversation.id}/messages`, {
      text: 'Yes! How can I help?',
    });
    expect(emulator.sent(outletPage.id).at(-1)).toMatchObject({
      text: 'Yes! How can I help?',
      recipientId: customer.id,
    });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `go-live walkthrough (login → connect → first message → reply): ${seconds.toFixed(2)} s\n`,
    );

    // The photo was archived and is served to this organisation only.
    const archived = await poll(async () => {
      const { items } = await api<{ items: Message[] }>(
        'agent-sam',
        'GET',
        `/conversations/${conversation.id}/messages`,
      );
      return items.flatMap((m) => m.attachments).find((a) => a.archivedUrl)?.archivedUrl;
    });
    expect(archived).toMatch(new RegExp(`^/api/media/${outletPage.id}/`));
    const own = await fetch(`${demo.current().url}${archived}`, { headers: as('agent-sam') });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect((await fetch(`${demo.current().url}${archived}`, { headers: as('agent-gus') })).status).toBe(404);
  });
});
