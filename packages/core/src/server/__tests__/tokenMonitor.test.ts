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
