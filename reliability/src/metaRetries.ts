import { signWebhookBody } from '@pagedesk/core/testing';
import type { MetaWebhookBody } from '@pagedesk/node-webhook/meta';

// Meta's side of a webhook under faults: every delivery is posted to one of the servers and, until it
// is answered 200, posted again (to the next server, as a load balancer would route the retry) after a
// short pause. Bounded in attempts and time; every answer and its duration is kept.

/** The demo's emulator-mode app secret. */
export const DEMO_APP_SECRET = 'demo-app-secret-change-me';
/** Meta gives up on a delivery after this long. */
export const META_TIMEOUT_MS = 20_000;
/** What Meta asks for: an answer within 5 seconds. */
export const META_BUDGET_MS = 5000;

export interface Delivery {
  body: string;
  signature: string;
  mids: string[];
}

/** Signed `page` deliveries of `count` text messages (1 to 3 per delivery), mids `<prefix>_<n>`. */
export function deliveries(pageId: string, prefix: string, count: number, psids = 20): Delivery[] {
  const start = Date.UTC(2026, 10, 22, 9) + Math.floor(Math.random() * 1e9);
  const out: Delivery[] = [];
  for (let i = 0; i < count; ) {
    const size = Math.min(1 + (i % 3), count - i);
    const messages = Array.from({ length: size }, (_, k) => ({
      psid: `8100000000${String((i + k) % psids).padStart(3, '0')}`,
      mid: `${prefix}_${i + k}`,
      timestamp: start + (i + k) * 1000,
    }));
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: messages[0]!.timestamp,
          messaging: messages.map((m) => ({
            sender: { id: m.psid },
            recipient: { id: pageId },
            timestamp: m.timestamp,
            message: { mid: m.mid, text: `text of ${m.mid}` },
          })),
        },
      ],
    } satisfies MetaWebhookBody);
    out.push({ body, signature: signWebhookBody(body, DEMO_APP_SECRET), mids: messages.map((m) => m.mid) });
    i += size;
  }
  return out;
}

export interface Answer {
  status: number;
  ms: number;
}

export interface RetryRun {
  answers: Answer[];
  /** Deliveries answered 200 in the end. */
  delivered: number;
  /** Deliveries Meta gave up on (never answered 200 within the run's bounds). */
  abandoned: number;
  /** The slowest answer, in ms (a connection error counts as answered when it happened). */
  slowestMs: number;
}

async function postOnce(url: string, d: Delivery): Promise<Answer> {
  const began = performance.now();
  try {
    const response = await fetch(`${url}/webhook`, {
      method: 'POST',
      body: d.body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature },
      signal: AbortSignal.timeout(META_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - began };
  } catch {
    // Refused, reset or timed out: status 0.
    return { status: 0, ms: performance.now() - began };
  }
}

/**
 * Sends every delivery, `concurrency` at a time, each retried until 200 (to the next of `servers()`,
 * which may change while it runs) at most `attempts` times and within `deadlineMs`. `during` runs
 * once `startFaultAfter` deliveries were sent, alongside the rest.
 */
export async function sendWithRetries(
  list: Delivery[],
  servers: () => string[],
  options: {
    concurrency?: number;
    attempts?: number;
    retryAfterMs?: number;
    deadlineMs?: number;
    startFaultAfter?: number;
    during?: () => Promise<void>;
  } = {},
): Promise<RetryRun> {
  const concurrency = options.concurrency ?? 4;
  const attempts = options.attempts ?? 40;
  const retryAfterMs = options.retryAfterMs ?? 500;
  const until = performance.now() + (options.deadlineMs ?? 90_000);
  const answers: Answer[] = [];
  let delivered = 0;
  let abandoned = 0;
  let next = 0;
  let turn = 0;
  let fault: Promise<void> | undefined;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= list.length) return;
      if (index === (options.startFaultAfter ?? -1) && options.during) fault = options.during();
      const d = list[index]!;
      let ok = false;
      for (let attempt = 0; attempt < attempts && performance.now() < until; attempt++) {
        const targets = servers();
        const answer = await postOnce(targets[turn++ % targets.length]!, d);
        answers.push(answer);
        if (answer.status === 200) {
          ok = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      }
      if (ok) delivered++;
      else abandoned++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await fault;
  return { answers, delivered, abandoned, slowestMs: Math.round(Math.max(0, ...answers.map((a) => a.ms))) };
}
