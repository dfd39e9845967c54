import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeNotifications, shownIn } from '../../../packages/react/browser/notifications.js';
import { DEMO_BOT } from '../src/server/demoBot.js';
import type { RunningHelpdesk } from '../src/server/helpdesk.js';
import { type DemoHarness, startDemo } from './demoHarness.js';

// The agent's toolkit in the seeded demo, end to end on the emulator: the customer panel (edited in
// one tab, live in another), comment moderation, thread control with the demo bot, blocking, and a
// browser notification for a customer's message.

let demo: DemoHarness;
let helpdesk: RunningHelpdesk;
let browser: Browser;
let context: BrowserContext;
let agent: Page;

beforeAll(async () => {
  demo = await startDemo();
  ({ helpdesk, browser } = demo);
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Every notification the app creates, observed under the browser's own class.
  await context.addInitScript(observeNotifications);
  agent = await context.newPage();
  await agent.goto(helpdesk.url);
}, 180_000);

afterAll(async () => {
  await demo?.close();
});

const open = async (page: Page, name: RegExp) => {
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name }).first().click();
  await page.getByRole('form', { name: 'Details' }).waitFor();
};
const customerOf = (name: string) => helpdesk.emulator!.customers.list().find((c) => c.name === name)!;

describe('the agent toolkit in the demo', () => {
  it('shows the seeded details in the customer panel, and an edit reaches another open inbox live', async () => {
    await open(agent, /Ana Lima(?![\s\S]*Comments)/);
    const panel = agent.getByRole('form', { name: 'Details' });
    await expect
      .poll(() => panel.getByLabel('Email').inputValue(), { timeout: 10_000 })
      .toBe('ana.lima@example.com');
    expect(await panel.getByLabel('Notes').inputValue()).toContain('blue jacket');
    // Meta's profile, read-only.
    expect(await agent.locator('.pd-customer-meta').textContent()).toContain('Ana Lima');

    const other = await context.newPage();
    await other.goto(helpdesk.url);
    await open(other, /Ana Lima(?![\s\S]*Comments)/);
    await panel.getByLabel('Phone').fill('+351 900 000 001');
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => other.getByRole('form', { name: 'Details' }).getByLabel('Phone').inputValue(), {
        timeout: 10_000,
      })
      .toBe('+351 900 000 001');
    await other.close();
  });

  it('shows who hid the seeded comment, and unhides and likes it on Meta', async () => {
    await open(agent, /Dan Silva/);
    const bubble = agent.locator('.pd-message').filter({ hasText: 'Do you ship to Canada?' });
    await expect.poll(() => bubble.getByText('Hidden by You').count(), { timeout: 10_000 }).toBe(1);
    const comment = () => helpdesk.emulator!.comments().find((c) => c.text === 'Do you ship to Canada?')!;
    expect(comment().hidden).toBe(true);
    const actions = bubble.getByRole('group', { name: 'Moderate comment' });
    await actions.getByRole('button', { name: 'Unhide' }).click();
    await expect.poll(() => comment().hidden, { timeout: 10_000 }).toBe(false);
    await actions.getByRole('button', { name: 'Like' }).click();
    await expect.poll(() => comment().likedByPage, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => bubble.getByText('Liked', { exact: true }).count()).toBe(1);
  });

  it('shows the bot holding a conversation, takes it over and passes it back', async () => {
    const eva = customerOf('Eva Novak');
    await open(agent, /Eva Novak/);
    const header = agent.locator('.pd-conversation-header');
    await expect
      .poll(() => header.getByText(`${DEMO_BOT.name} holds this conversation`).count(), { timeout: 10_000 })
      .toBe(1);
    // What Eva writes while the bot holds the thread comes on Meta's standby channel, marked as such.
    await helpdesk.emulator!.customer(eva.id).send({ text: 'Can a person help me?' });
    const standby = agent.locator('.pd-message').filter({ hasText: 'Can a person help me?' });
    await expect.poll(() => standby.locator('.pd-badge-standby').count(), { timeout: 10_000 }).toBe(1);
    await header.getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => header.getByText('This inbox').count(), { timeout: 10_000 }).toBe(1);
    expect(helpdesk.emulator!.handover.owner(eva.pageId, eva.id)).toBe(helpdesk.emulator!.appId);
    // Now this inbox holds it: her next message is an ordinary one.
    await helpdesk.emulator!.customer(eva.id).send({ text: 'Thank you, a person it is' });
    const ordinary = agent.locator('.pd-message').filter({ hasText: 'Thank you, a person it is' });
    await expect.poll(() => ordinary.count(), { timeout: 10_000 }).toBe(1);
    expect(await ordinary.locator('.pd-badge-standby').count()).toBe(0);
    await header.getByRole('button', { name: 'Pass back' }).click();
    await expect
      .poll(() => header.getByText(`${DEMO_BOT.name} holds this conversation`).count(), { timeout: 10_000 })
      .toBe(1);
    expect(helpdesk.emulator!.handover.owner(eva.pageId, eva.id)).toBe(DEMO_BOT.appId);
  });

  it('blocks a customer after confirming, and unblocks them', async () => {
    const ben = customerOf('Ben Okafor');
    const blocked = async () =>
      (
        (await (await agent.request.get(`${helpdesk.url}/api/customers/${ben.pageId}:${ben.id}`)).json()) as {
          blocked?: unknown;
        }
      ).blocked !== undefined;
    await open(agent, /Ben Okafor/);
    await agent.getByRole('button', { name: 'Block', exact: true }).click();
    const dialog = agent.getByRole('alertdialog', { name: 'Block' });
    await dialog.getByRole('button', { name: 'Block' }).click();
    await expect.poll(() => agent.getByText(/^Blocked by You/).count(), { timeout: 10_000 }).toBe(1);
    expect(await blocked()).toBe(true);
    await agent.getByRole('button', { name: 'Unblock' }).click();
    await expect
      .poll(() => agent.getByRole('button', { name: 'Block', exact: true }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await blocked()).toBe(false);
  });

  it('notifies about a customer message once the agent enabled notifications', async () => {
    await context.grantPermissions(['notifications'], { origin: helpdesk.url });
    await agent.getByRole('button', { name: 'Enable notifications' }).click();
    await expect.poll(() => agent.getByRole('button', { name: 'Enable notifications' }).count()).toBe(0);
    // The agent works in another window: the inbox tab is in the background.
    await agent.evaluate(() => {
      Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true });
    });
    const chloe = customerOf('Chloé Martin');
    const customer = await context.newPage();
    await customer.goto(`${helpdesk.customerUrl}/?customer=${chloe.id}`);
    await customer.getByLabel('Message').fill('Any news on my refund?');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(async () => (await shownIn(agent)).map(({ title, body }) => ({ title, body })), {
        timeout: 10_000,
      })
      .toEqual([{ title: 'New message from Chloé Martin', body: 'Any news on my refund?' }]);
    await customer.close();
  });
});
