import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Channel, createInbox, type Inbox, memoryStore } from '@pagedesk/core';
import { testEntities, testEvents } from '@pagedesk/core/testing';
import { createInboxApi, type InboxApi, type InboxPrincipal } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../src/recorder.js';

// Tenant isolation: several organisations on one inbox API over real HTTP on 127.0.0.1. Every
// principal of every organisation tries every route on every resource it may not see (another
// organisation's, or a page limited to other agents), lists with filters and searches aimed at them,
// attaches their uploads, and listens to the live stream and its replay while all of them work. A
// leak is any answer other than the 404 of a missing resource, or any byte of what it may not see.

const rec = createRecorder('7-tenancy', 'Tenant isolation: nothing crosses organisations');
const ORGS = ['org-a', 'org-b', 'org-c', 'org-d'];
const PAGES_PER_ORG = 3;
const CUSTOMERS_PER_PAGE = 3;

interface PageData {
  id: string;
  organizationId: string;
  /** The agents it is limited to (empty: every agent of the organisation). */
  agentIds: string[];
  conversationIds: string[];
  messageIds: string[];
  customerNames: string[];
}

let inbox: Inbox;
let api: InboxApi;
let server: Server;
let base: string;
const pages: PageData[] = [];
const principals: Record<string, InboxPrincipal> = {};
let attempts = 0;
let leaks = 0;
const leakLines: string[] = [];

const canSee = (principal: InboxPrincipal, page: PageData) =>
  page.organizationId === principal.organizationId &&
  (principal.role === 'admin' ||
    page.agentIds.length === 0 ||
    page.agentIds.includes(principal.agentId ?? ''));

/** Every string of what the principal may not see. */
const secretsOf = (principal: InboxPrincipal) =>
  pages
    .filter((page) => !canSee(principal, page))
    .flatMap((page) => [page.id, ...page.conversationIds, ...page.messageIds, ...page.customerNames]);

function recordLeak(who: string, what: string) {
  leaks += 1;
  if (leakLines.length < 20) leakLines.push(`${who}: ${what}`);
}

/** Counts one cross-tenant attempt; a leak when the body holds a secret other than the echoed id. */
function check(who: string, principal: InboxPrincipal, what: string, body: string, echoed = '') {
  attempts += 1;
  const text = echoed ? body.replaceAll(echoed, '') : body;
  const found = secretsOf(principal).find((secret) => text.includes(secret));
  if (found) recordLeak(who, `${what} answered with ${found}`);
}

beforeAll(async () => {
  const store = memoryStore();
  inbox = createInbox({ store });
  let at = Date.now() - 3_600_000;
  for (const organizationId of ORGS) {
    principals[`${organizationId}/admin`] = {
      organizationId,
      agentId: `${organizationId}-admin`,
      role: 'admin',
    };
    principals[`${organizationId}/agent-1`] = {
      organizationId,
      agentId: `${organizationId}-agent-1`,
      role: 'agent',
    };
    principals[`${organizationId}/agent-2`] = {
      organizationId,
      agentId: `${organizationId}-agent-2`,
      role: 'agent',
    };
    for (let p = 1; p <= PAGES_PER_ORG; p++) {
      const id = `${organizationId}-page-${p}`;
      // The last page of each organisation is limited to its agent-2.
      const agentIds = p === PAGES_PER_ORG ? [`${organizationId}-agent-2`] : [];
      const base = testEntities.channel();
      await inbox.updateChannel(
        testEntities.channel({
          id,
          organizationId,
          name: `Page ${id}`,
          settings: { ...base.settings, agentIds },
        }),
      );
      const page: PageData = {
        id,
        organizationId,
        agentIds,
        conversationIds: [],
        messageIds: [],
        customerNames: [],
      };
      for (let c = 1; c <= CUSTOMERS_PER_PAGE; c++) {
        at += 1000;
        const changes = await inbox.apply([
          testEvents.message({
            pageId: id,
            customerId: `${id}-psid-${c}`,
            text: `Order ${id}-${c}`,
            timestamp: at,
          }),
        ]);
        for (const change of changes) {
          if (change.type === 'conversation:created') page.conversationIds.push(change.conversation.id);
          if (change.type === 'message:created') page.messageIds.push(change.message.id);
        }
        page.customerNames.push(`${id}-psid-${c}`);
      }
      pages.push(page);
    }
  }
  api = createInboxApi({
    inbox,
    heartbeatMs: 0,
    authorize: (request) => principals[request.headers.get('x-principal') ?? ''] ?? null,
  });
  server = createServer(api.node);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.set('Organisations', ORGS.length);
  rec.set('Principals (admin and two agents each)', Object.keys(principals).length);
  rec.set('Pages (one per organisation limited to one agent)', pages.length);
});

