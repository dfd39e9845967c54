import { EventEmitter } from 'eventemitter3';
import { toPagedeskError, ValidationError } from '../errors.js';
import type { Channel } from '../model.js';
import type { Lease, PruneReport, Store } from '../store.js';
import type { ChannelCheck, ServerChannels } from './channels.types.js';
import { unrefTimer } from './unrefTimer.js';

// Token health on a schedule: debug_token and subscribed_apps for every channel, so an admin hears
// "the connection expires in 5 days" before the page goes silent. Timers are injectable.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** What the token monitor emits. */
export interface TokenMonitorEvents {
  /** A channel's status changed during a check (expiring, expired, revoked, missing_permissions, unsubscribed...). */
  'token:status': (payload: { channel: Channel; previous: Channel['status']; resubscribed: boolean }) => void;
  /** One channel could not be checked (network, rate limit), the lease or the pruning failed. */
  error: (payload: { error: Error; channelId?: string }) => void;
  /** A scheduled run pruned the store ({@link TokenMonitorOptions.prune}). */
  pruned: (report: PruneReport) => void;
  /** This process took (`true`) or lost (`false`) the lease ({@link TokenMonitorOptions.lease}). */
  leader: (leading: boolean) => void;
}

/** Options of {@link createTokenMonitor}. */
export interface TokenMonitorOptions {
  channels: Pick<ServerChannels, 'list' | 'check'>;
  /** `expiring` starts this long before the token or data access ends; default 7 days. */
  warnBefore?: number;
  /** Time between checks; default 6 h (Meta recommends at least daily). */
  interval?: number;
  /** Schedules the next check; returns a cancel function. Default `setTimeout` (unref'd). */
  setTimer?: (callback: () => void, ms: number) => () => void;
  /**
   * With several servers: only the holder of this lease runs the scheduled checks and pruning, so Meta
   * is asked once per interval, not once per server. Give `store.lease('token-monitor')` of a shared
   * store (`@pagedesk/store-postgres`: an advisory lock that passes to another server when the holder
   * dies). `checkNow()` called by hand runs regardless.
   */
  lease?: Lease;
  /** How often a server that does not hold the lease tries to take it, in ms; default 1 min. */
  leaseRetry?: number;
  /**
   * Prunes what only grows (`store.prune`) on each scheduled run: processed event ids and waiting
   * effects older than `keepFor` ms (default 7 days; keep it well past Meta's retries of a delivery).
   */
  prune?: { store: Pick<Store, 'prune'>; keepFor?: number; now?: () => number };
}

/** Checks every channel's token and subscription on a schedule. */
export interface TokenMonitor {
  /** Checks now, then every `interval`. */
  start(): void;
  stop(): void;
  /** Checks every channel once (a check already running is joined, not doubled). */
  checkNow(): Promise<ChannelCheck[]>;
  readonly running: boolean;
  /** True while this process holds the lease (always true without one, once started). */
  readonly leading: boolean;
  on<TEvent extends keyof TokenMonitorEvents>(
    event: TEvent,
    listener: TokenMonitorEvents[TEvent],
  ): () => void;
}

/**
 * Creates the token monitor over `createChannels()`: each run calls `channels.check` for every
 * channel (debug_token with the app token, then subscribed_apps) and emits `token:status` for each
 * change, which a host can turn into an email to the admin.
 *
 * @example
 * const monitor = createTokenMonitor({ channels, warnBefore: 7 * 86_400_000, interval: 6 * 3_600_000 });
 * monitor.on('token:status', ({ channel }) => mailAdmin(channel));
 * monitor.start();
 */
