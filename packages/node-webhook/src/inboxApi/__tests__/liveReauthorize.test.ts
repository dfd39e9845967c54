import type { Inbox } from '@pagedesk/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInboxApi, type InboxApi, type InboxPrincipal } from '../index.js';
import { eventsOf, readFrames } from './helpers.js';
import { ACME_HIDDEN, ACME_OPEN, onPage, principals, tenantInbox } from './tenants.js';

// An open event stream follows the host's word on who its user is: `authorize` is asked again every
// `reauthorizeMs`, and the host can end a principal's streams itself with `closeLiveConnections`.

let inbox: Inbox;
let api: InboxApi;
/** Who the host says the browser's session is now: what `authorize` answers. */
let who: InboxPrincipal | null | (() => Promise<InboxPrincipal>);
const authorize = vi.fn(async () => (typeof who === 'function' ? who() : who));

beforeEach(async () => {
  inbox = await tenantInbox();
  who = principals.acmeAdmin;
  authorize.mockClear();
  api = createInboxApi({ inbox, heartbeatMs: 0, reauthorizeMs: 30, authorize });
});
afterEach(() => api.close());

const open = async () => (await api.fetch(new Request('http://h.test/events'))).body!;
/** Everything the stream carries until it ends (or 2 s pass). */
const untilEnd = (body: ReadableStream<Uint8Array>) => readFrames(body, () => false, 2000);
const hidden = onPage(ACME_HIDDEN).conversationId;

describe('an open event stream', () => {
  it('gets a reset and ends once the host demotes its user, and carries nothing the new role may not see', async () => {
    const body = await open();
    who = principals.acmeAgent;
    const frames = await untilEnd(body);
    expect(eventsOf(frames).map((e) => e.event)).toEqual(['reset']);
    // Ended before this change: the hidden page's conversation never reaches the old session.
    await inbox.assign(hidden, 'agent-acme-2');
    expect(frames.join('\n')).not.toContain('acme-hidden');
    expect(api.liveConnections).toBe(0);
  });

  it('ends without a word once the host signs its user out, or does not answer in time', async () => {
    const signedOut = await open();
    who = null;
    expect(eventsOf(await untilEnd(signedOut))).toEqual([]);
    who = principals.acmeAdmin;
    const stalled = await open();
    who = () => new Promise(() => {});
    expect(eventsOf(await untilEnd(stalled))).toEqual([]);
    expect(api.liveConnections).toBe(0);
  });

  it('stays open while the principal is the same, asking once per interval', async () => {
    const body = await open();
    const reading = readFrames(body, (f) => f.some((x) => x.includes('data: ')), 2000);
    await vi.waitFor(() => expect(authorize.mock.calls.length).toBeGreaterThanOrEqual(4), { timeout: 2000 });
    await inbox.assign(hidden, 'agent-acme-2');
    expect(eventsOf(await reading).map((e) => e.event)).toEqual(['conversation:updated']);
    // One request, then one check per interval: about 4 in 4 intervals, never a burst.
    expect(authorize.mock.calls.length).toBeLessThan(12);
  });

  it("ends the streams of the principals the host names with closeLiveConnections, and no one else's", async () => {
    const admin = await open();
    who = principals.acmeAgent;
    const agent = await open();
    const reading = readFrames(admin, (f) => f.some((x) => x.includes('data: ')), 2000);
    who = principals.acmeAdmin;
    expect(api.closeLiveConnections((p) => p.agentId === 'agent-acme-1')).toBe(1);
    // A reset first: the browser refetches as who it is now instead of resuming its old view.
    const ended = await untilEnd(agent);
    expect(ended[0]).toBe('retry: 2000\n: connected');
    expect(eventsOf(ended.slice(1)).map((e) => e.event)).toEqual(['reset']);
    await inbox.assign(onPage(ACME_OPEN).conversationId, 'agent-acme-1');
    expect(eventsOf(await reading).map((e) => e.event)).toEqual(['conversation:updated']);
  });
});
