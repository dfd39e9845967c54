import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_COOKIE, type RunningHelpdesk } from '../src/server/helpdesk.js';
import { type DemoHarness, startDemo } from './demoHarness.js';

// The seeded reply templates in the demo, end to end on the emulator: an agent opens the composer's
// picker with `/`, searches, sends a template with the customer's first name filled in, and the
// customer receives exactly that text; Globex's admin is offered Globex's templates only.

let demo: DemoHarness;
let helpdesk: RunningHelpdesk;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  ({ helpdesk, browser } = demo);
}, 180_000);

afterAll(async () => {
  await demo?.close();
});

/** A fresh browser session signed in as `agentId`, on the inbox. */
async function signedIn(agentId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addCookies([{ name: AGENT_COOKIE, value: agentId, url: helpdesk.url }]);
  const page = await context.newPage();
  await page.goto(helpdesk.url);
  return page;
}

const open = async (page: Page, name: RegExp) => {
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name }).first().click();
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Reply', exact: true }).isEditable(), { timeout: 10_000 })
    .toBe(true);
};

const picker = (page: Page) => page.getByRole('dialog', { name: 'Reply templates' });
const offered = (page: Page) =>
  picker(page).getByRole('listbox', { name: 'Reply templates' }).getByRole('option').allTextContents();

describe('reply templates in the demo', () => {
  it('sends a searched template, its variable filled, and the customer receives exactly that text', async () => {
    const agent = await signedIn('agent-sam');
    const ana = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ana Lima')!;
    await open(agent, /Ana Lima(?![\s\S]*Comments)/);

    // `/` in the empty reply box opens the picker, its search focused.
    await agent.getByRole('textbox', { name: 'Reply', exact: true }).press('/');
    const search = picker(agent).getByRole('combobox', { name: 'Search templates' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    // Acme's Messenger page: the templates for every channel and the Messenger-only one.
    await expect
      .poll(() => offered(agent), { timeout: 10_000 })
      .toEqual(['Greeting1 message', 'Order shipped1 message', 'Returns policy2 messages']);

    await search.fill('warehouse');
    await expect.poll(() => offered(agent)).toEqual(['Order shipped1 message']);
    const text =
      'Good news, Ana: your order left our warehouse today. The tracking link is on its way by email.';
    // The preview shows it filled for this customer before it goes.
    await expect.poll(() => picker(agent).getByText(text, { exact: true }).count()).toBe(1);
    await search.press('Enter');

    const sent = await helpdesk.emulator!.waitForSent((m) => m.recipientId === ana.id && m.text === text, {
      timeoutMs: 10_000,
    });
    expect(sent.messagingType).toBe('RESPONSE');
    expect(helpdesk.emulator!.customer(ana.id).messages().at(-1)?.text).toBe(text);
    await expect
      .poll(() => agent.locator('.pd-message').filter({ hasText: text }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    expect(await picker(agent).count()).toBe(0);
    await agent.context().close();
  });

  it("offers a Globex admin Globex's templates only", async () => {
    const agent = await signedIn('agent-gus');
    await open(agent, /Gwen Park/);
    await agent.getByRole('button', { name: 'Templates', exact: true }).click();
    await expect
      .poll(() => offered(agent), { timeout: 10_000 })
      .toEqual(['Invoice address corrected1 message', 'Plan upgrade1 message']);
    // Searching for Acme's wording finds nothing.
    await picker(agent).getByRole('combobox', { name: 'Search templates' }).fill('Acme');
    await expect.poll(() => picker(agent).getByRole('status').textContent()).toBe('No template matches');
    await agent.context().close();
  });
});
