import { createHmac } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../../scripts/ensure-chromium.js';
import { demoPages, demoScript, type Emulator, startEmulator } from '../src/index.js';

// The customer chat page in a real browser: what the demo's e2e test relies on (labels, test ids,
// live updates over SSE, read receipts when visible) and that hostile text stays text.

const SECRET = 'browser-secret-1234';
let emu: Emulator;
let browser: Browser;
let page: Page;
let customers: Record<string, { id: string }>;
const problems: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    appSecret: SECRET,
    pages: demoPages.map((p) => ({ ...p })),
    customerBehaviour: { deliverAfterMs: 0 },
  });
  ({ customers } = await emu.runScript(demoScript));
  browser = await chromium.launch({ executablePath: chromiumPath });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

async function graphPost(path: string, body: Record<string, unknown>) {
  const token = demoPages[0]!.accessToken;
  const proof = createHmac('sha256', SECRET).update(token).digest('hex');
  const response = await fetch(
    `${emu.graphUrl}/v25.0/${path}?access_token=${token}&appsecret_proof=${proof}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

function agentReply(customerId: string, text: string, extra: Record<string, unknown> = {}) {
  return graphPost('me/messages', {
    recipient: { id: customerId },
    messaging_type: 'RESPONSE',
    message: { text },
    ...extra,
  });
}

describe('customer chat page', () => {
  it('chats as a customer: sends, sees the agent reply live, and marks it read', async () => {
    const ana = customers['ana']!.id;
    await page.goto(`${emu.url}/?customer=${ana}`);
    await expect.poll(() => page.getByTestId('current-customer').textContent()).toBe('Ana Lima');
    await page.getByLabel('Message').fill('Where is my order?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByTestId('bubble').filter({ hasText: 'Where is my order?' }).waitFor();
    expect(emu.customer(ana).messages().at(-1)).toMatchObject({
      direction: 'inbound',
      text: 'Where is my order?',
    });
    await agentReply(ana, 'It ships today!');
    await page.getByTestId('bubble').filter({ hasText: 'It ships today!' }).waitFor();
    await emu.waitFor(() => emu.customer(ana).messages().at(-1)?.readAt);
    await expect.poll(() => page.getByTestId('message-status').last().textContent()).toBe('Seen');
  });

  it('shows the agent typing and a persona’s name', async () => {
    const ana = customers['ana']!.id;
    await graphPost('me/messages', { recipient: { id: ana }, sender_action: 'typing_on' });
    await expect.poll(() => page.getByTestId('typing').textContent()).toBe('Acme Outdoor is typing…');
    const { id: personaId } = await graphPost('me/personas', {
      name: 'Jo',
      profile_picture_url: 'https://example.com/jo.png',
    });
    await agentReply(ana, 'Jo here, checking now', { persona_id: personaId });
    await page.getByTestId('bubble').filter({ hasText: 'Jo here, checking now' }).waitFor();
    await expect.poll(() => page.getByTestId('typing').textContent()).toBe('');
    expect(await page.getByTestId('message-label').last().textContent()).toBe('Jo · Acme Outdoor');
  });

  it('renders hostile text as text', async () => {
    const ana = customers['ana']!.id;
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await agentReply(ana, hostile);
    await page.getByTestId('bubble').filter({ hasText: hostile }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('sends a sample image, reacts, creates a customer and jumps the clock', async () => {
    await page.getByRole('button', { name: 'Send image' }).click();
    await page.getByTestId('attachment').last().waitFor();
    await page.getByRole('button', { name: 'React with a heart' }).last().click();
    await page.getByTestId('reaction').first().waitFor();
    await page.getByLabel('Customer name').fill('Zoe Tester');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => page.getByTestId('current-customer').textContent()).toBe('Zoe Tester');
    expect(emu.customers.list().some((c) => c.name === 'Zoe Tester')).toBe(true);
    const before = emu.clock.now();
    await page.getByRole('button', { name: '+8 d' }).click();
    await expect.poll(() => emu.clock.now() - before).toBeGreaterThanOrEqual(8 * 86_400_000);
    expect(problems).toEqual([]);
  });
});
