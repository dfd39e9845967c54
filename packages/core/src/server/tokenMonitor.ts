import { EventEmitter } from 'eventemitter3';
import { toPagedeskError, ValidationError } from '../errors.js';
import type { Channel } from '../model.js';
import type { ChannelCheck, ServerChannels } from './channels.types.js';
import { unrefTimer } from './unrefTimer.js';

// Token health on a schedule: debug_token and subscribed_apps for every channel, so an admin hears
// "the connection expires in 5 days" before the page goes silent. Timers are injectable.

const HOUR = 60 * 60 * 1000;

/** What the token monitor emits. */
export interface TokenMonitorEvents {
  /** A channel's status changed during a check (expiring, expired, revoked, missing_permissions, unsubscribed...). */
  'token:status': (payload: { channel: Channel; previous: Channel['status']; resubscribed: boolean }) => void;
  /** One channel could not be checked (network, rate limit); the others still were. */
  error: (payload: { error: Error; channelId?: string }) => void;
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
}

/** Checks every channel's token and subscription on a schedule. */
export interface TokenMonitor {
  /** Checks now, then every `interval`. */
  start(): void;
  stop(): void;
  /** Checks every channel once (a check already running is joined, not doubled). */
  checkNow(): Promise<ChannelCheck[]>;
  readonly running: boolean;
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
  const setTimer = options.setTimer ?? unrefTimer;
  const emitter = new EventEmitter<TokenMonitorEvents>();
  let cancel: (() => void) | undefined;
  let running = false;
  let current: Promise<ChannelCheck[]> | undefined;

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

  function schedule() {
    cancel = setTimer(() => {
      if (!running) return;
      void checkNow().finally(() => {
        if (running) schedule();
      });
    }, interval);
  }

  return {
    start() {
      if (running) return;
      running = true;
      void checkNow();
      schedule();
    },
    stop() {
      running = false;
      cancel?.();
      cancel = undefined;
    },
    checkNow,
    get running() {
      return running;
    },
    on(event, listener) {
      emitter.on(event, listener as never);
      return () => {
        emitter.off(event, listener as never);
      };
    },
  };
}
