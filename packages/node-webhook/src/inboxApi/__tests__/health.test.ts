import { createInbox, memoryStore } from '@pagedesk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxApi, inProcessFanout, type LiveFanout } from '../index.js';
import { fakeChannels, seededInbox, serve } from './helpers.js';

// GET /health over real HTTP: no principal needed, nothing about any organisation in the answer, and
// a 503 when the store stalls or the shared fan-out is disconnected.

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(options: { inbox?: Awaited<ReturnType<typeof seededInbox>>; fanout?: LiveFanout } = {}) {
  const authorized: string[] = [];
  const api = createInboxApi({
    inbox: options.inbox ?? (await seededInbox()),
    channels: fakeChannels(),
    authorize: (_request, { route }) => {
      authorized.push(route);
      return { organizationId: 'org-1', role: 'admin' };
    },
    ...(options.fanout ? { fanout: options.fanout } : {}),
  });
  const server = await serve(api);
  closers.push(() => api.close(), server.close);
  return { api, base: server.base, authorized };
}

describe('GET /health', () => {
  it('answers without a principal: store ok, in-process fan-out, live stream count', async () => {
    const { base, authorized } = await start();
    const stream = await fetch(`${base}/events`);
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok', store: 'ok', fanout: 'in_process', liveConnections: 1 });
    // Only the event stream asked authorize; health never does.
    expect(authorized).toEqual(['subscribe']);
    await stream.body?.cancel();
  });

  it('says degraded (503) within its bound when the store stalls', async () => {
    const store = memoryStore();
    store.events.has = () => new Promise(() => {});
    const { base } = await start({ inbox: createInbox({ store }) });
    const started = performance.now();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await res.json()).toMatchObject({ status: 'degraded', store: 'unreachable' });
  });

  it('reports a shared fan-out that lost its connection', async () => {
    const inner = inProcessFanout();
    const state = { connected: false };
    const fanout: LiveFanout = {
      publish: (event) => inner.publish(event),
      subscribe: (listener) => inner.subscribe(listener),
      get connected() {
        return state.connected;
      },
    };
    const { base } = await start({ fanout });
    const down = await fetch(`${base}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'degraded', fanout: 'disconnected' });
    state.connected = true;
    const up = await fetch(`${base}/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ fanout: 'connected' });
  });
});
