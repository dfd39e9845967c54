import { get, type IncomingMessage } from 'node:http';
import { type Inbox, type InboxEvents, liveEventSchema } from '@pagedesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createInboxApi,
  type InboxApi,
  type InboxApiOptions,
  inProcessFanout,
  type LiveEventDraft,
} from '../index.js';
import { eventsOf, fakeChannels, readFrames, seededInbox, serve, T0 } from './helpers.js';

// The event stream over real HTTP (node:http + api.node + fetch as the browser), plus the `.fetch`
// path for cancellation.

/** A single-tenant admin: sees the seeded page-1, which has no organisation. */
const admin = () => ({ role: 'admin' as const });

let api: InboxApi;
let inbox: Inbox;
let server: Awaited<ReturnType<typeof serve>>;
let listeners = 0;

/** The real inbox, with its active listeners counted so a leak shows. */
function counted(target: Inbox): Inbox {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (key !== 'on') return Reflect.get(object, key, receiver);
      return <TEvent extends keyof InboxEvents>(event: TEvent, listener: InboxEvents[TEvent]) => {
        const off = object.on(event, listener);
        listeners += 1;
        let done = false;
        return () => {
          if (!done) listeners -= 1;
          done = true;
          off();
        };
      };
    },
  });
}

async function start(options: Partial<InboxApiOptions> = {}) {
  api?.close();
  await server?.close();
  inbox = counted(await seededInbox(3));
  api = createInboxApi({ inbox, heartbeatMs: 0, authorize: admin, ...options });
  server = await serve(api);
}

const open = (headers: Record<string, string> = {}, query = '', signal?: AbortSignal) =>
  fetch(`${server.base}/events${query}`, { headers, ...(signal ? { signal } : {}) });

const isEvent = (frame: string) => frame.includes('\ndata: ');
const eventCount = (n: number) => (frames: string[]) => frames.filter(isEvent).length >= n;

beforeAll(() => start());
afterEach(async () => {
  // Every test leaves the API as it found it: no open stream.
  await vi.waitFor(() => expect(api.liveConnections).toBe(0), { timeout: 2000, interval: 10 });
});
afterAll(async () => {
  api.close();
  await server.close();
});

/** An API over an in-process fanout whose `reset` (events may have been lost) the test calls. */
async function resettable() {
  const fanout = inProcessFanout();
  let onLost: (() => void) | undefined;
  const local = createInboxApi({
    inbox: await seededInbox(1),
    heartbeatMs: 0,
    authorize: admin,
    fanout: {
      publish: fanout.publish,
      subscribe(listener, onReset) {
        onLost = onReset;
        return fanout.subscribe(listener);
      },
    },
  });
  return { fanout, local, reset: () => onLost?.() };
}

