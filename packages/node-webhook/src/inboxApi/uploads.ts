import { parseOrThrow, readCapped, SNIFF_BYTES, storedMediaType, ValidationError } from '@pagedesk/core';
import { LRUCache } from 'lru-cache';
import * as z from 'zod/mini';
import { BodyTooLargeError } from '../nodeAdapter.js';

/**
 * What {@link UploadStore.put} receives: the bytes as a stream, with the name the agent gave and the
 * type the bytes show (the browser's declared type only when the bytes confirm it or have no signature).
 */
export interface UploadInput {
  /** An unguessable id chosen by the API; the store keeps the file under it. */
  id: string;
  /** The file name, already cleaned of path separators and control characters. */
  name: string;
  /**
   * The MIME type, e.g. `image/png`, sniffed from the first bytes (`storedMediaType`): a file declared
   * `image/png` whose bytes are an executable arrives here as `application/x-msdownload`.
   */
  type: string;
  /** The bytes; already capped at the API's `maxUploadBytes` (the stream errors past it). */
  body: ReadableStream<Uint8Array>;
  /** The declared Content-Length, when the client sent one. */
  size?: number;
  /**
   * The organisation of the principal who uploaded it. Keep it and return it from `get`: a send may
   * attach only its own organisation's uploads, so a store that drops it refuses every multi-tenant send.
   */
  organizationId?: string;
}

/** A stored file as {@link UploadStore.get} returns it. */
export interface StoredUpload {
  name: string;
  type: string;
  size: number;
  /** The organisation that uploaded it ({@link UploadInput.organizationId}). */
  organizationId?: string;
  body: Uint8Array | ReadableStream<Uint8Array>;
}

/**
 * Where agents' uploads live until Meta fetches them. The default keeps them in memory
 * ({@link memoryUploadStore}); implement this to keep them in S3, a disk or a database.
 *
 * @example
 * const s3Uploads: UploadStore = {
 *   async put({ id, name, type, body, organizationId }) {
 *     const size = await putObject(`uploads/${id}`, body, { contentType: type, metadata: { name, organizationId } });
 *     return { size };
 *   },
 *   async get(id) {
 *     const object = await getObject(`uploads/${id}`);
 *     return object && { ...object.metadata, type: object.contentType, size: object.size, body: object.body };
 *   },
 * };
 */
export interface UploadStore {
  /** Stores the bytes under `input.id`; resolves with the stored size. Rejects to refuse (e.g. too large). */
  put(input: UploadInput): Promise<{ size: number }>;
  /** The file, or undefined when it is unknown or expired. */
  get(id: string): Promise<StoredUpload | undefined>;
}

/** Options of {@link memoryUploadStore}. */
export interface MemoryUploadStoreOptions {
  /** Largest file in bytes. Default 25 MiB (Meta's largest attachment). */
  maxFileBytes?: number;
  /** All files together; the least recently used are evicted past it. Default 256 MiB. */
  maxTotalBytes?: number;
  /** How long a file stays fetchable. Default 24 h, long enough for a failed send to be retried. */
  ttlMs?: number;
}

const MiB = 1024 * 1024;

const memoryOptionsSchema = z.object({
  maxFileBytes: z.optional(z.number().check(z.int(), z.positive())),
  maxTotalBytes: z.optional(z.number().check(z.int(), z.positive())),
  ttlMs: z.optional(z.number().check(z.int(), z.positive())),
});

interface MemoryEntry {
  name: string;
  type: string;
  bytes: Uint8Array;
  organizationId: string | undefined;
}

/**
 * An in-memory {@link UploadStore} with a per-file cap, a total byte cap (least recently used files
 * evicted first) and a time to live. Fits one server process; with several processes behind a load
 * balancer, Meta's fetch may reach another process, so use a shared store there.
 *
 * @example
 * createInboxApi({ inbox, channels, uploads: memoryUploadStore({ maxTotalBytes: 512 * 1024 * 1024 }) });
 */
