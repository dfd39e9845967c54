import { checkUploadedFile, NotFoundError, type UploadedFile, ValidationError } from '@pagedesk/core';
import { BodyTooLargeError } from '../nodeAdapter.js';
import { capStream, declaredLength } from './http.js';
import type { InboxPrincipal } from './principal.js';
import { type Handlers, idOf, json, type RouteDeps } from './routes.js';
import { cleanFileName, cleanMediaType, contentDisposition, newUploadId, receiveUpload } from './uploads.js';

// Uploads: an agent's file is kept under an unguessable id with the organisation that uploaded it;
// Meta fetches it by URL without credentials, and a send may attach only the principal's own files.

const emptyFile = () => new ValidationError('upload', [{ path: '', message: 'the file is empty' }]);

/** The URL Meta fetches an upload from. */
const uploadUrl = (deps: RouteDeps, requestUrl: URL, id: string) =>
  `${deps.publicUrl ?? requestUrl.origin}${deps.basePath}/uploads/${encodeURIComponent(id)}`;

/**
 * The draft's attachments, each checked to be an upload of the principal's organisation (404 like a
 * missing one otherwise) and rebuilt from what was stored: the URL is ours, and the size and type are
 * what the server counted and sniffed, never the browser's (a draft claiming otherwise is refused with
 * `RuleViolationError` `upload_mismatch` naming the file).
 */
export async function ownUploads(
  deps: RouteDeps,
  attachments: readonly UploadedFile[],
  principal: InboxPrincipal,
  requestUrl: URL,
): Promise<UploadedFile[]> {
  return Promise.all(
    attachments.map(async (attachment) => {
      const stored = await deps.uploads.get(attachment.id);
      if (stored && typeof (stored.body as ReadableStream).cancel === 'function')
        await (stored.body as ReadableStream).cancel().catch(() => {});
      if (!stored || (stored.organizationId ?? undefined) !== principal.organizationId)
        throw new NotFoundError('Upload', attachment.id);
      const facts = checkUploadedFile(attachment, stored);
      return {
        id: attachment.id,
        name: facts.name,
        type: facts.type,
        size: facts.size,
        url: uploadUrl(deps, requestUrl, attachment.id),
      };
    }),
  );
}

/** `POST /uploads` and the public `GET /uploads/:id`. */
export function uploadRoutes(deps: RouteDeps) {
  const { uploads, maxUploadBytes } = deps;
  return {
    uploadFile: {
      access: 'write',
      async run({ request, url, access }) {
        const length = declaredLength(request);
        if (length !== undefined && length > maxUploadBytes) throw new BodyTooLargeError(maxUploadBytes);
        if (!request.body || length === 0) throw emptyFile();
        const { organizationId } = access.principal;
        const file = { id: newUploadId(), name: cleanFileName(request.headers.get('x-file-name')) };
        // The stored type is sniffed from the bytes and the size counted here, never the browser's.
        const { type, size } = await receiveUpload(uploads, {
          ...file,
          declaredType: cleanMediaType(request.headers.get('content-type')),
          body: capStream(request.body, maxUploadBytes),
          ...(length === undefined ? {} : { size: length }),
          ...(organizationId === undefined ? {} : { organizationId }),
        });
        if (size === 0) throw emptyFile();
        return json({ ...file, type, size, url: uploadUrl(deps, url, file.id) }, 201);
      },
    },
    getUpload: {
      access: 'public',
      async run(context) {
        const uploadId = idOf(context);
        const file = await uploads.get(uploadId);
        if (!file) throw new NotFoundError('Upload', uploadId);
        return new Response(file.body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, {
          headers: {
            'content-type': file.type,
            'content-length': String(file.size),
            'content-disposition': contentDisposition(file.name),
            'x-content-type-options': 'nosniff',
            // Opened directly, an uploaded HTML or SVG file can run nothing on the host's origin.
            'content-security-policy': "default-src 'none'; sandbox",
            'cache-control': 'private, max-age=3600',
          },
        });
      },
    },
  } satisfies Partial<Handlers>;
}