describe('GET /events', () => {
  it('streams inbox changes in order, with ids and the LiveEvent shape', async () => {
    await start();
    const response = await open();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    const reading = readFrames(response.body!, eventCount(3));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    await inbox.assign('conv-1', 'agent-1');
    await inbox.resolve('conv-2');
    await inbox.markRead('conv-3');
    const frames = await reading;
    expect(frames[0]).toBe('retry: 2000\n: connected');
    const events = eventsOf(frames);
    expect(events.map((e) => e.event)).toEqual([
      'conversation:updated',
      'conversation:updated',
      'conversation:updated',
    ]);
    expect(events.map((e) => e.data['seq'])).toEqual([1, 2, 3]);
    expect(events.map((e) => e.id.split('-')[1])).toEqual(['1', '2', '3']);
    expect(new Set(events.map((e) => e.id.split('-')[0])).size).toBe(1);
    for (const event of events) expect(liveEventSchema.safeParse(event.data).success).toBe(true);
    const conversations = events.map(
      (e) => e.data['conversation'] as { id: string; customer: { id: string } },
    );
    expect(conversations.map((c) => c.id)).toEqual(['conv-1', 'conv-2', 'conv-3']);
    expect(conversations[0]?.customer.id).toBe('page-1:psid-1');
  });

  it('delivers a webhook message applied to the inbox as message:created', async () => {
    await start();
    const response = await open();
    const reading = readFrames(response.body!, (frames) =>
      eventsOf(frames).some((e) => e.event === 'message:created'),
    );
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    await inbox.apply([
      {
        kind: 'message',
        id: 'evt-1',
        platform: 'messenger',
        pageId: 'page-1',
        customerId: 'psid-42',
        timestamp: T0 + 60_000,
        raw: {},
        mid: 'm_live',
        text: 'Is my order on its way?',
        attachments: [],
      },
    ]);
    const created = eventsOf(await reading).find((e) => e.event === 'message:created');
    expect(created?.data['message']).toMatchObject({
      mid: 'm_live',
      text: 'Is my order on its way?',
      direction: 'inbound',
    });
  });

  it('streams typing notices that agents set', async () => {
    const channels = fakeChannels();
    await start({ channels });
    const response = await open();
    const reading = readFrames(response.body!, eventCount(1));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    const typing = await fetch(`${server.base}/conversations/conv-1/typing`, {
      method: 'POST',
      body: '{"on":true}',
    });
    expect(typing.status).toBe(204);
    expect(eventsOf(await reading)[0]).toMatchObject({
      event: 'typing',
      data: { type: 'typing', conversationId: 'conv-1', on: true },
    });
  });

  it('publishes the customer and republishes its conversation when the profile arrives later', async () => {
    await start();
    const response = await open();
    const reading = readFrames(response.body!, eventCount(2));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    const before = await inbox.store.customers.get('page-1:psid-1');
    await inbox.updateCustomer({ ...before!, name: 'Ana Lima', avatarUrl: 'https://example.test/ana.png' });
    const [customer, conversation] = eventsOf(await reading);
    expect(customer).toMatchObject({
      event: 'customer:updated',
      data: { customer: { id: 'page-1:psid-1', name: 'Ana Lima' } },
    });
    expect(conversation).toMatchObject({
      event: 'conversation:updated',
      data: { conversation: { id: 'conv-1', customer: { name: 'Ana Lima' } } },
    });
  });

  it('resumes after Last-Event-ID with exactly the missed events, then live ones', async () => {
    await start();
    const first = await open();
    const reading = readFrames(first.body!, eventCount(3));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    await inbox.assign('conv-1', 'a');
    await inbox.assign('conv-2', 'a');
    await inbox.assign('conv-3', 'a');
    const seen = eventsOf(await reading);
    await vi.waitFor(() => expect(api.liveConnections).toBe(0));
    await inbox.assign('conv-1', 'b');
    await inbox.assign('conv-2', 'b');
    const lastId = seen[2]!.id;

    const resumed = await open({ 'last-event-id': lastId });
    const resuming = readFrames(resumed.body!, eventCount(3));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    await inbox.assign('conv-3', 'b');
    const events = eventsOf(await resuming);
    expect(events.map((e) => e.data['seq'])).toEqual([4, 5, 6]);
    expect(events.map((e) => (e.data['conversation'] as { assigneeId: string }).assigneeId)).toEqual([
      'b',
      'b',
      'b',
    ]);

    // EventSource cannot set headers on a first connect: the query works the same, bare seq too.
    const byQuery = eventsOf(
      await readFrames((await open({}, `?lastEventId=${encodeURIComponent(lastId)}`)).body!, eventCount(3)),
    );
    expect(byQuery.map((e) => e.data['seq'])).toEqual([4, 5, 6]);
    const bySeq = eventsOf(await readFrames((await open({}, '?lastEventId=5')).body!, eventCount(1)));
    expect(bySeq.map((e) => e.data['seq'])).toEqual([6]);
  });

  it('sends reset when the id is older than the buffer, foreign or unknown', async () => {
    await start({ replayBuffer: 2 });
    for (let i = 0; i < 5; i++) await inbox.assign('conv-1', `agent-${i}`);
    for (const id of ['1', 'zzzz-4', '99', 'garbage']) {
      const events = eventsOf(await readFrames((await open({ 'last-event-id': id })).body!, eventCount(1)));
      expect(events[0], id).toMatchObject({ event: 'reset', data: { type: 'reset', seq: 5 } });
      expect(events[0]?.id.endsWith('-5')).toBe(true);
      expect(liveEventSchema.safeParse(events[0]?.data).success).toBe(true);
    }
    // Within the buffer: a plain replay.
    const replay = eventsOf(await readFrames((await open({ 'last-event-id': '3' })).body!, eventCount(2)));
    expect(replay.map((e) => e.data['seq'])).toEqual([4, 5]);
  });

  it('sends heartbeat comments', async () => {
    await start({ heartbeatMs: 20 });
    const frames = await readFrames((await open()).body!, (f) => f.filter((x) => x === ': ping').length >= 2);
    expect(frames.filter((x) => x === ': ping').length).toBeGreaterThanOrEqual(2);
  });

  it('leaks nothing over 200 connect/disconnect cycles', { timeout: 30_000 }, async () => {
    await start({ heartbeatMs: 1000 });
    const baseline = listeners;
    expect(baseline).toBeGreaterThan(0);
    // Responses the server still holds open: each SSE answer must end when its client goes.
    let openResponses = 0;
    server.server.on('request', (_req, res) => {
      openResponses += 1;
      res.once('close', () => {
        openResponses -= 1;
      });
    });
    for (let i = 0; i < 200; i++) {
      const controller = new AbortController();
      const response = await open({}, '', controller.signal);
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.cancel().catch(() => {});
    }
    await vi.waitFor(
      () => {
        expect(api.liveConnections).toBe(0);
        expect(openResponses).toBe(0);
      },
      { timeout: 5000, interval: 20 },
    );
    expect(listeners).toBe(baseline);
    // Still working after the storm.
    const reading = readFrames((await open()).body!, eventCount(1));
    await vi.waitFor(() => expect(api.liveConnections).toBe(1));
    await inbox.assign('conv-1', 'after');
    expect(eventsOf(await reading)).toHaveLength(1);
    api.close();
    expect(listeners).toBe(0);
  });

  it('ends open streams on close()', async () => {
    await start();
    const response = await open();
    const reader = response.body!.getReader();
    await reader.read();
    api.close();
    for (let i = 0; i < 10; i++) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(api.liveConnections).toBe(0);
    await start();
  });
});

