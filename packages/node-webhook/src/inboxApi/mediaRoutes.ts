import { type MediaStore, NotFoundError, ValidationError } from '@pagedesk/core';
import { NotImplementedError } from './http.js';
import type { Handlers } from './routes.js';

// Archived inbound media (`createInbox({ media })`): copies of what customers sent, kept because
// Meta's CDN URLs expire. They are the organisation's data, so unlike uploads (which Meta fetches
// without credentials) they are served only to a principal who sees the channel the key starts with:
// another organisation's file answers 404, like one that does not exist.

// One key segment as the archiver writes them. A path parameter is percent-decoded, so `..%2F` would
// put `../` in the key, and a store that resolves keys as paths or URLs would leave the checked
// channel's folder for another organisation's: such a part is a file that does not exist.
const KEY_PART = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** `GET /media/:channel/:folder/:file` (keys are `<channel>/<message>/<n>.<ext>` or `<channel>/avatars/<file>`). */
export function mediaRoutes(media: MediaStore | undefined) {
  return {
    getMedia: {
      access: 'read',
      async run({ params, access }) {
        const { channel, folder, file } = params as Record<'channel' | 'folder' | 'file', string>;
        await access.channel(channel);
        if (!media?.get) throw new NotImplementedError('Archived media');
        const key = `${channel}/${folder}/${file}`;
        if (!KEY_PART.test(folder) || !KEY_PART.test(file)) throw new NotFoundError('Media', key);
        // A key the store refuses (`..`, odd characters) is a file that does not exist; a disk error is not.
        const found = await media.get(key).catch((error: unknown) => {
          if (error instanceof ValidationError) return undefined;
          throw error;
        });
        if (!found) throw new NotFoundError('Media', key);
        return new Response(found.bytes as Uint8Array<ArrayBuffer>, {
          headers: {
            'content-type': found.contentType,
            'content-length': String(found.bytes.byteLength),
            'x-content-type-options': 'nosniff',
            // What a customer sent never runs on the host's origin, even opened directly.
            'content-security-policy': "default-src 'none'; sandbox",
            'cache-control': 'private, max-age=86400',
          },
        });
      },
    },
  } satisfies Partial<Handlers>;
}
