import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_COOKIE, outletPage, type RunningHelpdesk } from '../src/server/helpdesk.js';
import { type DemoHarness, startDemo } from './demoHarness.js';

// The README's main command, end to end in headless Chromium: the demo helpdesk on the emulator, a
// customer writing from the emulator's chat page, an agent answering in Pagedesk's inbox.

let demo: DemoHarness;
let helpdesk: RunningHelpdesk;
let browser: Browser;
let agent: Page;
let customer: Page;

beforeAll(async () => {
  demo = await startDemo();
  ({ helpdesk, browser } = demo);
  agent = await browser.newPage();
  customer = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await demo?.close();
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

  it("shows the agent's typing to the customer only, and ends it with the reply", async () => {
    const ana = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ana Lima')!;
    await agent
      .getByRole('option', { name: /Ana Lima/ })
      .first()
      .click();
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ana.id}`);
    await expect.poll(() => customer.locator('#live').textContent(), { timeout: 10_000 }).toBe('Live');
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.pressSequentially('Let me check', { delay: 20 });
    await expect
      .poll(() => customer.getByTestId('typing').textContent(), { timeout: 10_000 })
      .toMatch(/typing/);
    // The API streams the agent's own notice back: the inbox must not show it as the customer typing.
    await agent.waitForTimeout(500);
    expect(await agent.getByText(/is typing…/).count()).toBe(0);
    await reply.press('Enter');
    await expect.poll(() => customer.getByTestId('typing').textContent(), { timeout: 3_000 }).toBe('');
  });

  it('turns the receipt to "Seen" live once the customer has read the reply', async () => {
    const bubble = agent.locator('.pd-message').filter({ hasText: 'Let me check' }).last();
    await expect.poll(() => bubble.locator('.pd-delivery').textContent(), { timeout: 10_000 }).toBe('Seen');
  });

  it('keeps a private reply private: the choice is explicit, and a public reply is marked', async () => {
    const ana = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ana Lima')!;
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ana.id}`);
    await customer.getByLabel('Message').fill('Does this come in blue?');
    await customer.getByTestId('send-comment').click();
    const row = agent.getByRole('option', { name: /Ana Lima[\s\S]*Comments/ });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.click();
    const privately = agent.getByRole('radio', { name: 'Private message' });
    await expect.poll(() => privately.isChecked(), { timeout: 10_000 }).toBe(true);
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('Yes! Sent you the link privately.');
    await reply.press('Enter');
    await expect.poll(() => privately.isDisabled(), { timeout: 10_000 }).toBe(true);
    expect(await agent.getByRole('radio', { name: 'Public reply' }).isChecked()).toBe(false);
    await reply.fill('It does, in three shades.');
    await reply.press('Enter');
    await agent.waitForTimeout(500);
    expect(await reply.inputValue()).toBe('It does, in three shades.');
    await agent.getByRole('radio', { name: 'Public reply' }).check();
    await reply.press('Enter');
    await expect
      .poll(() => customer.getByTestId('comment-reply').filter({ hasText: 'three shades' }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    const mine = agent.locator('.pd-message[data-public]').filter({ hasText: 'three shades' });
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('Public reply');
  });

  it('remembers the theme, follows the system one, and counts unread messages in the tab title', async () => {
    await agent.emulateMedia({ colorScheme: 'dark' });
    await agent.reload();
    await agent
      .getByRole('option', { name: /Ana Lima/ })
      .first()
      .waitFor();
    expect(await agent.locator('.app').getAttribute('data-theme')).toBe('dark');
    await agent.locator('.app-theme select').selectOption('light');
    await agent.reload();
    await agent
      .getByRole('option', { name: /Ana Lima/ })
      .first()
      .waitFor();
    expect(await agent.locator('.app-theme select').inputValue()).toBe('light');
    expect(await agent.locator('.app').getAttribute('data-theme')).toBe('light');
    await agent.locator('.app-theme select').selectOption('system');
    // Ben's conversation is not open, so his new message stays unread.
    const ben = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ben Okafor')!;
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ben.id}`);
    await customer.getByLabel('Message').fill('Hello again');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => agent.title(), { timeout: 10_000 }).toMatch(/^\(\d+\+?\) Acme Outdoor$/);
  });

  it("follows the server's clock: windows after a reload and after a live jump", async () => {
    const ana = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ana Lima')!;
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ana.id}`);
    await customer.getByLabel('Message').fill('One more question');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    helpdesk.emulator!.clock.advance(25 * 3600_000);
    await agent.reload();
    // Ana's direct-message conversation (her comment has a conversation of its own).
    await agent
      .getByRole('option', { name: /Ana Lima/ })
      .filter({ hasNotText: 'Comments' })
      .click();
    const window = agent.locator('.pd-composer .pd-window');
    await expect.poll(() => window.textContent(), { timeout: 10_000 }).toMatch(/^Human agent only/);
    // Without a reload: the live stream's heartbeat brings the jump.
    helpdesk.emulator!.clock.advance(8 * 24 * 3600_000);
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await expect.poll(() => reply.isDisabled(), { timeout: 25_000 }).toBe(true);
  }, 40_000);

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
    // Ana's direct messages and her comment on a post (an earlier test) are two conversations.
    await expect.poll(() => conversation(/Ana Lima/), { timeout: 10_000 }).toBe(2);
    expect(await conversation(/Farah Haddad/)).toBe(1);
    expect(await conversation(/Gwen Park/)).toBe(0);
  });

  it('gives each conversation a URL: Back and Forward move between them, a reload keeps it', async () => {
    await agent.goto(helpdesk.url);
    const path = () => new URL(agent.url()).pathname;
    const title = () => agent.locator('.pd-conversation-title').textContent();
    await agent.getByRole('option', { name: /Ben Okafor/ }).click();
    await expect.poll(path).toMatch(/^\/c\/[^/]+$/);
    const benPath = path();
    await agent.getByRole('option', { name: /Chloé Martin/ }).click();
    await expect.poll(path).not.toBe(benPath);
    await agent.reload();
    await expect.poll(title, { timeout: 10_000 }).toBe('Chloé Martin');
    await agent.goBack();
    await expect.poll(path).toBe(benPath);
    await expect.poll(title).toBe('Ben Okafor');
    await agent.goBack();
    await expect.poll(path).toBe('/');
    await expect.poll(() => agent.locator('.pd-conversation-title').count()).toBe(0);
    await agent.goForward();
    await expect.poll(title).toBe('Ben Okafor');
  });

  it('keeps one thread per customer: the resolved conversation points on, the new one shows it above', async () => {
    const ben = helpdesk.emulator!.customers.list().find((c) => c.name === 'Ben Okafor')!;
    await agent.goto(helpdesk.url);
    await agent.getByRole('option', { name: /Ben Okafor/ }).click();
    const assignee = agent.locator('.pd-conversation-header').getByLabel('Assignee');
    await assignee.selectOption('agent-sam');
    await expect.poll(() => assignee.inputValue()).toBe('agent-sam');
    await agent.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => agent.getByRole('button', { name: 'Reopen' }).count()).toBe(1);
    await customer.goto(`${helpdesk.customerUrl}/?customer=${ben.id}`);
    await customer.getByLabel('Message').fill('Me again: the tent pegs are missing');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    // Live, on the resolved conversation the agent still has open.
    const onward = agent.getByRole('button', { name: 'Continues in the new conversation →' });
    await expect.poll(() => onward.count(), { timeout: 10_000 }).toBe(1);
    const resolvedPath = new URL(agent.url()).pathname;
    await onward.click();
    await expect.poll(() => new URL(agent.url()).pathname).not.toBe(resolvedPath);
    const messages = agent.locator('.pd-message');
    await expect.poll(() => messages.filter({ hasText: 'tent pegs' }).count(), { timeout: 10_000 }).toBe(1);
    // Kept with the agent who had it; the earlier conversation loads above a divider.
    await expect.poll(() => assignee.inputValue()).toBe('agent-sam');
    await agent.getByRole('button', { name: 'Show earlier conversations ↑' }).click();
    const divider = agent.locator('.pd-thread-divider');
    await expect
      .poll(() => divider.textContent(), { timeout: 10_000 })
      .toMatch(/^Conversation of .+ · resolved by Sam Rivera$/);
    expect(await agent.locator('.pd-row-earlier').count()).toBeGreaterThan(0);
  });
});

