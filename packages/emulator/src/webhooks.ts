import { randomInt } from 'node:crypto';
import { signWebhookBody } from '@pagedesk/core/signing';
import type { ChangeEvent, MessagingEvent } from './wire.js';

// Webhook delivery as Meta does it (docs/meta-platform.md): signed POSTs of the raw JSON body, one
// ordered queue per page, a few retries with short backoff on non-2xx or network failure, then the
// event is dropped and the queue moves on. Every attempt is recorded for assertions.

/** Meta's webhook envelope. */
export interface WebhookPayload {
  object: 'page' | 'instagram';
  entry: Array<{
    id: string;
    time: number;
    messaging?: Array<Record<string, unknown>>;
    /** The same events as `messaging`, for a thread another app holds (handover / conversation routing). */
    standby?: Array<Record<string, unknown>>;
    changes?: Array<{ field: string; value: Record<string, unknown> }>;
  }>;
}

/** One POST attempt of a webhook delivery (or a delivery skipped because nothing would receive it). */
export interface WebhookDelivery {
  /** Shared by the attempts of one delivery. */
  deliveryId: number;
  /** 1 for the first try. */
  attempt: number;
  object: 'page' | 'instagram';
  pageIds: string[];
  url: string | null;
  /** The receiver's HTTP status; null for a network failure, a timeout or a skipped delivery. */
  status: number | null;
  ok: boolean;
  /** Why it failed or was skipped (`no webhook url`, `page not subscribed`, `timeout`, ...). */
  error?: string;
  /** The exact body sent (parsed back into an object). */
  body: WebhookPayload;
  /** The exact raw body string that was signed. */
  rawBody: string;
  /** Real wall-clock time of the attempt (not the emulated clock). */
  at: number;
}

/** One webhook item waiting for delivery: a `messaging[]` event or a `changes[]` item of a page. */
export interface QueuedEvent {
  pageId: string;
  object: 'page' | 'instagram';
  time: number;
  messaging?: MessagingEvent;
  /** Delivered in `standby[]` rather than `messaging[]`: another app held the customer's thread. */
  standby?: boolean;
  change?: ChangeEvent;
}

export interface DeliveryOutcome {
  ok: boolean;
  deliveryId: number;
  attempts: number;
  status: number | null;
}

interface Pending {
  event: QueuedEvent;
  resolve: (outcome: DeliveryOutcome) => void;
}

export interface WebhookSettings {
  attempts: number;
  backoffMs: number[];
  timeoutMs: number;
  batchSize: number;
  sha1: boolean;
}