export function memoryUploadStore(options: MemoryUploadStoreOptions = {}): UploadStore {
  const parsed = parseOrThrow(memoryOptionsSchema, options, 'memoryUploadStore options');
  const maxFileBytes = parsed.maxFileBytes ?? 25 * MiB;
  const maxTotalBytes = parsed.maxTotalBytes ?? 256 * MiB;
  if (maxFileBytes > maxTotalBytes) {
    throw new ValidationError('memoryUploadStore options', [
      { path: 'maxFileBytes', message: 'must not exceed maxTotalBytes' },
    ]);
  }
  const cache = new LRUCache<string, MemoryEntry>({
    maxSize: maxTotalBytes,
    maxEntrySize: maxFileBytes,
    sizeCalculation: (entry) => Math.max(1, entry.bytes.byteLength),
    ttl: parsed.ttlMs ?? 24 * 60 * 60 * 1000,
  });
  return {
    async put({ id, name, type, body, size, organizationId }) {
      if (size !== undefined && size > maxFileBytes) {
        await body.cancel().catch(() => {});
        throw new BodyTooLargeError(maxFileBytes);
      }
      const bytes = await readCapped(body, maxFileBytes);
      if (!bytes) throw new BodyTooLargeError(maxFileBytes);
      cache.set(id, { name, type, bytes, organizationId });
      return { size: bytes.byteLength };
    },
    async get(id) {
      const entry = cache.get(id);
      if (!entry) return undefined;
      return {
        name: entry.name,
        type: entry.type,
        size: entry.bytes.byteLength,
        body: entry.bytes,
        ...(entry.organizationId === undefined ? {} : { organizationId: entry.organizationId }),
      };
    },
  };
}

// RFC 7231 media type: type "/" subtype, tokens only. Parameters are dropped: Meta and browsers
// only need the essence, and a stored charset from an agent's browser is not worth trusting.
const mediaTypePattern = /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}$/;

/** The essence of a Content-Type header, or `application/octet-stream` when absent or malformed. */
export function cleanMediaType(header: string | null): string {
  const essence = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaTypePattern.test(essence) ? essence : 'application/octet-stream';
}

/**
 * The file name from `X-File-Name`. Headers are Latin-1 only, so clients send
 * `encodeURIComponent(name)`; a name that is not percent-encoded is taken as it is. Path parts,
 * control characters and quotes are removed, and the name is cut to 200 characters.
 */
export function cleanFileName(header: string | null): string {
  let name = header ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded: keep the raw value.
  }
  name = name
    .split(/[\\/]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  if (name === '' || name === '.' || name === '..') return 'file';
  return Array.from(name).slice(0, 200).join('');
}

/** A Content-Disposition that every browser reads safely: ASCII fallback plus RFC 5987 UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** 128 random bits, URL-safe: the only thing that guards an upload, since Meta fetches it without auth. */
export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Buffer.from(bytes).toString('base64url');
}

/** Reads up to `count` bytes from the front of a stream; returns them and a stream of every byte. */
async function peek(
  body: ReadableStream<Uint8Array>,
  count: number,
): Promise<{ head: Uint8Array; body: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < count) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  const head = new Uint8Array(Math.min(size, count));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= head.length) break;
    head.set(chunk.subarray(0, head.length - offset), offset);
    offset += Math.min(chunk.byteLength, head.length - offset);
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head, body: rest };
}

/**
 * Stores an agent's upload with the facts the server can vouch for: the type the first bytes show
 * (`storedMediaType`) and the byte count it streamed itself, never the browser's Content-Type or
 * Content-Length.
 */
export async function receiveUpload(
  uploads: UploadStore,
  input: Omit<UploadInput, 'type'> & { declaredType: string },
): Promise<{ type: string; size: number }> {
  const { declaredType, body: raw, ...rest } = input;
  const { head, body } = await peek(raw, SNIFF_BYTES);
  const type = storedMediaType(declaredType, head);
  let counted = 0;
  const counting = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        counted += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const { size } = await uploads.put({ ...rest, type, body: counting });
  // A store that returned before reading everything (or lied) does not decide the size.
  return { type, size: counted === 0 ? size : counted };
}
