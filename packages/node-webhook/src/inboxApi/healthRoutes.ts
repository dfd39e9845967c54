import type { Store } from '@pagedesk/core';
import type { LiveFanout } from './liveEvents.js';
import type { Handler } from './routes.js';

// `GET /health` for load balancers and monitors: reachable without a principal, so it says only what
// an operator needs (is the store answering, is the fan-out connected, how many live streams) and
// nothing about any organisation.

/** How long the health probe waits for the store, in ms: a stalled database reads as unreachable. */
const STORE_PROBE_MS = 1000;
/** An id no webhook event has: the probe reads the processed-events index and finds nothing. */
const PROBE_ID = 'pagedesk:health-probe';

/** The body of `GET /health`. */
export interface HealthReport {
  /** `ok` when the store answers and the fan-out (if shared) is connected; otherwise `degraded` (503). */
  status: 'ok' | 'degraded';
  store: 'ok' | 'unreachable';
  /** `in_process` for the default fan-out; a shared one (Redis) is `connected` or `disconnected`. */
  fanout: 'in_process' | 'connected' | 'disconnected';
  /** Live event streams (SSE) this server holds open. */
  liveConnections: number;
}

function probeStore(store: Store): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, STORE_PROBE_MS, false);
  });
  const probe = Promise.resolve()
    .then(() => store.events.has(PROBE_ID))
    .then(
      () => true,
      () => false,
    );
  return Promise.race([probe, bound]).finally(() => clearTimeout(timer));
}

/** The `health` route; probes arriving together share one store probe. */
export function healthRoutes(
  store: Store,
  fanout: LiveFanout,
  liveConnections: () => number,
): { health: Handler } {
  let probing: Promise<boolean> | undefined;
  return {
    health: {
      access: 'public',
      async run() {
        probing ??= probeStore(store).finally(() => {
          probing = undefined;
        });
        const storeOk = await probing;
        const fanoutState =
          fanout.connected === undefined ? 'in_process' : fanout.connected ? 'connected' : 'disconnected';
        const report: HealthReport = {
          status: storeOk && fanoutState !== 'disconnected' ? 'ok' : 'degraded',
          store: storeOk ? 'ok' : 'unreachable',
          fanout: fanoutState,
          liveConnections: liveConnections(),
        };
        return Response.json(report, {
          status: report.status === 'ok' ? 200 : 503,
          headers: { 'cache-control': 'no-store' },
        });
      },
    },
  };
}