describe('GET /events on the Node path', () => {
  it('cuts off a browser whose socket stops taking bytes, and keeps serving the others', async () => {
    const fanout = inProcessFanout();
    const local = createInboxApi({ inbox: await seededInbox(1), heartbeatMs: 0, authorize: admin, fanout });
    const http = await serve(local);
    try {
      // A browser that stops reading: its socket fills, then the response's buffer.
      const stalled = await new Promise<IncomingMessage>((resolve) =>
        get(`${http.base}/events`, (res) => {
          res.pause();
          resolve(res);
        }),
      );
      const reader = (await fetch(`${http.base}/events`)).body!.getReader();
      await vi.waitFor(() => expect(local.liveConnections).toBe(2));
      const big = 'x'.repeat(64 * 1024);
      let received = 0;
      const reading = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.byteLength;
        }
      })();
      for (let i = 0; i < 200 && local.liveConnections === 2; i++) {
        fanout.publish({ type: 'typing', conversationId: big, on: true, scope: { channelId: 'page-1' } });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await vi.waitFor(() => expect(local.liveConnections).toBe(1));
      fanout.publish({ type: 'typing', conversationId: 'conv-1', on: true, scope: { channelId: 'page-1' } });
      await vi.waitFor(() => expect(received).toBeGreaterThan(4 * 1024 * 1024));
      stalled.destroy();
      await reader.cancel();
      await reading;
    } finally {
      local.close();
      await http.close();
    }
  });
});

