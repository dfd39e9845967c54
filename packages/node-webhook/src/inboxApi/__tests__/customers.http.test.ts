import type { Customer, Inbox } from '@pagedesk/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInboxApi, type InboxApi } from '../index.js';
import { eventsOf, readFrames, serve } from './helpers.js';
import {
  ACME,
  ACME_OPEN,
  authorizeByHeader,
  callAs,
  GLOBEX_OPEN,
  onPage,
  type principals,
  tenantInbox,
} from './tenants.js';

// The customer panel over real HTTP on 127.0.0.1: read a customer, change what agents record, Meta's
// profile untouched, bad input named, and the change reaching the organisation's open inboxes only.
// (Every route × organisation × role answer is in tenancy.test.ts.)

let inbox: Inbox;
let api: InboxApi;
let server: Awaited<ReturnType<typeof serve>>;

type Who = keyof typeof principals;
const call = (who: Who, method: string, path: string, body?: unknown) =>
  callAs(server.base, who, method, path, body);

beforeAll(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({ inbox, heartbeatMs: 0, authorize: authorizeByHeader });
  server = await serve(api);
});
afterAll(async () => {
  api.close();
  await server.close();
});

const customerPath = (page: string) => `/customers/${encodeURIComponent(onPage(page).customerId)}`;

describe('customer details', () => {
  it('sets, keeps and clears fields; the Meta profile stays as Meta gave it', async () => {
    const before = (await call('acmeAgent', 'GET', customerPath(ACME_OPEN))).body as Customer;
    const first = await call('acmeAgent', 'PATCH', customerPath(ACME_OPEN), {
      name: '  Lola Ruiz ',
      email: 'lola@example.com',
      phone: '+34 600 000 000',
      notes: 'VIP',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      name: before.name,
      organizationId: ACME,
      details: {
        name: 'Lola Ruiz',
        email: 'lola@example.com',
        phone: '+34 600 000 000',
        notes: 'VIP',
        updatedBy: 'agent-acme-1',
      },
    });
    const second = await call('acmeAdmin', 'PATCH', customerPath(ACME_OPEN), {
      phone: null,
      notes: 'Call back',
    });
    expect(second.body.details).toMatchObject({
      name: 'Lola Ruiz',
      notes: 'Call back',
      updatedBy: 'agent-acme-admin',
    });
    expect(second.body.details).not.toHaveProperty('phone');
    expect((await call('acmeAgent', 'GET', customerPath(ACME_OPEN))).body).toEqual(second.body);
  });

  it('refuses bad input naming the field, and Meta profile fields as unknown keys', async () => {
    const bad = await call('acmeAgent', 'PATCH', customerPath(ACME_OPEN), {
      email: 'not-an-email',
      phone: 'call me',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'phone']);
    const profile = await call('acmeAgent', 'PATCH', customerPath(ACME_OPEN), { firstName: 'Hacked' });
    expect(profile.status).toBe(400);
    expect(profile.body.error.message).toContain('firstName');
  });

  it("answers 404 for another organisation's customer before reading the body", async () => {
    const answer = await call('acmeAdmin', 'PATCH', customerPath(GLOBEX_OPEN), { email: 'x' });
    expect(answer.status).toBe(404);
    expect((await inbox.store.customers.get(onPage(GLOBEX_OPEN).customerId))?.details).toBeUndefined();
  });

  it("sends the change live to the organisation's inboxes, and to nobody else", async () => {
    const open = (who: Who) =>
      fetch(`${server.base}/events`, { headers: { 'x-principal': who } }).then((response) =>
        readFrames(
          response.body!,
          (frames) => frames.some((frame) => frame.includes('"Live note"')),
          1500,
        ).catch((error: Error) => error.message),
      );
    const acme = open('acmeAgent');
    const globex = open('globexAdmin');
    await vi.waitFor(() => expect(api.liveConnections).toBe(2));
    await call('acmeAgent', 'PATCH', customerPath(ACME_OPEN), { notes: 'Live note' });
    const events = eventsOf((await acme) as string[]);
    expect(events.map((e) => e.event)).toContain('customer:updated');
    expect(events.find((e) => e.event === 'customer:updated')?.data).toMatchObject({
      customer: { id: onPage(ACME_OPEN).customerId, details: { notes: 'Live note' } },
    });
    expect(await globex).toMatch(/timed out/);
    expect(await globex).not.toContain('Live note');
  });
});
