import * as z from 'zod/mini';
import { isPagedeskError, toPagedeskError, ValidationError } from './errors.js';
import type { AttachmentArchive, Inbox } from './inbox.types.js';
import { channelMediaPrefix, type MediaStore, mediaKeySegment } from './mediaStore.js';
import type { Attachment, Customer, Message, Platform } from './model.js';
import { parseOrThrow } from './parseOrThrow.js';
import { readCapped } from './readCapped.js';
import { platformRules, type Rules } from './rules.js';
import { unrefTimer } from './server/unrefTimer.js';
import { extensionFor, sniffContentType } from './sniffMedia.js';

// Meta's attachment URLs are signed CDN links that expire (Instagram's as soon as the story or post
// is gone: https://developers.facebook.com/docs/messenger-platform/instagram/features/webhook), so
// the archiver copies each inbound attachment as it arrives. It listens to `message:created` and only
// queues there, so the webhook answer never waits for a download; a bounded pool of workers fetches,
// retries transient failures with backoff, caps the size by the platform's inbound rules, sniffs the
// type from the bytes, stores the copy and records its URL on the message (Meta's `url` is kept).
// Profile pictures expire the same way: a customer whose profile brought an `avatarUrl` gets an
// `archivedAvatarUrl` beside it.

const ARCHIVED_KINDS = new Set<Attachment['kind']>([
  'image',
  'gif',
  'sticker',
  'story_mention',
  'video',
  'audio',
  'file',
]);
// A signed CDN URL past its expiry answers 403; a removed object 404 or 410.
const GONE = new Set([403, 404, 410]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Options of {@link createMediaArchiver}. */
export interface MediaArchiverOptions {
  inbox: Inbox;
  media: MediaStore;
  /** Downloads at once; default 4. */
  concurrency?: number;
  /** Retries after the first try for network errors, timeouts, 429 and 5xx; default 3. */
  retries?: number;
  /** First backoff delay, doubled each retry; default 1 s. */
  baseDelayMs?: number;
  /** Per download; default 30 s. */
  timeoutMs?: number;
  /** Size caps by attachment kind; default Meta's inbound rules of the conversation's platform. */
  rules?: Rules;
  /**
   * Which attachment URLs may be fetched, asked of the first URL and of every redirect; default any
   * http(s) URL. Webhooks are signed by Meta, but production hosts can narrow this to Meta's CDN hosts
   * (`*.fbcdn.net`, `*.fbsbx.com`, `*.cdninstagram.com`) so a download can never reach an internal address.
   */
  allowUrl?: (url: URL) => boolean;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  /** A copy that could not be made or recorded (never thrown: the message or customer keeps Meta's URL). */
  onError?: (error: Error, context: MediaArchiveErrorContext) => void;
}

/** What a failed copy was of: a message's attachment, or a customer's profile picture. */
export type MediaArchiveErrorContext = { messageId: string; index: number } | { customerId: string };

/** The running archiver. */
export interface MediaArchiver {
  /** Queues every archivable attachment of a message (done for `message:created` already). */
  archive(message: Message, platform?: Platform): void;
  /**
   * Queues a customer's profile picture when it has none archived (done for `customer:created` and
   * `customer:updated` already, so a fetched profile's picture is copied as it arrives).
   */
  archiveAvatar(customer: Customer): void;
  /** Resolves when nothing is queued or downloading. */
  idle(): Promise<void>;
  /** Stops listening; queued jobs are dropped, running ones finish. */
  close(): void;
}

interface Job {
  url: string;
  /** Largest copy in bytes. */
  cap: number;
  /** Where the copy goes, without the extension the sniffed type adds. */
  key: string;
  context: MediaArchiveErrorContext;
  record(outcome: AttachmentArchive): Promise<unknown>;
  /** Called once the job is over, whatever its outcome. */
  settled?: () => void;
}

const optionsSchema = z.object({
  concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(64))),
  retries: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(10))),
  baseDelayMs: z.optional(z.number().check(z.minimum(0))),
  timeoutMs: z.optional(z.number().check(z.minimum(1))),
});