describe('connecting accounts through the login dialogs', () => {
  const toChannels = async () => {
    await agent.goto(helpdesk.url);
    await agent.getByRole('button', { name: 'Channels', exact: true }).click();
  };
  const alert = () => agent.locator('.app-notice[role="alert"]');

  it('connects an Instagram account with Instagram Login and exchanges a message with it', async () => {
    await toChannels();
    await agent.getByRole('link', { name: 'Connect an Instagram account' }).click();
    // The emulator's Instagram Login dialog, in the app's own tab.
    await agent.getByRole('button', { name: 'Allow' }).click();
    await expect
      .poll(() => agent.locator('.app-notice[role="status"]').textContent(), { timeout: 10_000 })
      .toBe('Connected pagedesk.demo.');
    await expect.poll(() => agent.getByRole('heading', { name: 'pagedesk.demo' }).count()).toBe(1);
    expect(new URL(agent.url()).search).toBe('');

    // As docs/going-live.md says: a new customer of the account, made on the emulator's chat page.
    const account = helpdesk.emulator!.logins.instagramAccounts()[0]!;
    await customer.goto(helpdesk.customerUrl!);
    await customer.getByLabel('Page', { exact: true }).selectOption(account.id);
    await customer.getByLabel('Customer name').fill('Iris Novak');
    await customer.getByRole('button', { name: 'Create customer' }).click();
    await customer.getByLabel('Message').fill('Do you ship to Lisbon?');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await agent.getByRole('button', { name: 'Inbox', exact: true }).click();
    await agent.getByRole('option', { name: /Iris Novak/ }).click();
    await expect
      .poll(() => agent.locator('.pd-message').filter({ hasText: 'Do you ship to Lisbon?' }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('We do, in three days.');
    await reply.press('Enter');
    await expect
      .poll(() => customer.getByTestId('bubble').filter({ hasText: 'We do, in three days.' }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    expect(helpdesk.emulator!.sent(account.id).map((m) => m.text)).toContain('We do, in three days.');
  });

  it('connects a Facebook page through the Facebook Login popup; the user token stays on the server', async () => {
    await toChannels();
    const presented: string[] = [];
    agent.on('request', (request) => {
      if (request.url().includes('/api/connect'))
        presented.push((request.postDataJSON() as { userAccessToken: string }).userAccessToken);
    });
    const popup = agent.waitForEvent('popup');
    await agent.getByRole('button', { name: 'Connect a Facebook page' }).click();
    await (await popup).getByRole('button', { name: 'Allow' }).click();
    const outlet = agent.getByRole('checkbox', { name: /Acme Outlet/ });
    await outlet.check({ timeout: 10_000 });
    await agent.getByRole('button', { name: 'Connect selected' }).click();
    await expect
      .poll(() => agent.getByRole('heading', { name: 'Acme Outlet' }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(presented.length).toBeGreaterThanOrEqual(2);
    // What the browser sent is the session's grant: no token the emulator issued.
    for (const value of presented) expect(helpdesk.emulator!.logins.permissionsOf(value)).toBeUndefined();
    // Connected for real: the page is subscribed to the app's webhook.
    expect(helpdesk.emulator!.subscriptions.fields(outletPage.id)).toContain('messages');
  });

  it('says so when the admin declines either dialog', async () => {
    await toChannels();
    const popup = agent.waitForEvent('popup');
    await agent.getByRole('button', { name: 'Connect a Facebook page' }).click();
    await (await popup).getByRole('button', { name: 'Decline' }).click();
    await expect
      .poll(() => alert().textContent(), { timeout: 10_000 })
      .toMatch(/^Facebook Login: The login dialog was declined/);
    expect(await agent.getByRole('heading', { name: 'Choose pages to connect' }).count()).toBe(0);

    await agent.getByRole('link', { name: 'Connect an Instagram account' }).click();
    await agent.getByRole('button', { name: 'Decline' }).click();
    await expect
      .poll(() => alert().textContent(), { timeout: 10_000 })
      .toMatch(/^Instagram Login: The login dialog was declined/);
  });

  it('refuses a callback whose state this session did not issue', async () => {
    const login = new URL('/auth/instagram/callback', helpdesk.url);
    login.searchParams.set('code', 'AQforged');
    login.searchParams.set('state', 'v1.forged.state');
    await agent.goto(login.href);
    await expect
      .poll(() => alert().textContent(), { timeout: 10_000 })
      .toMatch(/^Instagram Login: The login state/);
  });

  it('sends a satisfaction survey; the customer rates it on the chat page and the score shows live', async () => {
    const emulator = helpdesk.emulator!;
    const ana = emulator.customers.list().find((c) => c.name === 'Ana Lima')!;
    const rater = emulator.customers.create({ pageId: ana.pageId, name: 'Rita Survey' });
    await emulator.customer(rater.id).send({ text: 'Thanks, all sorted!' });
    await agent.context().addCookies([{ name: AGENT_COOKIE, value: 'agent-sam', url: helpdesk.url }]);
    await agent.goto(helpdesk.url);
    await agent.getByRole('option', { name: /Rita Survey/ }).click();
    const header = agent.locator('.pd-conversation-header');
    await header.getByRole('button', { name: 'Send survey' }).click();
    await expect
      .poll(() => header.getByRole('button', { name: 'Survey sent' }).count(), { timeout: 10_000 })
      .toBe(1);
    // The thread shows the survey as a card, not as a plain text bubble.
    const card = agent.getByRole('region', { name: 'Satisfaction survey sent' });
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('CSAT, 1 to 5');

    await customer.goto(`${helpdesk.customerUrl}/?customer=${rater.id}`);
    const survey = customer.getByTestId('survey');
    await expect.poll(() => survey.count(), { timeout: 10_000 }).toBe(1);
    await survey.getByTestId('survey-comment').fill('Quick and kind');
    await survey.getByRole('button', { name: 'Score 5' }).click();
    await expect.poll(() => customer.getByTestId('survey-done').count(), { timeout: 10_000 }).toBe(1);

    // The answer arrives over the webhook and the event stream: no reload.
    await expect.poll(() => header.getByText('CSAT 5/5').count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => header.getByText('CSAT 5/5').first().getAttribute('title'), { timeout: 10_000 })
      .toContain('Quick and kind');
    await expect.poll(() => card.getByText('CSAT 5/5').count(), { timeout: 10_000 }).toBe(1);
    expect(await card.getByText('Quick and kind').count()).toBe(1);
    const row = agent.getByRole('option', { name: /Rita Survey/ });
    await expect.poll(() => row.getByText('CSAT 5/5').count(), { timeout: 10_000 }).toBe(1);
  });
});
