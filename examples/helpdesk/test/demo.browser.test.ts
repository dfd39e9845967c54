import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../../scripts/ensure-chromium.js';
import { type RunningHelpdesk, startHelpdesk } from '../src/server/helpdesk.js';

// The README's main command, end to end in headless Chromium: the demo helpdesk on the emulator, a
// customer writing from the emulator's chat page, an agent answering in Pagedesk's inbox.

const root = fileURLToPath(new URL('..', import.meta.url));
const clientDir = fileURLToPath(new URL('../dist/client-test', import.meta.url));

let helpdesk: RunningHelpdesk;
let browser: Browser;
let agent: Page;
let customer: Page;

beforeAll(async () => {
  await build({
    root: `${root}src/client`,
    configFile: `${root}vite.config.ts`,
    logLevel: 'error',
    build: { outDir: clientDir },
  });
  helpdesk = await startHelpdesk({
    config: { mode: 'emulator', port: 0, host: '127.0.0.1', emulatorPort: 0 },
    clientDir,
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  agent = await browser.newPage();
  customer = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await helpdesk?.close();
});

describe('the demo helpdesk', () => {
  it('carries a customer message to the inbox live, and the agent reply back', async () => {
    const ana = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ana Lima')!;
    await agent.goto(helpdesk.url);
    await agent.getByRole('option', { name: /Ana Lima/ }).click();
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ana.id}`);

    const question = `Is order E2E-${Date.now()} shipped?`;
    await customer.getByLabel('Message').fill(question);
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    // No reload: the message arrives over the inbox API's event stream.
    await expect.poll(() => agent.getByRole('log').getByText(question).count(), { timeout: 10_000 }).toBe(1);

    const answer = 'It left our warehouse this morning.';
    await agent.getByRole('textbox', { name: 'Reply', exact: true }).fill(answer);
    await agent.getByRole('textbox', { name: 'Reply', exact: true }).press('Enter');
    await expect
      .poll(() => customer.getByTestId('bubble').filter({ hasText: answer }).count(), { timeout: 10_000 })
      .toBe(1);
    const sent = helpdesk.emulator!.sent().find((m) => m.text === answer)!;
    expect(sent).toMatchObject({ recipientId: ana.id, messagingType: 'RESPONSE' });
    // The agent's name reaches the customer (Persona API), which the seed helpdesks cannot do.
    expect(sent.personaId).toBeTruthy();
  });

  it('blocks the composer of the 8-day-old conversation and says why', async () => {
    await agent.getByRole('option', { name: /Chloé Martin/ }).click();
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await expect.poll(() => reply.isDisabled()).toBe(true);
    await expect.poll(() => agent.getByText(/window is closed/i).count()).toBeGreaterThan(0);
    await expect.poll(() => agent.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
  });

  it('shows the 30-hour-old conversation as human agent only', async () => {
    await agent.getByRole('option', { name: /Ben Okafor/ }).click();
    await expect.poll(() => agent.getByText(/no promotional content/i).count()).toBeGreaterThan(0);
  });

  it('shows each organisation only its own conversations when the signed-in agent changes', async () => {
    const conversation = (name: RegExp) => agent.getByRole('option', { name }).count();
    const switcher = agent.getByLabel('Signed in as');
    // Gus, Globex's admin: Globex's customers only.
    await switcher.selectOption('agent-gus');
    await expect.poll(() => conversation(/Gwen Park/), { timeout: 10_000 }).toBe(1);
    expect(await conversation(/Omar Reyes/)).toBe(1);
    expect(await conversation(/Ana Lima/)).toBe(0);
    expect(await conversation(/Farah Haddad/)).toBe(0);
    // Lee, an Acme agent who works only the Instagram account: Farah, not the Messenger page's Ana.
    await switcher.selectOption('agent-lee');
    await expect.poll(() => conversation(/Farah Haddad/), { timeout: 10_000 }).toBe(1);
    expect(await conversation(/Ana Lima/)).toBe(0);
    expect(await conversation(/Gwen Park/)).toBe(0);
    // Back to Sam, Acme's admin: both Acme pages, still nothing of Globex.
    await switcher.selectOption('agent-sam');
    await expect.poll(() => conversation(/Ana Lima/), { timeout: 10_000 }).toBe(1);
    expect(await conversation(/Farah Haddad/)).toBe(1);
    expect(await conversation(/Gwen Park/)).toBe(0);
  });
});
