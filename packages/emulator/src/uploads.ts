import { DAY } from './clock.js';
import { obj, str } from './graphParams.js';
import { type GraphRequest, type GraphResult, ok, type UploadedFile } from './graphTypes.js';
import { invalidParam, MetaError } from './metaError.js';
import { sampleImage } from './samples.js';
import { attachmentLimit } from './sendLimits.js';
import type { EmulatorAttachment } from './types.js';
import type { PageState, Upload, World } from './world.js';

// Attachments the page sends: `POST /{page}/message_attachments` (by URL or a `filedata` part) and the
// attachments of a Send API message, sized against Meta's limits. Uploads live 90 days.
// https://developers.facebook.com/docs/messenger-platform/reference/attachment-upload-api

const MB = 1024 * 1024;
const FETCH_FAILED = 'Failed to fetch the file from the url';
export const ATTACHMENT_TYPES: ReadonlySet<string> = new Set(['image', 'audio', 'video', 'file']);

const tooLarge = () => invalidParam('Attachment size exceeds allowable limit', 2018109);

function remember(world: World, upload: Omit<Upload, 'id' | 'createdAt' | 'expiresAt'>): Upload {
  const id = world.newId(16);
  const now = world.clock.now();
  const stored = { id, ...upload, createdAt: now, expiresAt: now + 90 * DAY };
  if (stored.bytes) stored.url = `${world.baseUrl}/_emulator/media/${id}`;
  world.uploads.set(id, stored);
  return stored;
}

/** An uploaded file, stored and served at `/_emulator/media/{id}`. */
function storeFile(world: World, p: PageState, type: string, file: UploadedFile): Upload {
  if (file.bytes.length > attachmentLimit(p.platform, type, 'upload')) throw tooLarge();
  if (file.bytes.length === 0) throw invalidParam('Upload attachment failure: empty file', 2018047);
  return remember(world, {
    pageId: p.id,
    type,
    size: file.bytes.length,
    url: null,
    bytes: file.bytes,
    mime: file.type || 'application/octet-stream',
  });
}

/** A URL attachment, fetched like Meta does to check its size, and remembered under a new id. */
async function storeUrl(world: World, p: PageState, type: string, url: string): Promise<Upload> {
  const size = await sizeOfUrl(world, type, url);
  if (size !== null && size > attachmentLimit(p.platform, type, 'url')) throw tooLarge();
  return remember(world, { pageId: p.id, type, size, url, bytes: null, mime: null });
}

/** Validates one outbound attachment (by url, attachment_id or an uploaded file) and sizes it. */
export async function outboundAttachment(
  world: World,
  p: PageState,
  a: Record<string, unknown>,
  file: UploadedFile | undefined,
  name: string,
): Promise<{ attachment: EmulatorAttachment; reusableId?: string }> {
  const type = str(a['type']);
  if (type === 'template') throw invalidParam(`param ${name}[type] template is not emulated.`);
  if (!type || !ATTACHMENT_TYPES.has(type))
    throw invalidParam(`param ${name}[type] must be one of {image, audio, video, file, template}`);
  const payload = obj(a['payload'], `${name}[payload]`) ?? {};
  const attachmentId = str(payload['attachment_id']);
  const url = str(payload['url']);
  if (attachmentId !== undefined) {
    const upload = world.uploads.get(attachmentId);
    if (!upload || upload.pageId !== p.id || upload.expiresAt <= world.clock.now())
      throw invalidParam('Invalid attachment id', 2018074);
    return { attachment: { type, attachmentId, ...(upload.url ? { url: upload.url } : {}) } };
  }
  if (file) {
    const upload = storeFile(world, p, type, file);
    return { attachment: { type, url: upload.url!, attachmentId: upload.id } };
  }
  if (!url) throw invalidParam(`param ${name}[payload] must have url or attachment_id.`);
  if (payload['is_reusable'] !== true && payload['is_reusable'] !== 'true') {
    const size = await sizeOfUrl(world, type, url);
    if (size !== null && size > attachmentLimit(p.platform, type, 'url')) throw tooLarge();
    return { attachment: { type, url } };
  }
  const reusable = await storeUrl(world, p, type, url);
  return { attachment: { type, url, attachmentId: reusable.id }, reusableId: reusable.id };
}

/** `POST /{page}/message_attachments`: an upload by `filedata` part or by URL, answered with its id. */
export async function upload(world: World, p: PageState, req: GraphRequest): Promise<GraphResult> {
  const message = obj(req.params['message'], 'message');
  const attachment = message ? obj(message['attachment'], 'message[attachment]') : undefined;
  if (!attachment) throw invalidParam('param message[attachment] must be non-empty.');
  const type = str(attachment['type']);
  if (!type || !ATTACHMENT_TYPES.has(type))
    throw invalidParam('param message[attachment][type] must be one of {image, audio, video, file}');
  const file = req.files.get('filedata');
  if (file) return ok({ attachment_id: storeFile(world, p, type, file).id });
  const payload = obj(attachment['payload'], 'message[attachment][payload]');
  const url = payload ? str(payload['url']) : undefined;
  if (!url) throw invalidParam('param message[attachment][payload][url] or a filedata part is required.');
  return ok({ attachment_id: (await storeUrl(world, p, type, url)).id });
}

/** Fetches an attachment URL like Meta does (10 s, 75 s for video) and returns its size. */
async function sizeOfUrl(world: World, type: string, url: string): Promise<number | null> {
  const own = `${world.baseUrl}/samples/`;
  if (url.startsWith(own)) {
    const image = sampleImage(url.slice(own.length).replace(/\.png(\?.*)?$/, ''));
    if (!image) throw invalidParam(FETCH_FAILED, 2018008);
    return image.length;
  }
  if (!world.options.fetchAttachmentUrls) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParam(FETCH_FAILED, 2018008);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidParam(FETCH_FAILED, 2018008);
  const limit = (type === 'image' ? 8 : 25) * MB;
  try {
    const response = await fetch(parsed, { signal: AbortSignal.timeout(type === 'video' ? 75_000 : 10_000) });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    if (type === 'audio' && !(response.headers.get('content-type') ?? '').startsWith('audio/')) {
      await response.body.cancel();
      throw invalidParam(`${FETCH_FAILED}: audio must be served as audio/*`, 2018008);
    }
    let size = 0;
    const reader = response.body.getReader();
    // Stop reading as soon as the limit is passed: the answer is known and the body may be huge.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
    return size;
  } catch (error) {
    if (error instanceof MetaError) throw error;
    throw invalidParam(FETCH_FAILED, 2018008);
  }
}
