import { type Inbox, type ReplyTemplate, type SendDraft, WindowClosedError } from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi } from '../index.js';
import { message, serve } from './helpers.js';
import {
  ACME,
  ACME_HIDDEN,
  ACME_OPEN,
  authorizeByHeader,
  callAs,
  directory,
  GLOBEX_OPEN,
  onPage,
  type principals,
  tenantInbox,
} from './tenants.js';

// Reply templates over real HTTP on 127.0.0.1: admins write, agents read, each organisation sees only
// its own (404 otherwise, like a template that does not exist), a template is checked against every
// channel in its scope before it is stored, and sending one sends its parts in order.

let inbox: Inbox;
let api: InboxApi;
let server: Awaited<ReturnType<typeof serve>>;
const sent: Array<{ conversationId: string; draft: SendDraft }> = [];
let failOnPart: number | undefined;

function recordingChannels(): Channels {
  return {
    async send(conversationId: string, draft: SendDraft) {
      if (failOnPart === sent.length + 1) throw new WindowClosedError('The messaging window closed');
      sent.push({ conversationId, draft });
      return [
        message(200 + sent.length, conversationId, {
          id: `sent-${sent.length}`,
          direction: 'outbound',
          ...(draft.text === undefined ? {} : { text: draft.text }),
          author: { kind: 'agent' },
        }),
      ];
    },
    on: () => () => {},
  } as unknown as Channels;
}

type Who = keyof typeof principals;
const call = (who: Who, method: string, path: string, body?: unknown) =>
  callAs(server.base, who, method, path, body);

const greeting = {
  name: 'Greeting',
  parts: [
    { text: 'Hi {{customer.firstName|there}}, {{agent.name}} here.' },
    { text: 'Is it about an order?', quickReplies: [{ title: 'Yes', payload: 'ORDER' }] },
  ],
  channelIds: null,
};

beforeAll(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({
    inbox,
    channels: recordingChannels(),
    heartbeatMs: 0,
    authorize: authorizeByHeader,
    agents: (principal) => directory[principal.organizationId ?? ''] ?? [],
  });
  server = await serve(api);
});
afterAll(async () => {
  api.close();
  await server.close();
});
beforeEach(async () => {
  sent.length = 0;
  failOnPart = undefined;
  for (const org of [ACME, 'org-globex'])
    for (const template of await inbox.store.templates!.list({ organizationId: org }))
      await inbox.store.templates!.delete(template.id);
});

describe('writing templates', () => {
  it('lets an admin create, change and delete one; the agent reads it', async () => {
    const created = await call('acmeAdmin', 'POST', '/templates', greeting);
    expect(created.status).toBe(201);
    const template = created.body as ReplyTemplate;
    expect(template).toMatchObject({ ...greeting, organizationId: ACME, updatedBy: 'agent-acme-admin' });
    expect((await call('acmeAgent', 'GET', '/templates')).body).toEqual([template]);

    const changed = await call('acmeAdmin', 'PATCH', `/templates/${template.id}`, { name: 'Hello' });
    expect(changed).toMatchObject({
      status: 200,
      body: { id: template.id, name: 'Hello', parts: greeting.parts },
    });
    expect((await call('acmeAdmin', 'DELETE', `/templates/${template.id}`)).status).toBe(204);
    expect((await call('acmeAgent', 'GET', '/templates')).body).toEqual([]);
  });

  it('refuses an agent with 403, and a template that breaks a rule with 422 naming the part', async () => {
    expect((await call('acmeAgent', 'POST', '/templates', greeting)).status).toBe(403);
    const long = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      parts: [{ text: 'ok' }, { text: 'x'.repeat(2001) }],
    });
    expect(long).toMatchObject({
      status: 422,
      body: { error: { code: 'rule_violation', rule: 'text_too_long' } },
    });
    expect(long.body.error.message).toMatch(/^Part 2 on /);
    const unknown = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      parts: [{ text: 'Hi {{customer.shoeSize}}' }],
    });
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'template_variable' } } });
    expect(unknown.body.error.message).toContain('customer.shoeSize');
    const six = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      parts: Array.from({ length: 6 }, () => ({ text: 'x' })),
    });
    expect(six).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
  });

  it("refuses another organisation's channel in the scope like one that does not exist", async () => {
    const foreign = await call('acmeAdmin', 'POST', '/templates', { ...greeting, channelIds: [GLOBEX_OPEN] });
    const missing = await call('acmeAdmin', 'POST', '/templates', { ...greeting, channelIds: ['nowhere'] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message.replace(GLOBEX_OPEN, 'X')).toBe(
      missing.body.error.message.replace('nowhere', 'X'),
    );
  });
});

