import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { createTokenMonitor } from '../tokenMonitor.js';
import { APP_ID, harness, T0, useFakeMeta } from './fakeMeta.js';
import { metaError } from './graphStandin.js';

const DAY = 24 * 60 * 60 * 1000;
const env = useFakeMeta();

async function setup() {
  const h = await harness(env.standin);
  const timers: Array<{ callback: () => void; ms: number; cancelled: boolean }> = [];
  const monitor = createTokenMonitor({
    channels: h.channels,
    warnBefore: 7 * DAY,
    interval: 6 * 60 * 60 * 1000,
    setTimer: (callback, ms) => {
      const timer = { callback, ms, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  });
  const events: string[] = [];
  monitor.on('token:status', ({ channel, previous, resubscribed }) =>
    events.push(`${previous}->${channel.status}${resubscribed ? ' (resubscribed)' : ''}`),
  );
  return { h, monitor, timers, events };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

describe('createTokenMonitor', () => {
  it('keeps a healthy channel active and emits nothing', async () => {
    const { monitor, events, h } = await setup();
    const [result] = await monitor.checkNow();
    expect(result!.channel.status).toBe('active');
    expect(events).toEqual([]);
    const debug = env.standin.requests.find((r) => r.path === 'debug_token')!;
    expect(debug.query['access_token']).toBe(`${APP_ID}|app-secret-for-tests-0123`);
    expect((await h.channels.get('PAGE_1')).tokenExpiresAt).toBeNull();
  });

  it('moves to expiring inside warnBefore, then expired when the injected clock passes the end', async () => {
    const { monitor, events, h } = await setup();
    env.meta.tokenInfo = { ...env.meta.tokenInfo, data_access_expires_at: seconds(T0 + 5 * DAY) };
    await monitor.checkNow();
    expect(await h.channels.get('PAGE_1')).toMatchObject({
      status: 'expiring',
      dataAccessExpiresAt: seconds(T0 + 5 * DAY) * 1000,
      statusReason: expect.stringMatching(/Data access/),
    });
    h.clock.now = T0 + 4 * DAY;
    await monitor.checkNow();
    expect(events).toEqual(['active->expiring']);
    h.clock.now = T0 + 5 * DAY + 1000;
    await monitor.checkNow();
    expect(events).toEqual(['active->expiring', 'expiring->expired']);
  });

  it('does not warn when the end is further away than warnBefore', async () => {
    const { monitor, h } = await setup();
    env.meta.tokenInfo = { ...env.meta.tokenInfo, expires_at: seconds(T0 + 8 * DAY) };
    await monitor.checkNow();
    expect((await h.channels.get('PAGE_1')).status).toBe('active');
  });

  it.each([
    [460, 'revoked', /password/],
    [458, 'revoked', /removed/],
    [492, 'revoked', /role/],
    [463, 'expired', /expired/],
  ])('maps an invalid token with subcode %s to %s', async (subcode, status, reason) => {
    const { monitor, events, h } = await setup();
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      is_valid: false,
      error: { code: 190, subcode, message: 'invalid' },
    };
    await monitor.checkNow();
    expect(await h.channels.get('PAGE_1')).toMatchObject({
      status,
      statusReason: expect.stringMatching(reason),
    });
    expect(events).toEqual([`active->${status}`]);
  });

  it('reports missing permissions by name', async () => {
    const { monitor, h } = await setup();
    env.meta.tokenInfo = { ...env.meta.tokenInfo, scopes: ['pages_manage_metadata'] };
    await monitor.checkNow();
    expect(await h.channels.get('PAGE_1')).toMatchObject({
      status: 'missing_permissions',
      missingPermissions: ['pages_messaging'],
      statusReason: 'Permission removed: pages_messaging',
    });
  });

  it('treats a granular scope limited to other pages as missing', async () => {
    const { monitor, h } = await setup();
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      granular_scopes: [{ scope: 'pages_messaging', target_ids: ['OTHER_PAGE'] }],
    };
    await monitor.checkNow();
    expect((await h.channels.get('PAGE_1')).missingPermissions).toEqual(['pages_messaging']);
  });

  it('detects a dropped webhook subscription and repairs it', async () => {
    const { monitor, events, h } = await setup();
    env.meta.subscribed = false;
    const [result] = await monitor.checkNow();
    expect(result).toMatchObject({ resubscribed: true, channel: { status: 'active' } });
    expect(env.meta.subscribed).toBe(true);
    expect(events).toEqual(['active->active (resubscribed)']);
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel }) => statuses.push(channel.status));
    env.meta.subscribed = false;
    await monitor.checkNow();
    expect(statuses).toEqual(['unsubscribed', 'active']);
  });

  it('leaves a dropped subscription unsubscribed when repair is off, and the resubscribe action repairs it', async () => {
    const h = await harness(env.standin, { channels: { repairSubscriptions: false } });
    env.meta.subscribed = false;
    const monitor = createTokenMonitor({ channels: h.channels, setTimer: () => () => {} });
    await monitor.checkNow();
    expect((await h.channels.get('PAGE_1')).status).toBe('unsubscribed');
    expect(env.meta.subscribed).toBe(false);
    await h.channels.action('PAGE_1', { action: 'resubscribe' });
    expect((await h.channels.get('PAGE_1')).status).toBe('active');
    expect(env.meta.subscribed).toBe(true);
  });

  it('skips deactivated, disconnected and blocked channels', async () => {
    const { monitor, h } = await setup();
    await h.store.channels.put({ ...(await h.store.channels.get('PAGE_1'))!, status: 'deactivated' });
    env.meta.tokenInfo = { ...env.meta.tokenInfo, is_valid: false, error: { code: 190, subcode: 460 } };
    await monitor.checkNow();
    expect((await h.channels.get('PAGE_1')).status).toBe('deactivated');
    expect(env.standin.requests.filter((r) => r.path === 'debug_token')).toHaveLength(0);
  });

  it('flips the channel when subscribed_apps answers 190', async () => {
    const { monitor, h } = await setup();
    env.standin.handle((r) =>
      r.path === 'debug_token'
        ? { json: { data: env.meta.tokenInfo } }
        : { status: 400, json: metaError(190, 467, 'Invalid OAuth access token') },
    );
    const errors: string[] = [];
    monitor.on('error', ({ error }) => errors.push(error.name));
    await monitor.checkNow();
    expect(errors).toEqual(['TokenError']);
    expect((await h.channels.get('PAGE_1')).status).toBe('revoked');
  });

  it('reports a failed check as an error event and keeps the status', async () => {
    const { monitor, h } = await setup();
    env.standin.handle(() => ({ status: 400, json: metaError(100, undefined, 'boom') }));
    const errors: string[] = [];
    monitor.on('error', ({ channelId }) => errors.push(channelId ?? ''));
    await monitor.checkNow();
    expect(errors).toEqual(['PAGE_1']);
    expect((await h.channels.get('PAGE_1')).status).toBe('active');
  });

  it('checks at start and then on every interval until stopped', async () => {
    const { monitor, timers } = await setup();
    monitor.start();
    expect(monitor.running).toBe(true);
    await monitor.checkNow();
    const debugCalls = () => env.standin.requests.filter((r) => r.path === 'debug_token').length;
    expect(debugCalls()).toBe(1);
    expect(timers.map((t) => t.ms)).toEqual([6 * 60 * 60 * 1000]);
    timers[0]!.callback();
    await monitor.checkNow();
    // Let the re-scheduling `finally` run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(debugCalls()).toBe(2);
    expect(timers).toHaveLength(2);
    monitor.stop();
    expect(timers[1]!.cancelled).toBe(true);
    expect(monitor.running).toBe(false);
  });

  it('validates its options', () => {
    expect(() =>
      createTokenMonitor({ channels: { list: async () => [], check: async () => never() }, interval: 0 }),
    ).toThrow(ValidationError);
  });
});