afterAll(async () => {
  api?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rec.set('Cross-tenant attempts', attempts);
  rec.set('Leaks', leaks);
  for (const line of leakLines) rec.case(`LEAK ${line}`);
  rec.flush();
});

const call = (who: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { 'x-principal': who, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then(async (response) => ({ status: response.status, text: await response.text() }));

describe('tenant isolation', () => {
  it('answers 404 to every route on every resource a principal may not see, with nothing of it', async () => {
    const routes = (page: PageData, conversationId: string, messageId: string) =>
      [
        ['GET', `/conversations/${conversationId}`, undefined, conversationId],
        ['PATCH', `/conversations/${conversationId}`, { status: 'resolved' }, conversationId],
        ['GET', `/conversations/${conversationId}/messages`, undefined, conversationId],
        ['POST', `/conversations/${conversationId}/messages`, { text: 'x' }, conversationId],
        ['POST', `/conversations/${conversationId}/typing`, { on: true }, conversationId],
        ['POST', `/messages/${messageId}/retry`, undefined, messageId],
        ['PATCH', `/channels/${page.id}/settings`, { agentIds: [] }, page.id],
        ['POST', `/channels/${page.id}/actions`, { action: 'disconnect' }, page.id],
      ] as const;
    for (const [who, principal] of Object.entries(principals)) {
      for (const page of pages.filter((p) => !canSee(principal, p))) {
        for (const [i, conversationId] of page.conversationIds.entries()) {
          for (const [method, path, body, id] of routes(page, conversationId, page.messageIds[i] ?? 'none')) {
            const answer = await call(who, method, path, body);
            check(who, principal, `${method} ${path}`, answer.text, id);
            if (answer.status !== 404) recordLeak(who, `${method} ${path} answered ${answer.status}`);
          }
        }
      }
    }
    rec.case(
      'Every resource route × every resource of another organisation or a hidden page × every principal → 404',
    );
    expect(leakLines).toEqual([]);
  });

  it('keeps lists, filters, search and channel lists to what the principal sees', async () => {
    for (const [who, principal] of Object.entries(principals)) {
      const foreign = pages.filter((p) => !canSee(principal, p));
      const queries = [
        '',
        ...foreign.map((p) => `?channelId=${encodeURIComponent(p.id)}`),
        ...foreign.flatMap((p) => p.customerNames.map((name) => `?search=${encodeURIComponent(name)}`)),
      ];
      for (const query of queries) {
        const answer = await call(who, 'GET', `/conversations${query}`);
        const echoed = decodeURIComponent(query.split('=')[1] ?? '');
        check(who, principal, `GET /conversations${query}`, answer.text, echoed);
        const visible = pages.filter((p) => canSee(principal, p)).flatMap((p) => p.conversationIds);
        const listed = (JSON.parse(answer.text) as { items: Array<{ id: string }> }).items.map((c) => c.id);
        if (listed.some((id) => !visible.includes(id)))
          recordLeak(who, `GET /conversations${query} listed a foreign id`);
      }
      const channels = await call(who, 'GET', '/channels');
      check(who, principal, 'GET /channels', channels.text);
      const ids = (JSON.parse(channels.text) as Channel[]).map((c) => c.id);
      if (ids.some((id) => foreign.some((p) => p.id === id)))
        recordLeak(who, 'GET /channels listed a foreign page');
    }
    rec.case(
      'Conversation lists with every foreign channel filter and every foreign customer searched, channel lists',
    );
    expect(leakLines).toEqual([]);
  });

  it('refuses to send another organisation’s upload', async () => {
    const uploads: Record<string, unknown> = {};
    for (const organizationId of ORGS) {
      const response = await fetch(`${base}/uploads`, {
        method: 'POST',
        headers: { 'x-principal': `${organizationId}/admin`, 'content-type': 'text/plain' },
        body: `invoice of ${organizationId}`,
      });
      uploads[organizationId] = await response.json();
    }
    for (const [who, principal] of Object.entries(principals)) {
      const own = pages.find((p) => canSee(principal, p))!;
      for (const organizationId of ORGS.filter((o) => o !== principal.organizationId)) {
        const answer = await call(who, 'POST', `/conversations/${own.conversationIds[0]}/messages`, {
          attachments: [uploads[organizationId]],
        });
        check(
          who,
          principal,
          'send with a foreign upload',
          answer.text,
          (uploads[organizationId] as { id: string }).id,
        );
        if (answer.status !== 404) recordLeak(who, `a foreign upload answered ${answer.status}`);
      }
    }
    rec.case("Sends attaching every other organisation's upload → 404");
    expect(leakLines).toEqual([]);
  });

  it('streams and replays to each principal only the events of pages it sees', async () => {
    const streams = await Promise.all(
      Object.entries(principals).map(async ([who, principal]) => {
        const controller = new AbortController();
        const response = await fetch(`${base}/events`, {
          headers: { 'x-principal': who },
          signal: controller.signal,
        });
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        const state = { text: '', done: false };
        const reading = (async () => {
          for (;;) {
            const { done, value } = await reader.read().catch(() => ({ done: true, value: '' }));
            if (done) break;
            state.text += value;
          }
        })();
        return { who, principal, controller, state, reading };
      }),
    );
    while (api.liveConnections < streams.length) await new Promise((r) => setTimeout(r, 10));
    let events = 0;
    for (const page of pages)
      for (const conversationId of page.conversationIds) {
        await inbox.assign(conversationId, 'someone');
        events++;
      }
    await new Promise((r) => setTimeout(r, 300));
    let firstId = '';
    for (const stream of streams) {
      stream.controller.abort();
      await stream.reading;
      const ids = [...stream.state.text.matchAll(/^id: (.+)$/gm)].map((m) => m[1] as string);
      if (!firstId && ids[0]) firstId = ids[0];
      const foreignEvents = pages.filter((p) => !canSee(stream.principal, p)).length * CUSTOMERS_PER_PAGE;
      attempts += foreignEvents;
      check(stream.who, stream.principal, 'live stream', stream.state.text);
    }
    // Replay: every principal reconnects from before the burst.
    const [epoch, n] = [
      firstId.slice(0, firstId.lastIndexOf('-')),
      Number(firstId.slice(firstId.lastIndexOf('-') + 1)),
    ];
    for (const [who, principal] of Object.entries(principals)) {
      const controller = new AbortController();
      const response = await fetch(`${base}/events`, {
        headers: { 'x-principal': who, 'last-event-id': `${epoch}-${n - 1}` },
        signal: controller.signal,
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const deadline = Date.now() + 300;
      while (Date.now() < deadline) {
        const next = await Promise.race([
          reader.read(),
          new Promise<{ done: true; value: '' }>((r) => setTimeout(() => r({ done: true, value: '' }), 50)),
        ]);
        if (next.value) text += next.value;
      }
      controller.abort();
      attempts += pages.filter((p) => !canSee(principal, p)).length * CUSTOMERS_PER_PAGE;
      check(who, principal, 'replay', text);
      const visible = pages.filter((p) => canSee(principal, p)).length * CUSTOMERS_PER_PAGE;
      expect(text.match(/^id: /gm)?.length ?? 0).toBe(visible);
    }
    rec.set('Live events published during the burst', events);
    rec.case(
      'Every principal on the live stream during a burst over every page, then a replay from before it',
    );
    expect(leakLines).toEqual([]);
  });
});
