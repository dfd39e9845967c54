import type { Inbox } from '@pagedesk/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi } from '../index.js';
import { channel, eventsOf, readFrames } from './helpers.js';
import {
  ACME_OPEN,
  authorizeByHeader,
  GLOBEX,
  GLOBEX_OPEN,
  onPage,
  type principals,
  tenantInbox,
} from './tenants.js';

// A browser that resumes with Last-Event-ID is replayed what it may see now. When a channel change it
// was away for changed what it sees (its agent removed from a page, a page moved to another
// organisation), its lists may hold what it may no longer see: it gets a reset and refetches instead.

/** A fresh API per test, over a fresh inbox of the two organisations. */
let api: InboxApi;
let inbox: Inbox;

beforeEach(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({ inbox, heartbeatMs: 0, authorize: authorizeByHeader });
});
afterEach(() => api.close());

/** The events `who` gets on a stream opened with `lastEventId` (what arrives within a short wait). */
async function streamAs(who: keyof typeof principals, lastEventId?: string, until = 1) {
  const headers: Record<string, string> = { 'x-principal': who };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await api.fetch(new Request('http://h.test/events', { headers }));
  const frames = await readFrames(
    response.body!,
    (f) => f.filter((x) => x.includes('data: ')).length >= until,
    300,
  ).catch(() => [] as string[]);
  return eventsOf(frames);
}

/** Opens a stream as `who`, applies `change`, and returns the id of the event it got: where it left. */
async function lastSeenAs(who: keyof typeof principals, change: () => Promise<unknown>): Promise<string> {
  const reading = streamAs(who);
  await new Promise((resolve) => setTimeout(resolve, 10));
  await change();
  const [seen] = await reading;
  return seen!.id;
}

const updatePage = async (
  id: string,
  patch: (page: NonNullable<Awaited<ReturnType<Inbox['store']['channels']['get']>>>) => object,
) => {
  const page = (await inbox.store.channels.get(id))!;
  await inbox.updateChannel({ ...page, ...patch(page) } as typeof page);
};

describe('a resumed stream across a channel change', () => {
  it('gets a reset when the agent was removed from a page meanwhile', async () => {
    const left = await lastSeenAs('acmeAgent', () =>
      inbox.assign(onPage(ACME_OPEN).conversationId, 'agent-acme-1'),
    );
    await updatePage(ACME_OPEN, (page) => ({ settings: { ...page.settings, agentIds: ['agent-acme-2'] } }));
    expect((await streamAs('acmeAgent', left)).map((e) => e.event)).toEqual(['reset']);
  });

  it('gets a reset in both organisations when a page moved from one to the other meanwhile', async () => {
    const acmeLeft = await lastSeenAs('acmeAdmin', () =>
      inbox.assign(onPage(ACME_OPEN).conversationId, 'agent-acme-admin'),
    );
    const globexLeft = await lastSeenAs('globexAdmin', () =>
      inbox.assign(onPage(GLOBEX_OPEN).conversationId, 'agent-globex-1'),
    );
    await inbox.updateChannel(channel({ id: ACME_OPEN, name: 'Now a Globex page', organizationId: GLOBEX }));
    expect((await streamAs('acmeAdmin', acmeLeft)).map((e) => e.event)).toEqual(['reset']);
    expect((await streamAs('globexAdmin', globexLeft)).map((e) => e.event)).toEqual(['reset']);
  });

  it('is replayed a change that shows and hides nothing, and is not reset by another organisation', async () => {
    // The page's agents are known to the API from an earlier change; this one renames it only.
    await updatePage(ACME_OPEN, () => ({ name: 'Acme support' }));
    await updatePage(GLOBEX_OPEN, () => ({ name: 'Globex support' }));
    const left = await lastSeenAs('acmeAgent', () =>
      inbox.assign(onPage(ACME_OPEN).conversationId, 'agent-acme-1'),
    );
    await updatePage(ACME_OPEN, () => ({ name: 'Acme help' }));
    // Globex limits its page to one agent: nothing an Acme browser sees.
    await updatePage(GLOBEX_OPEN, (page) => ({
      settings: { ...page.settings, agentIds: ['agent-globex-1'] },
    }));
    const replayed = await streamAs('acmeAgent', left);
    expect(replayed.map((e) => e.event)).toEqual(['channel:updated']);
    expect(replayed[0]?.data).toMatchObject({ channel: { id: ACME_OPEN, name: 'Acme help' } });
  });
});
