import { createHash } from 'node:crypto';

// Reusable attachment ids (docs/meta-platform.md): private to the page that uploaded them and valid 90
// days. Keyed by page + content hash, so the same file sent to many customers is uploaded once.

/** Attachment ids expire after 90 days (Meta, Apr 2026); re-upload a day early to avoid sending a dying id. */
export const ATTACHMENT_ID_TTL_MS = 89 * 24 * 60 * 60 * 1000;

/** Where reusable attachment ids live; plug a shared cache (Redis...) when several processes send. */
export interface AttachmentCache {
  /** The id, or undefined when unknown or expired. */
  get(pageId: string, contentHash: string): Promise<string | undefined>;
  set(pageId: string, contentHash: string, attachmentId: string): Promise<void>;
  /** Forget an id Meta rejected (100/2018074). */
  delete(pageId: string, contentHash: string): Promise<void>;
}

/**
 * An in-memory {@link AttachmentCache} with a TTL under Meta's 90 days and a size bound (oldest
 * entries go first).
 *
 * @example
 * const cache = memoryAttachmentCache({ now: () => clock.now() });
 * createChannels({ ..., attachmentCache: cache });
 */
export function memoryAttachmentCache(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): AttachmentCache {
  const ttlMs = options.ttlMs ?? ATTACHMENT_ID_TTL_MS;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { attachmentId: string; storedAt: number }>();
  const key = (pageId: string, hash: string) => `${pageId}\u0000${hash}`;
  return {
    async get(pageId, contentHash) {
      const k = key(pageId, contentHash);
      const entry = entries.get(k);
      if (!entry) return undefined;
      if (now() - entry.storedAt >= ttlMs) {
        entries.delete(k);
        return undefined;
      }
      return entry.attachmentId;
    },
    async set(pageId, contentHash, attachmentId) {
      const k = key(pageId, contentHash);
      entries.delete(k);
      entries.set(k, { attachmentId, storedAt: now() });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    async delete(pageId, contentHash) {
      entries.delete(key(pageId, contentHash));
    },
  };
}

/**
 * The default content key of an outbound file: a SHA-256 over its URL, size, type and name. Hosts
 * whose upload URLs are not content-addressed can pass `hashAttachment` to `createChannels` (e.g. a
 * hash of the bytes they stored).
 */
export function defaultAttachmentHash(file: {
  url?: string;
  size: number;
  type: string;
  name: string;
}): string {
  return createHash('sha256')
    .update(`${file.url ?? ''}\n${file.size}\n${file.type}\n${file.name}`)
    .digest('hex');
}
