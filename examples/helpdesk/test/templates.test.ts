import { randomBytes } from 'node:crypto';
import type { Conversation, ReplyTemplate } from '@pagedesk/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backends } from '../src/server/config.js';
import { type RunningHelpdesk, startHelpdesk } from '../src/server/helpdesk.js';
import { demoTemplates } from '../src/server/seedTemplates.js';
import { as } from './unseeded.js';

// The seeded reply templates over the demo's inbox API, on both stores the demo runs on: each
// organisation lists only its own, an agent only those for channels it sees, and nothing of Acme's
// can be read, changed or sent by Globex. On PostgreSQL a restart keeps what an admin changed.

const ADMIN_URL = 'postgres://postgres@127.0.0.1:55432/postgres';

const start = (backends: Backends) =>
  startHelpdesk({ config: { mode: 'emulator', port: 0, host: '127.0.0.1', emulatorPort: 0, backends } });

const api = async (helpdesk: RunningHelpdesk, agentId: string, path: string, init: RequestInit = {}) =>
  fetch(`${helpdesk.url}/api${path}`, {
    ...init,
    headers: { ...as(agentId), 'content-type': 'application/json', ...init.headers },
  });

const templateNames = async (helpdesk: RunningHelpdesk, agentId: string, query = '') => {
  const response = await api(helpdesk, agentId, `/templates${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as ReplyTemplate[]).map((t) => t.name);
};

const conversationOf = async (helpdesk: RunningHelpdesk, agentId: string, customerName: string) => {
  const response = await api(helpdesk, agentId, '/conversations');
  const { items } = (await response.json()) as {
    items: Array<Conversation & { customer?: { name?: string } }>;
  };
  const found = items.find((c) => c.customer?.name === customerName);
  if (!found) throw new Error(`no conversation of ${customerName} for ${agentId}`);
  return found;
};

const ACME = ['Ask for the order number (Instagram)', 'Greeting', 'Order shipped', 'Returns policy'];
const GLOBEX = ['Invoice address corrected', 'Plan upgrade'];
const acmeGreeting = 'tpl_demo_acme_greeting';

/** The isolation checks, the same on either store. */
function templateIsolation(helpdesk: () => RunningHelpdesk) {
  it('lists each organisation its own seeded templates, by name', async () => {
    expect(await templateNames(helpdesk(), 'agent-sam')).toEqual(ACME);
    expect(await templateNames(helpdesk(), 'agent-gus')).toEqual(GLOBEX);
  });

  it('lists an agent only the templates for channels it sees, and per channel', async () => {
    // Lee works only Acme's Instagram account: not the Messenger-only returns template.
    expect(await templateNames(helpdesk(), 'agent-lee')).toEqual([
      'Ask for the order number (Instagram)',
      'Greeting',
      'Order shipped',
    ]);
    expect(await templateNames(helpdesk(), 'agent-sam', '?channelId=104857600000001')).toEqual([
      'Greeting',
      'Order shipped',
      'Returns policy',
    ]);
    // Another organisation's channel is refused like one that does not exist.
    expect((await api(helpdesk(), 'agent-gus', '/templates?channelId=104857600000001')).status).toBe(404);
  });

  it("never lets Globex change, delete or send Acme's template", async () => {
    const patch = await api(helpdesk(), 'agent-gus', `/templates/${acmeGreeting}`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Taken over' }),
    });
    expect(patch.status).toBe(404);
    const remove = await api(helpdesk(), 'agent-gus', `/templates/${acmeGreeting}`, { method: 'DELETE' });
    expect(remove.status).toBe(404);
    const gwen = await conversationOf(helpdesk(), 'agent-gus', 'Gwen Park');
    const send = await api(helpdesk(), 'agent-gus', `/conversations/${gwen.id}/templates`, {
      method: 'POST',
      body: JSON.stringify({ templateId: acmeGreeting }),
    });
    expect(send.status).toBe(404);
    expect(await templateNames(helpdesk(), 'agent-sam')).toEqual(ACME);
  });

  it("sends Globex's template to its customer with her first name filled in", async () => {
    const gwen = await conversationOf(helpdesk(), 'agent-gus', 'Gwen Park');
    const send = await api(helpdesk(), 'agent-gus', `/conversations/${gwen.id}/templates`, {
      method: 'POST',
      body: JSON.stringify({ templateId: 'tpl_demo_globex_invoice' }),
    });
    expect(send.status).toBe(201);
    const text =
      'Hi Gwen, I have corrected the address on your Globex invoice; the new invoice is in your account now.';
    const sent = await helpdesk().emulator!.waitForSent((m) => m.text === text);
    expect(sent.pageId).toBe(gwen.channelId);
  });
}

describe('the demo templates on the in-memory store', () => {
  let helpdesk: RunningHelpdesk;
  beforeAll(async () => {
    helpdesk = await start({ store: { kind: 'memory' } });
  }, 60_000);
  afterAll(() => helpdesk?.close());
  templateIsolation(() => helpdesk);
});

describe('the demo templates on PostgreSQL', () => {
  // A database of this test's own on the shared server, dropped after it.
  const database = `pagedesk_demo_templates_${randomBytes(4).toString('hex')}`;
  const url = ADMIN_URL.replace(/\/postgres$/, `/${database}`);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  let helpdesk: RunningHelpdesk;
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    helpdesk = await start({ store: { kind: 'postgres', url } });
  }, 60_000);
  afterAll(async () => {
    await helpdesk?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  templateIsolation(() => helpdesk);

  it("keeps an admin's edit and seeds nothing twice when the demo starts again", async () => {
    const renamed = await api(helpdesk, 'agent-sam', `/templates/${acmeGreeting}`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Welcome' }),
    });
    expect(renamed.status).toBe(200);
    await helpdesk.close();
    helpdesk = await start({ store: { kind: 'postgres', url } });
    const names = await templateNames(helpdesk, 'agent-sam');
    expect(names).toEqual([
      'Ask for the order number (Instagram)',
      'Order shipped',
      'Returns policy',
      'Welcome',
    ]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pagedesk.reply_templates');
    await db.end();
    expect(rows[0]?.n).toBe(demoTemplates.length);
  }, 60_000);
});