class Transient extends Error {}

function capOf(rules: Rules, kind: Attachment['kind']): number {
  const inbound = rules.attachments.inbound;
  if (kind === 'video') return inbound.video.maxBytes;
  if (kind === 'audio') return inbound.audio.maxBytes;
  if (kind === 'file') return inbound.file.maxBytes;
  return inbound.image.maxBytes;
}

/** FNV-1a of the picture's URL: a new picture gets a new key, so no cache serves the old one. */
function urlHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * Copies each inbound attachment to a `MediaStore` as it arrives and records the copy's URL on the
 * message (`attachment.archivedUrl`), or why there is none (`archiveStatus`: `expired` when Meta's
 * URL is already gone, `too_large`, `failed`), with a `message:updated` the inbox UI follows. It is a
 * separate server-side object rather than an inbox option so the isomorphic inbox stays free of
 * downloads and file systems.
 *
 * @example
 * const inbox = createInbox({ store });
 * const archiver = createMediaArchiver({ inbox, media: fileMediaStore('./media', { publicPath: '/media' }) });
 * // on shutdown:
 * archiver.close();
 * @param options - the inbox, where copies go, and the download policy
 * @returns the archiver
 */
export function createMediaArchiver(options: MediaArchiverOptions): MediaArchiver {
  parseOrThrow(optionsSchema, options, 'media archiver options');
  const { inbox, media } = options;
  const inboxOk = typeof (inbox as Partial<Inbox> | undefined)?.on === 'function';
  if (!inboxOk || typeof (media as Partial<MediaStore> | undefined)?.put !== 'function')
    throw new ValidationError('media archiver options', [
      { path: inboxOk ? 'media' : 'inbox', message: 'required' },
    ]);
  const concurrency = options.concurrency ?? 4;
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => unrefTimer(resolve, ms)));
  const allowUrl = options.allowUrl ?? ((url: URL) => url.protocol === 'https:' || url.protocol === 'http:');
  const allowed = (text: string) => URL.canParse(text) && allowUrl(new URL(text));
  const queue: Job[] = [];
  let running = 0;
  let closed = false;
  let waiters: Array<() => void> = [];

  const report = (error: unknown, job: Job) => {
    try {
      options.onError?.(toPagedeskError(error), job.context);
    } catch {
      // A failing log hook must not stop the archiver.
    }
  };

  /**
   * Fetches `url`, following redirects by hand so `allowUrl` judges every hop: an allowed host that
   * redirects must not lead a download to an address the host refused. Undefined (reported) when a
   * hop is refused or there are too many.
   */
  async function fetchAllowed(url: string, job: Job): Promise<Response | undefined> {
    const signal = AbortSignal.timeout(timeoutMs);
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await doFetch(current, { signal, redirect: 'manual' });
      const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
      if (location === null) return response;
      await response.body?.cancel();
      const next = URL.canParse(location, current) ? new URL(location, current).href : undefined;
      if (next === undefined || !allowed(next)) {
        report(
          new ValidationError('media download', [
            { path: 'url', message: `redirected to a URL allowUrl refuses: ${next ?? location}` },
          ]),
          job,
        );
        return undefined;
      }
      current = next;
    }
    report(
      new ValidationError('media download', [
        { path: 'url', message: `more than ${MAX_REDIRECTS} redirects` },
      ]),
      job,
    );
    return undefined;
  }

  async function download(job: Job): Promise<AttachmentArchive> {
    const { cap } = job;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetchAllowed(job.url, job);
        if (!response) return { archiveStatus: 'failed' };
        if (GONE.has(response.status)) {
          await response.body?.cancel();
          return { archiveStatus: 'expired' };
        }
        if (response.status === 429 || response.status >= 500) {
          await response.body?.cancel();
          throw new Transient(`HTTP ${response.status}`);
        }
        if (!response.ok) {
          await response.body?.cancel();
          return { archiveStatus: 'failed' };
        }
        const declared = Number(response.headers.get('content-length') ?? undefined);
        const bytes = await readCapped(response.body, cap, Number.isFinite(declared) ? declared : undefined);
        if (!bytes) return { archiveStatus: 'too_large' };
        const contentType = sniffContentType(bytes);
        const key = `${job.key}.${extensionFor(contentType)}`;
        return { archivedUrl: await media.put(key, bytes, contentType) };
      } catch (error) {
        // The store's own failures (disk full, bad key) are not the download's: report, do not retry.
        if (isPagedeskError(error)) throw error;
        if (attempt >= retries) {
          report(error, job);
          return { archiveStatus: 'failed' };
        }
        await sleep(baseDelayMs * 2 ** attempt);
      }
    }
  }

  async function run(job: Job): Promise<void> {
    try {
      await job.record(await download(job));
    } catch (error) {
      report(error, job);
    } finally {
      job.settled?.();
    }
  }

  function pump(): void {
    while (!closed && running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void run(job).finally(() => {
        running--;
        pump();
      });
    }
    if (running === 0 && (queue.length === 0 || closed)) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  }

  function archive(message: Message, platform: Platform = 'messenger'): void {
    if (closed || message.direction !== 'inbound' || message.imported) return;
    message.attachments.forEach((attachment, index) => {
      if (!attachment.url || attachment.archivedUrl || !ARCHIVED_KINDS.has(attachment.kind)) return;
      if (!allowed(attachment.url)) return;
      queue.push({
        url: attachment.url,
        cap: capOf(options.rules ?? platformRules(platform), attachment.kind),
        key: `${channelMediaPrefix(message.channelId)}${mediaKeySegment(message.id)}/${index}`,
        context: { messageId: message.id, index },
        record: (outcome) => inbox.recordAttachmentArchive(message.id, index, outcome),
      });
    });
    pump();
  }

  /** Customers whose picture is queued or downloading: `customer:updated` must not queue it twice. */
  const avatarsPending = new Set<string>();
  function archiveAvatar(customer: Customer): void {
    const url = customer.avatarUrl;
    if (closed || !url || customer.archivedAvatarUrl || avatarsPending.has(customer.id)) return;
    if (!allowed(url)) return;
    avatarsPending.add(customer.id);
    queue.push({
      url,
      cap: capOf(options.rules ?? platformRules(customer.platform), 'image'),
      key: `${channelMediaPrefix(customer.channelId)}avatars/${mediaKeySegment(customer.id)}-${urlHash(url)}`,
      context: { customerId: customer.id },
      async record(outcome) {
        // A gone picture has no copy to show: the customer keeps Meta's URL and the UI its initials.
        if (!('archivedUrl' in outcome)) return;
        const { archivedUrl } = outcome;
        const latest = await inbox.store.customers.get(customer.id);
        // Deleted meanwhile, or a newer profile brought another picture: that one is queued itself.
        if (!latest || latest.avatarUrl !== url) return;
        // Cleared first, so the `customer:updated` this causes sees the copy and queues nothing.
        avatarsPending.delete(customer.id);
        await inbox.updateCustomer({ ...latest, archivedAvatarUrl: archivedUrl });
      },
      settled: () => avatarsPending.delete(customer.id),
    });
    pump();
  }

  const unsubscribers = [
    inbox.on('message:created', ({ message, conversation }) => archive(message, conversation.platform)),
    inbox.on('customer:created', ({ customer }) => archiveAvatar(customer)),
    inbox.on('customer:updated', ({ customer }) => archiveAvatar(customer)),
  ];

  return {
    archive,
    archiveAvatar,
    idle: () =>
      running === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    close() {
      closed = true;
      for (const unsubscribe of unsubscribers) unsubscribe();
      queue.length = 0;
      pump();
    },
  };
}