/**
 * Serialises like Meta: non-ASCII characters as lowercase `\uXXXX` escapes and `/` as `\/`, so a
 * receiver that re-serialises the JSON instead of verifying the raw bytes fails, as it would in
 * production.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, Pending[]>();
  private readonly running = new Set<string>();
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<DeliveryOutcome>>();
  private readonly closing = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  url: string | null;

  constructor(
    url: string | null,
    private readonly appSecret: string,
    private readonly settings: WebhookSettings,
    private readonly isSubscribed: (pageId: string) => boolean,
    private readonly onDelivery: (delivery: WebhookDelivery) => void,
    /** A page whose webhooks another app secret signs (an Instagram-Login account: the Instagram app's). */
    private readonly secretFor: (pageId: string) => string | undefined = () => undefined,
  ) {
    this.url = url;
  }

  /** Queues one event; resolves when its delivery finished (delivered, failed after retries, or skipped). */
  enqueue(event: QueuedEvent): Promise<DeliveryOutcome> {
    let resolve!: (outcome: DeliveryOutcome) => void;
    const promise = new Promise<DeliveryOutcome>((r) => {
      resolve = r;
    });
    if (this.closing.signal.aborted) {
      resolve({ ok: false, deliveryId: 0, attempts: 0, status: null });
      return promise;
    }
    this.inFlight.add(promise);
    void promise.then(() => this.inFlight.delete(promise));
    const queue = this.queues.get(event.pageId) ?? [];
    queue.push({ event, resolve });
    this.queues.set(event.pageId, queue);
    if (!this.running.has(event.pageId)) {
      this.running.add(event.pageId);
      // Let the caller finish queuing related events first (so batching can see them).
      setImmediate(() => void this.drain(event.pageId));
    }
    return promise;
  }

  deliveries(): WebhookDelivery[] {
    return [...this.log];
  }

  /** Resolves once every queued event has been delivered, failed or skipped. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const [pageId, queue] of this.queues) {
      for (const pending of queue.splice(0)) {
        pending.resolve({ ok: false, deliveryId: 0, attempts: 0, status: null });
      }
      this.queues.delete(pageId);
    }
  }

  private async drain(pageId: string): Promise<void> {
    try {
      const queue = this.queues.get(pageId);
      while (queue && queue.length > 0 && !this.closing.signal.aborted) {
        const first = queue[0]!;
        const batch: Pending[] = [];
        // One POST carries events of one object type only (page or instagram).
        while (
          batch.length < this.settings.batchSize &&
          queue[0] &&
          queue[0].event.object === first.event.object
        ) {
          batch.push(queue.shift()!);
        }
        const outcome = await this.deliver(batch.map((p) => p.event));
        for (const pending of batch) pending.resolve(outcome);
      }
      // Closed mid-way: nothing more will be sent, but every caller gets its answer.
      for (const pending of queue?.splice(0) ?? []) {
        pending.resolve({ ok: false, deliveryId: 0, attempts: 0, status: null });
      }
    } finally {
      this.running.delete(pageId);
    }
  }

  private async deliver(events: QueuedEvent[]): Promise<DeliveryOutcome> {
    const first = events[0]!;
    const body: WebhookPayload = {
      object: first.object,
      entry: events.map((e) => ({
        id: e.pageId,
        time: e.time,
        ...(e.messaging ? { [e.standby ? 'standby' : 'messaging']: [e.messaging] } : {}),
        ...(e.change ? { changes: [e.change] } : {}),
      })),
    };
    const rawBody = metaJson(body);
    const deliveryId = this.nextId++;
    const pageIds = [...new Set(events.map((e) => e.pageId))];
    const secret = this.secretFor(first.pageId) ?? this.appSecret;
    const base = { deliveryId, object: first.object, pageIds, body, rawBody };
    const url = this.url;
    const skip = !url
      ? 'no webhook url'
      : pageIds.every((id) => !this.isSubscribed(id))
        ? 'page not subscribed'
        : null;
    if (skip || !url) {
      this.record({
        ...base,
        attempt: 1,
        url,
        status: null,
        ok: false,
        error: skip ?? 'no webhook url',
        at: Date.now(),
      });
      return { ok: false, deliveryId, attempts: 0, status: null };
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': signWebhookBody(rawBody, secret),
    };
    if (this.settings.sha1) headers['x-hub-signature'] = signWebhookBody(rawBody, secret, 'sha1');
    let status: number | null = null;
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      if (this.closing.signal.aborted) break;
      const at = Date.now();
      let error: string | undefined;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body: rawBody,
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.settings.timeoutMs)]),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.status < 200 || response.status > 299) error = `HTTP ${response.status}`;
      } catch (cause) {
        status = null;
        error =
          cause instanceof Error && cause.name === 'TimeoutError' ? 'timeout' : `network: ${describe(cause)}`;
      }
      const ok = error === undefined;
      this.record({ ...base, attempt, url, status, ok, ...(error === undefined ? {} : { error }), at });
      if (ok) return { ok, deliveryId, attempts: attempt, status };
      if (attempt < this.settings.attempts) {
        const backoff = this.settings.backoffMs;
        await this.sleep(backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 0);
      }
    }
    return { ok: false, deliveryId, attempts: this.settings.attempts, status };
  }

  private record(delivery: WebhookDelivery): void {
    this.log.push(delivery);
    // Bounded memory for long-running CLI sessions.
    if (this.log.length > 5000) this.log.splice(0, this.log.length - 5000);
    this.onDelivery(delivery);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
      this.closing.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}

/** Result of Meta's GET verification handshake against the webhook URL. */
export interface VerificationResult {
  ok: boolean;
  status: number | null;
  challenge: string;
  body: string;
}

/**
 * Performs Meta's `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` handshake; it passes
 * when the receiver answers 200 with the challenge as the body.
 */
export async function verifyWebhook(
  url: string,
  verifyToken: string,
  timeoutMs = 10_000,
): Promise<VerificationResult> {
  const challenge = String(randomInt(1, 2 ** 31 - 1));
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return {
      ok: response.status === 200 && body.trim() === challenge,
      status: response.status,
      challenge,
      body,
    };
  } catch (cause) {
    return { ok: false, status: null, challenge, body: describe(cause) };
  }
}