describe('organisation scoping', () => {
  it("answers 404 for another organisation's template on every route, as for a missing one", async () => {
    const { body: template } = await call('globexAdmin', 'POST', '/templates', greeting);
    expect((await call('acmeAdmin', 'GET', '/templates')).body).toEqual([]);
    const conversation = onPage(ACME_OPEN).conversationId;
    for (const [method, path, body] of [
      ['PATCH', `/templates/${template.id}`, { name: 'Mine now' }],
      ['DELETE', `/templates/${template.id}`, undefined],
      ['POST', `/conversations/${conversation}/templates`, { templateId: template.id }],
    ] as const) {
      const answer = await call('acmeAdmin', method, path, body);
      const missing = await call(
        'acmeAdmin',
        method,
        path.replace(template.id, 'tpl_none'),
        body && { ...body, ...('templateId' in body ? { templateId: 'tpl_none' } : {}) },
      );
      expect(answer.status).toBe(404);
      expect(answer.body.error.message.replace(template.id, 'X')).toBe(
        missing.body.error.message.replace('tpl_none', 'X'),
      );
    }
    expect(sent).toEqual([]);
    expect((await call('globexAgent', 'GET', '/templates')).body).toEqual([template]);
  });

  it('hides from an agent a template meant only for channels it does not see', async () => {
    const { body: template } = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      channelIds: [ACME_HIDDEN],
    });
    expect((await call('acmeAdmin', 'GET', '/templates')).body).toEqual([template]);
    expect((await call('acmeAgent', 'GET', '/templates')).body).toEqual([]);
    expect((await call('acmeAgent', 'GET', `/templates?channelId=${ACME_HIDDEN}`)).status).toBe(404);
    expect((await call('acmeAdmin', 'GET', `/templates?channelId=${ACME_OPEN}`)).body).toEqual([]);
  });

  it('names to an agent only the channels it sees of a template meant for several', async () => {
    const { body: template } = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      channelIds: [ACME_OPEN, ACME_HIDDEN],
    });
    expect((await call('acmeAdmin', 'GET', '/templates')).body).toEqual([template]);
    for (const query of ['', `?channelId=${ACME_OPEN}`]) {
      const { body } = await call('acmeAgent', 'GET', `/templates${query}`);
      expect(body).toEqual([{ ...template, channelIds: [ACME_OPEN] }]);
      expect(JSON.stringify(body)).not.toMatch(/acme-hidden/);
    }
  });
});

describe('sending a template', () => {
  it('sends its parts in order through the send path, variables filled, as the signed-in agent', async () => {
    await inbox.updateCustomer({
      ...(await inbox.store.customers.get(onPage(ACME_OPEN).customerId))!,
      firstName: 'Lola',
    });
    const { body: template } = await call('acmeAdmin', 'POST', '/templates', greeting);
    const conversationId = onPage(ACME_OPEN).conversationId;
    const answer = await call('acmeAgent', 'POST', `/conversations/${conversationId}/templates`, {
      templateId: template.id,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Hi Lola, Ana Acme here.',
      'Is it about an order?',
    ]);
    expect(sent).toEqual([
      {
        conversationId,
        draft: {
          text: 'Hi Lola, Ana Acme here.',
          agentId: 'agent-acme-1',
          author: { kind: 'agent', agentId: 'agent-acme-1' },
        },
      },
      {
        conversationId,
        draft: {
          text: 'Is it about an order?',
          quickReplies: [{ title: 'Yes', payload: 'ORDER' }],
          agentId: 'agent-acme-1',
          author: { kind: 'agent', agentId: 'agent-acme-1' },
        },
      },
    ]);
  });

  it('sends nothing when a variable has no value, and refuses a template meant for another channel', async () => {
    const { body: strict } = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      parts: [{ text: 'Dear {{customer.lastName}}' }],
    });
    const conversationId = onPage(ACME_OPEN).conversationId;
    const missing = await call('acmeAdmin', 'POST', `/conversations/${conversationId}/templates`, {
      templateId: strict.id,
    });
    expect(missing).toMatchObject({ status: 422, body: { error: { code: 'template_variable' } } });
    expect(missing.body.error.message).toContain('customer.lastName');

    const { body: hiddenOnly } = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      channelIds: [ACME_HIDDEN],
    });
    const elsewhere = await call('acmeAdmin', 'POST', `/conversations/${conversationId}/templates`, {
      templateId: hiddenOnly.id,
    });
    expect(elsewhere).toMatchObject({ status: 422, body: { error: { rule: 'template_not_for_channel' } } });
    expect(sent).toEqual([]);
  });

  it('stops at the part that fails; the parts before it stay sent', async () => {
    const { body: template } = await call('acmeAdmin', 'POST', '/templates', {
      ...greeting,
      parts: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
    });
    failOnPart = 2;
    const answer = await call(
      'acmeAdmin',
      'POST',
      `/conversations/${onPage(ACME_OPEN).conversationId}/templates`,
      {
        templateId: template.id,
      },
    );
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'window_closed' } } });
    expect(sent.map((s) => s.draft.text)).toEqual(['one']);
  });
});