export function createTokenMonitor(options: TokenMonitorOptions): TokenMonitor {
  const interval = options.interval ?? 6 * HOUR;
  if (!(interval > 0))
    throw new ValidationError('token monitor options', [
      { path: 'interval', message: 'must be greater than 0' },
    ]);
  if (options.warnBefore !== undefined && !(options.warnBefore >= 0))
    throw new ValidationError('token monitor options', [
      { path: 'warnBefore', message: 'must be at least 0' },
    ]);
  const leaseRetry = options.leaseRetry ?? 60_000;
  const keepFor = options.prune?.keepFor ?? 7 * DAY;
  if (
    !(leaseRetry > 0) ||
    !(keepFor > 0) ||
    (options.prune && typeof options.prune.store?.prune !== 'function')
  )
    throw new ValidationError('token monitor options', [
      !(leaseRetry > 0)
        ? { path: 'leaseRetry', message: 'must be greater than 0' }
        : !(keepFor > 0)
          ? { path: 'prune.keepFor', message: 'must be greater than 0' }
          : { path: 'prune.store', message: 'expected a store with prune()' },
    ]);
  const setTimer = options.setTimer ?? unrefTimer;
  const emitter = new EventEmitter<TokenMonitorEvents>();
  let cancel: (() => void) | undefined;
  let running = false;
  let current: Promise<ChannelCheck[]> | undefined;
  let leading = false;

  // Whether this process should run now: it holds the lease (or there is none). A lease that cannot
  // be reached counts as not held, so two servers never both run because the database hiccupped.
  async function lead(): Promise<boolean> {
    let now = true;
    if (options.lease) {
      try {
        now = await options.lease.acquire();
      } catch (error) {
        emitter.emit('error', { error: toPagedeskError(error) });
        now = false;
      }
    }
    if (now !== leading) {
      leading = now;
      emitter.emit('leader', now);
    }
    return now;
  }

  async function prune(): Promise<void> {
    const target = options.prune;
    if (!target?.store.prune) return;
    try {
      const report = await target.store.prune({ olderThan: (target.now ?? Date.now)() - keepFor });
      emitter.emit('pruned', report);
    } catch (error) {
      emitter.emit('error', { error: toPagedeskError(error) });
    }
  }

  // A scheduled run: checks and prunes when leading; says when to come back.
  async function tick(): Promise<number> {
    if (!(await lead())) return leaseRetry;
    await checkNow();
    await prune();
    return interval;
  }

  async function run(): Promise<ChannelCheck[]> {
    const results: ChannelCheck[] = [];
    let list: Channel[];
    try {
      list = await options.channels.list();
    } catch (error) {
      emitter.emit('error', { error: toPagedeskError(error) });
      return results;
    }
    for (const channel of list) {
      try {
        const result = await options.channels.check(
          channel.id,
          options.warnBefore === undefined ? {} : { warnBefore: options.warnBefore },
        );
        results.push(result);
        if (result.channel.status !== channel.status || result.resubscribed)
          emitter.emit('token:status', {
            channel: result.channel,
            previous: channel.status,
            resubscribed: result.resubscribed,
          });
      } catch (error) {
        emitter.emit('error', { error: toPagedeskError(error), channelId: channel.id });
      }
    }
    return results;
  }

  function checkNow(): Promise<ChannelCheck[]> {
    if (current) return current;
    current = run().finally(() => {
      current = undefined;
    });
    return current;
  }

  function schedule(ms: number) {
    cancel = setTimer(() => {
      if (!running) return;
      void tick().then((next) => {
        if (running) schedule(next);
      });
    }, ms);
  }

  return {
    start() {
      if (running) return;
      running = true;
      if (options.lease) {
        // The first run decides whether this process leads, and so when it comes back.
        void tick().then((next) => {
          if (running && cancel === undefined) schedule(next);
        });
        return;
      }
      void tick();
      schedule(interval);
    },
    stop() {
      running = false;
      cancel?.();
      cancel = undefined;
      if (leading && options.lease) {
        leading = false;
        emitter.emit('leader', false);
        options.lease
          .release()
          .catch((error: unknown) => emitter.emit('error', { error: toPagedeskError(error) }));
      }
    },
    checkNow,
    get running() {
      return running;
    },
    get leading() {
      return leading;
    },
    on(event, listener) {
      emitter.on(event, listener as never);
      return () => {
        emitter.off(event, listener as never);
      };
    },
  };
}
