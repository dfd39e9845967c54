// The packed Next.js example end to end, in headless Chromium (run by scripts/check-packed.mjs in the
// temporary project after `next build`): `node nextjs-e2e.mjs <app dir>`. A customer writes from the
// emulator's chat page (opened through the app's "Customer chat" route), the message arrives live in the
// agent's inbox, the agent replies, and the customer sees the reply; then the agent opens the channel
// settings and sees both demo channels active.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const app = process.argv[2];
if (!app) throw new Error('usage: node nextjs-e2e.mjs <app dir>');

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const url = `http://127.0.0.1:${port}`;
const server = spawn(
  process.execPath,
  [join(app, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
  { cwd: app, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
let output = '';
server.stdout.on('data', (chunk) => {
  output += chunk;
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const deadline = (ms) => Date.now() + ms;

try {
  // The first request starts the emulator (never the build); its demo script then creates the customers.
  let demo;
  let ana;
  for (const until = deadline(60_000); !ana; ) {
    if (Date.now() > until) throw new Error(`no demo customer Ana Lima: ${JSON.stringify(demo)}\n${output}`);
    demo = await fetch(`${url}/demo/customer`)
      .then((response) => (response.ok ? response.json() : undefined))
      .catch(() => undefined);
    ana = demo?.customers.find((customer) => customer.name === 'Ana Lima');
    if (!ana) await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const agent = await browser.newPage();
  const customer = await browser.newPage();
  await agent.goto(url);
  // The demo conversations arrive through the webhook as the emulator's script runs.
  await agent.getByRole('option', { name: /Ana Lima/ }).click({ timeout: 30_000 });
  // The header's "Customer chat" link redirects to the emulator's chat page.
  const chat = agent.getByRole('link', { name: 'Customer chat' });
  if ((await chat.getAttribute('href')) !== '/demo/chat')
    throw new Error('no "Customer chat" link in the header');
  await customer.goto(`${url}/demo/chat?customer=${encodeURIComponent(ana.id)}`);
  if (!customer.url().startsWith(demo.url))
    throw new Error(`/demo/chat led to ${customer.url()}, not ${demo.url}`);

  const question = `Is my order shipped? (${Date.now()})`;
  await customer.getByLabel('Message').fill(question);
  await customer.getByRole('button', { name: 'Send', exact: true }).click();
  await agent.getByRole('log').getByText(question).waitFor({ timeout: 15_000 });
  console.info('the customer message arrived live in the agent inbox');

  const answer = `Yes, it left this morning (${Date.now()})`;
  const reply = agent.getByRole('textbox', { name: 'Reply', exact: true });
  await reply.fill(answer);
  await reply.press('Enter');
  await customer.getByTestId('bubble').filter({ hasText: answer }).waitFor({ timeout: 15_000 });
  console.info('the agent reply reached the customer');

  // The channel settings, on a client-side navigation (same provider): each demo channel and its status.
  await agent.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Channels' }).click();
  for (const name of ['Acme Outdoor', 'acme.outdoor']) {
    const channel = agent.getByRole('listitem', { name, exact: true });
    await channel.getByText('Active', { exact: true }).waitFor({ timeout: 15_000 });
  }
  if (new URL(agent.url()).pathname !== '/channels')
    throw new Error(`the Channels link led to ${agent.url()}`);
  console.info('the channel settings show both demo channels active');
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await once(server, 'exit');
}
