import { rulesFor, utf8Length } from '@pagedesk/core';
import { invalidParam } from './metaError.js';

// The Send API's content limits per platform, read from core's one table of Meta's limits
// (`rulesFor(platform)`), so the emulator refuses what Meta refuses and nothing else:
// - Messenger text: 2000 characters, counted by code points here (Meta's "UTF-8, < 2000 characters";
//   core counts UTF-16 units, which is never fewer, so core's check stays on the safe side);
// - Instagram text: 1000 UTF-8 bytes ("UTF-8 and 1000 bytes or less",
//   https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message);
// - attachment sizes: the outbound table for files Meta fetches by URL; an upload with `filedata` to
//   a Messenger page takes up to 25 MB of any kind (Attachment Upload API).

type Platform = 'messenger' | 'instagram';

const MB = 1024 * 1024;

/** Throws Meta's (#100) error when `text` is over the platform's limit. */
export function checkSendText(platform: Platform, text: string): void {
  const { maxLength, maxBytes } = rulesFor(platform).text;
  if (maxBytes !== undefined && utf8Length(text) > maxBytes)
    throw invalidParam(`Length of param message[text] must be less than or equal to ${maxBytes} bytes`);
  if ([...text].length > maxLength)
    throw invalidParam(`Length of param message[text] must be less than or equal to ${maxLength}`);
}

/** The largest attachment Meta takes of `type` on `platform`, fetched by URL or uploaded as a file. */
export function attachmentLimit(platform: Platform, type: string, via: 'url' | 'upload'): number {
  if (platform === 'messenger' && via === 'upload') return 25 * MB;
  const kind = type === 'image' || type === 'video' || type === 'audio' ? type : 'file';
  return rulesFor(platform).attachments.outbound[kind].maxBytes;
}