function never(): never {
  throw new Error('not called');
}

describe('createTokenMonitor with a lease and pruning (several servers)', () => {
  // A lease shared by the monitors of several "servers", as an advisory lock would be.
  function sharedLease() {
    let holder: object | undefined;
    return (fail = { now: false }) => {
      const me = {};
      return {
        acquire: async () => {
          if (fail.now) throw new Error('database unreachable');
          holder ??= me;
          return holder === me;
        },
        release: async () => {
          if (holder === me) holder = undefined;
        },
      };
    };
  }

  function server(leaseOf: ReturnType<typeof sharedLease>, fail = { now: false }) {
    const timers: Array<{ callback: () => void; ms: number; cancelled: boolean }> = [];
    const checks: string[] = [];
    const prunes: number[] = [];
    const monitor = createTokenMonitor({
      channels: {
        list: async () => [],
        check: async () => never(),
      },
      interval: 6 * 60 * 60 * 1000,
      leaseRetry: 60_000,
      lease: leaseOf(fail),
      prune: {
        store: {
          prune: async ({ olderThan }) => {
            prunes.push(olderThan);
            return { events: 2, waiting: 1 };
          },
        },
        keepFor: DAY,
        now: () => T0,
      },
      setTimer: (callback, ms) => {
        const timer = { callback, ms, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    });
    monitor.on('error', ({ error }) => checks.push(`error: ${error.message}`));
    return { monitor, timers, prunes, checks };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('runs the checks and the pruning on one server only; another takes over when it stops', async () => {
    const leaseOf = sharedLease();
    const a = server(leaseOf);
    const b = server(leaseOf);
    const pruned: unknown[] = [];
    a.monitor.on('pruned', (report) => pruned.push(report));
    a.monitor.start();
    await settle();
    b.monitor.start();
    await settle();
    expect([a.monitor.leading, b.monitor.leading]).toEqual([true, false]);
    expect(a.prunes).toEqual([T0 - DAY]);
    expect(pruned).toEqual([{ events: 2, waiting: 1 }]);
    expect(b.prunes).toEqual([]);
    // The leader comes back after an interval, the other tries the lease every leaseRetry.
    expect(a.timers.map((t) => t.ms)).toEqual([6 * 60 * 60 * 1000]);
    expect(b.timers.map((t) => t.ms)).toEqual([60_000]);
    a.monitor.stop();
    await settle();
    b.timers[0]!.callback();
    await settle();
    expect(b.monitor.leading).toBe(true);
    expect(b.prunes).toEqual([T0 - DAY]);
    expect(b.timers.map((t) => t.ms)).toEqual([60_000, 6 * 60 * 60 * 1000]);
    b.monitor.stop();
  });

  it('a lease that cannot be reached counts as not held, and is reported', async () => {
    const fail = { now: true };
    const a = server(sharedLease(), fail);
    a.monitor.start();
    await settle();
    expect(a.monitor.leading).toBe(false);
    expect(a.prunes).toEqual([]);
    expect(a.checks).toEqual(['error: database unreachable']);
    fail.now = false;
    a.timers[0]!.callback();
    await settle();
    expect(a.monitor.leading).toBe(true);
    a.monitor.stop();
  });

  it('validates leaseRetry and prune', () => {
    const channels = { list: async () => [], check: async () => never() };
    expect(() => createTokenMonitor({ channels, leaseRetry: 0 })).toThrow(/leaseRetry/);
    expect(() => createTokenMonitor({ channels, prune: { store: {} } })).toThrow(/prune\.store/);
    expect(() =>
      createTokenMonitor({
        channels,
        prune: { store: { prune: async () => ({ events: 0, waiting: 0 }) }, keepFor: -1 },
      }),
    ).toThrow(/keepFor/);
  });
});
