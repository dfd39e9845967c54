import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, errorsOf, FIXTURE_TITLE, reactMajor, startHarness } from './harness.js';
import { observeNotifications, shownIn } from './notifications.js';

// What jsdom cannot show about the agent's toolkit: the browser's real Notification API (permission
// granted through playwright, each `new Notification` observed by an init script), the tab title,
// and the customer panel turning into a sheet at phone width.

let harness: BrowserHarness;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  harness = await startHarness('toolkit');
  ({ origin, browser } = harness);
});

afterAll(() => harness?.close());

async function open(context: BrowserContext, query = ''): Promise<Page> {
  await context.addInitScript(observeNotifications);
  const page = await harness.open(query, { context });
  await page.getByRole('listbox', { name: 'Conversations' }).locator('[role="option"]').first().waitFor();
  return page;
}

const receive = (page: Page, index: number, text: string) =>
  page.evaluate(
    ([i, t]) => {
      const pd = (window as unknown as { pd: import('../src/testing.js').FakeTransport }).pd;
      const conversation = pd.data.conversations[i as number]!;
      pd.receive(conversation.id, { text: t as string });
      return { id: conversation.id, name: conversation.customer.name };
    },
    [index, text] as const,
  );

describe(`useNotifications in Chromium (React ${reactMajor})`, () => {
  it('asks nothing by itself; once granted, notifies per customer message and counts them in the title', async () => {
    const context = await browser.newContext();
    const page = await open(context);
    // No permission prompt on load: the page waits for the agent's click.
    expect(await page.getByTestId('permission').textContent()).toBe('default');
    expect(await page.getByRole('button', { name: 'Enable notifications' }).count()).toBe(1);
    await context.grantPermissions(['notifications'], { origin });
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await expect.poll(() => page.getByTestId('permission').textContent()).toBe('granted');

    const first = await receive(page, 0, 'Is my order on its way?');
    await expect
      .poll(() => shownIn(page))
      .toEqual([
        {
          title: `New message from ${first.name}`,
          body: 'Is my order on its way?',
          tag: `pagedesk:${first.id}`,
        },
      ]);
    const second = await receive(page, 1, 'Hello?');
    await expect.poll(() => page.title()).toBe(`(2) ${FIXTURE_TITLE}`);
    // A click on the notification opens its conversation.
    await page.evaluate(() =>
      (window as unknown as { lastNotification: Notification }).lastNotification.dispatchEvent(
        new Event('click'),
      ),
    );
    await expect.poll(() => page.locator('.pd-conversation-title').textContent()).toBe(second.name);
    await context.close();
  });

  it('stays quiet while the agent looks at the tab, by default', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin });
    const page = await open(context, 'when=background');
    expect(await page.getByTestId('permission').textContent()).toBe('granted');
    await page.bringToFront();
    const focused = await page.evaluate(() => document.visibilityState === 'visible' && document.hasFocus());
    await receive(page, 2, 'Anyone there?');
    await expect.poll(() => page.title()).toBe(`(1) ${FIXTURE_TITLE}`);
    // Headless Chromium may not give the page focus; then it counts as a background tab.
    expect((await shownIn(page)).length).toBe(focused ? 0 : 1);
    await context.close();
  });
});

describe(`the customer panel in Chromium (React ${reactMajor})`, () => {
  it('sits beside the conversation when wide and covers it as a sheet at phone width', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await open(context);
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
    const panel = page.locator('.pd-customer-panel');
    await panel.waitFor();
    const wide = await page.evaluate(() => {
      const p = document.querySelector('.pd-customer-panel')!.getBoundingClientRect();
      const main = document.querySelector('.pd-conversation-main')!.getBoundingClientRect();
      return {
        overlaps: p.left < main.right - 1,
        position: getComputedStyle(document.querySelector('.pd-customer-panel')!).position,
      };
    });
    expect(wide).toEqual({ overlaps: false, position: 'static' });
    await context.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const small = await open(phone);
    await small.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
    // Closed at first on a phone, opened from the header as a sheet over the messages.
    expect(await small.locator('.pd-customer-panel').count()).toBe(0);
    await small.getByRole('button', { name: 'Customer details' }).click();
    await small.locator('.pd-customer-panel').waitFor();
    expect(
      await small.evaluate(() => getComputedStyle(document.querySelector('.pd-customer-panel')!).position),
    ).toBe('absolute');
    await small.getByRole('button', { name: 'Close' }).click();
    expect(await small.locator('.pd-customer-panel').count()).toBe(0);
    await phone.close();
  });
});

describe(`the lazily loaded panels in Chromium (React ${reactMajor})`, () => {
  it("loads the customer panel's code when the pointer reaches its button, then shows the real panel", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const scripts: string[] = [];
    context.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    const page = await open(context);
    const panels = () => scripts.filter((path) => /onDemand/.test(path));
    // The inbox showed without the on-demand chunk.
    expect(panels()).toEqual([]);
    // A Messenger conversation (a comment thread shows moderation, which loads the same chunk), opened
    // from the keyboard: a click would leave the pointer where the header's buttons appear.
    const index = await page.evaluate(() =>
      [...document.querySelectorAll('[role="option"]')].findIndex(
        (o) => !o.querySelector('.pd-icon-comment'),
      ),
    );
    await page.getByRole('listbox', { name: 'Conversations' }).focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const toggle = page.getByRole('button', { name: 'Customer details' });
    await toggle.waitFor();
    expect(panels()).toEqual([]);
    await toggle.hover();
    await expect.poll(() => panels().length).toBe(1);
    await toggle.click();
    await page.getByRole('form', { name: 'Details' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Customer details' }).count()).toBe(1);
    expect(panels()).toHaveLength(1);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});