describe('GET /events through .fetch', () => {
  it('cleans up when the consumer cancels the body or the request is aborted', async () => {
    const local = createInboxApi({ inbox: await seededInbox(1), heartbeatMs: 0, authorize: admin });
    const cancelled = await local.fetch(new Request('http://h.test/events'));
    expect(local.liveConnections).toBe(1);
    await cancelled.body!.cancel();
    expect(local.liveConnections).toBe(0);
    const controller = new AbortController();
    await local.fetch(new Request('http://h.test/events', { signal: controller.signal }));
    expect(local.liveConnections).toBe(1);
    controller.abort();
    expect(local.liveConnections).toBe(0);
    local.close();
  });

  it('cuts off a client that stops reading, so it cannot hold memory without end', async () => {
    const inbox = await seededInbox(1);
    const local = createInboxApi({ inbox, heartbeatMs: 0, authorize: admin });
    const fast = await local.fetch(new Request('http://h.test/events'));
    const fastReading = readFrames(fast.body!, eventCount(1100), 10_000);
    await local.fetch(new Request('http://h.test/events'));
    expect(local.liveConnections).toBe(2);
    for (let i = 0; i < 1100; i++) await inbox.assign('conv-1', `agent-${i}`);
    // The one that never read is gone; the one that reads got everything.
    expect(local.liveConnections).toBe(1);
    expect(eventsOf(await fastReading)).toHaveLength(1100);
    local.close();
  });

  it('replays a resume longer than the slow-reader bound in full: a replay is not a slow reader', async () => {
    const fanout = inProcessFanout();
    const local = createInboxApi({
      inbox: await seededInbox(1),
      heartbeatMs: 0,
      authorize: admin,
      fanout,
      replayBuffer: 2000,
    });
    for (let i = 1; i <= 1500; i++)
      fanout.publish({
        type: 'typing',
        conversationId: `conv-${i}`,
        on: true,
        scope: { channelId: 'page-1' },
      });
    const resumed = await local.fetch(
      new Request('http://h.test/events', { headers: { 'last-event-id': '0' } }),
    );
    expect(local.liveConnections).toBe(1);
    const events = eventsOf(await readFrames(resumed.body!, eventCount(1500), 10_000));
    expect(events.map((e) => e.data['conversationId'])).toEqual(
      Array.from({ length: 1500 }, (_, i) => `conv-${i + 1}`),
    );
    local.close();
  });

  it('takes events from a custom fanout and reports a failing publish', async () => {
    const fanout = inProcessFanout();
    const published: LiveEventDraft[] = [];
    const onError = vi.fn();
    const local = createInboxApi({
      inbox: await seededInbox(1),
      heartbeatMs: 0,
      authorize: admin,
      onError,
      fanout: {
        subscribe: fanout.subscribe,
        async publish(event) {
          published.push(event);
          if (published.length === 2) throw new Error('redis down');
          fanout.publish(event);
        },
      },
    });
    const response = await local.fetch(new Request('http://h.test/events'));
    const reading = readFrames(response.body!, eventCount(1));
    // Another server's event arrives through the fanout only.
    fanout.publish({ type: 'typing', conversationId: 'conv-9', on: false, scope: { channelId: 'page-1' } });
    expect(eventsOf(await reading)[0]?.data).toEqual({
      type: 'typing',
      conversationId: 'conv-9',
      on: false,
      seq: 1,
    });
    await local.fetch(
      new Request('http://h.test/conversations/conv-1', { method: 'PATCH', body: '{"status":"resolved"}' }),
    );
    await local.fetch(
      new Request('http://h.test/conversations/conv-1', { method: 'PATCH', body: '{"status":"open"}' }),
    );
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'redis down' }), {
        during: 'live',
      }),
    );
    expect(published.map((e) => e.type)).toEqual(['conversation:updated', 'conversation:updated']);
    local.close();
  });
  it('sends every stream a reset when the fanout may have lost events, and a resume from before it gets one', async () => {
    const { fanout, local, reset } = await resettable();
    const open = await local.fetch(new Request('http://h.test/events'));
    const reading = readFrames(open.body!, eventCount(2));
    fanout.publish({ type: 'typing', conversationId: 'conv-9', on: true, scope: { channelId: 'page-1' } });
    reset();
    const frames = eventsOf(await reading);
    expect(frames.map((e) => e.event)).toEqual(['typing', 'reset']);
    // A browser that last saw the event before the reset cannot be replayed what was lost.
    const epoch = frames[0]!.id.split('-')[0];
    const before = await local.fetch(
      new Request('http://h.test/events', { headers: { 'last-event-id': `${epoch}-0` } }),
    );
    expect(eventsOf(await readFrames(before.body!, eventCount(1))).map((e) => e.event)).toEqual(['reset']);
    local.close();
  });

  it('gives a browser that missed a reset the reset when it resumes from the last event before it', async () => {
    const { fanout, local, reset } = await resettable();
    const typing = {
      type: 'typing' as const,
      conversationId: 'conv-9',
      on: true,
      scope: { channelId: 'page-1' },
    };
    const resume = async (lastEventId: string) => {
      const response = await local.fetch(
        new Request('http://h.test/events', { headers: { 'last-event-id': lastEventId } }),
      );
      const frames = await readFrames(response.body!, eventCount(1), 300).catch(() => [] as string[]);
      return eventsOf(frames);
    };
    const open = await local.fetch(new Request('http://h.test/events'));
    const reading = readFrames(open.body!, eventCount(2));
    fanout.publish(typing);
    reset();
    const [event, got] = eventsOf(await reading);
    // The reset follows the event's position but has an id of its own.
    expect(got?.id).not.toBe(event?.id);
    // Offline during the reset: the last id it has is the event's, and it must get the reset now.
    expect((await resume(event!.id)).map((e) => e.event)).toEqual(['reset']);
    expect((await resume('1')).map((e) => e.event)).toEqual(['reset']);
    // The browser that got it resumes without another.
    expect(await resume(got!.id)).toEqual([]);
    // A second reset at the same position reaches a browser that holds only the first.
    reset();
    expect((await resume(got!.id)).map((e) => e.event)).toEqual(['reset']);
    local.close();
  });

  it('sends the browsers of a channel a numbered reset when the inbox stored a change it could not tell', async () => {
    const fanout = inProcessFanout();
    const published: LiveEventDraft[] = [];
    fanout.subscribe((event) => published.push(event));
    const stale = await seededInbox(1);
    const local = createInboxApi({ inbox: stale, heartbeatMs: 0, authorize: admin, fanout });
    const open = await local.fetch(new Request('http://h.test/events'));
    const reading = readFrames(open.body!, eventCount(1));
    // The customer read that completes the conversation's event fails after the commit.
    vi.spyOn(stale.store.customers, 'get').mockRejectedValueOnce(new Error('connection terminated'));
    await expect(stale.assign('conv-1', 'agent-1')).resolves.toMatchObject({ assigneeId: 'agent-1' });
    expect(published).toEqual([{ type: 'reset', scope: { channelId: 'page-1' } }]);
    expect(eventsOf(await reading).map((e) => [e.event, e.data['seq']])).toEqual([['reset', 1]]);
    local.close();
  });

  it('writes the events of one tick to each stream as one chunk, in order, shared by streams that see the same', async () => {
    const { fanout, local, reset } = await resettable();
    const readers = await Promise.all(
      [1, 2].map(async () => (await local.fetch(new Request('http://h.test/events'))).body!.getReader()),
    );
    for (const reader of readers) await reader.read(); // the hello
    const typing = (i: number) => ({
      type: 'typing' as const,
      conversationId: `conv-${i}`,
      on: true,
      scope: { channelId: 'page-1' },
    });
    // One fanout read (a burst published together): two events, a reset, one more.
    fanout.publish(typing(1));
    fanout.publish(typing(2));
    reset();
    fanout.publish(typing(3));
    const [first, second] = await Promise.all(readers.map((reader) => reader.read()));
    expect(first!.value).toBe(second!.value);
    const frames = new TextDecoder().decode(first!.value).split('\n\n').filter(Boolean);
    expect(eventsOf(frames).map((e) => `${e.event} ${e.id.split('-')[1]?.split('.')[0]}`)).toEqual([
      'typing 1',
      'typing 2',
      'reset 2',
      'typing 3',
    ]);
    for (const reader of readers) await reader.cancel();
    local.close();
  });

  it('under a shared numbering, resumes on another server with exactly the missed events', async () => {
    // Two API instances behind one numbered fanout (what @pagedesk/redis does over a stream).
    const listeners = new Set<(event: LiveEventDraft, seq?: number) => void>();
    let n = 0;
    const held: Array<[LiveEventDraft, number]> = [];
    let holdB = false;
    const toB = new Set<(event: LiveEventDraft, seq?: number) => void>();
    const shared = (forB: boolean) => ({
      sequence: 'pd_test',
      publish(event: LiveEventDraft) {
        n += 1;
        for (const listener of listeners) listener(event, n);
        for (const listener of toB) {
          if (holdB) held.push([event, n]);
          else listener(event, n);
        }
      },
      subscribe(listener: (event: LiveEventDraft, seq?: number) => void) {
        const set = forB ? toB : listeners;
        set.add(listener);
        return () => set.delete(listener);
      },
    });
    const a = createInboxApi({
      inbox: await seededInbox(1),
      heartbeatMs: 0,
      authorize: admin,
      fanout: shared(false),
    });
    const b = createInboxApi({
      inbox: await seededInbox(1),
      heartbeatMs: 0,
      authorize: admin,
      fanout: shared(true),
    });
    const typing = (i: number) => ({
      type: 'typing' as const,
      conversationId: `conv-${i}`,
      on: true,
      scope: { channelId: 'page-1' },
    });
    const fanout = shared(false);

    const onA = await a.fetch(new Request('http://a.test/events'));
    const readingA = readFrames(onA.body!, eventCount(3));
    for (let i = 1; i <= 3; i++) fanout.publish(typing(i));
    const seenA = eventsOf(await readingA);
    expect(seenA.map((e) => e.id)).toEqual(['pd_test-1', 'pd_test-2', 'pd_test-3']);
    for (let i = 4; i <= 5; i++) fanout.publish(typing(i));

    // The browser reconnects to B with A's id: B replays 4 and 5 from its own buffer.
    const onB = await b.fetch(
      new Request('http://b.test/events', { headers: { 'last-event-id': 'pd_test-3' } }),
    );
    expect(eventsOf(await readFrames(onB.body!, eventCount(2))).map((e) => e.id)).toEqual([
      'pd_test-4',
      'pd_test-5',
    ]);

    // B lags behind A: a browser that saw 6 on A skips 6 on B and gets 7 next, nothing twice.
    holdB = true;
    fanout.publish(typing(6));
    const ahead = await b.fetch(
      new Request('http://b.test/events', { headers: { 'last-event-id': 'pd_test-6' } }),
    );
    const readingAhead = readFrames(ahead.body!, eventCount(1));
    holdB = false;
    for (const [event, seq] of held.splice(0)) for (const listener of toB) listener(event, seq);
    fanout.publish(typing(7));
    expect(eventsOf(await readingAhead).map((e) => e.id)).toEqual(['pd_test-7']);

    // An id of another numbering, or older than what B holds, is a reset.
    const foreign = await b.fetch(
      new Request('http://b.test/events', { headers: { 'last-event-id': 'x1-2' } }),
    );
    expect(eventsOf(await readFrames(foreign.body!, eventCount(1)))[0]?.event).toBe('reset');
    a.close();
    b.close();
  });
});
