import type { ServerResponse } from 'node:http';
import { chatPageHtml } from './chatPage.js';
import { sendNotFound } from './httpIO.js';
import { sampleImage } from './samples.js';
import type { World } from './world.js';

// What the emulator serves as files: the customer chat page, the sample images and uploaded media.

export function sendChatPage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'self'; img-src 'self' http: https: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
  });
  res.end(chatPageHtml());
}

/** `/samples/{name}.png`. */
export function sendSample(res: ServerResponse, file: string): void {
  const png = /^[a-z0-9-]+\.png$/.test(file) ? sampleImage(file.slice(0, -'.png'.length)) : undefined;
  if (!png) {
    sendNotFound(res, 'no such sample');
    return;
  }
  res.writeHead(200, {
    'content-type': 'image/png',
    'content-length': png.length,
    'cache-control': 'max-age=3600',
  });
  res.end(png);
}

/** `/_emulator/media/{id}`: a file the page uploaded. */
export function sendMedia(res: ServerResponse, world: World, id: string): void {
  const upload = /^\d+$/.test(id) ? world.uploads.get(id) : undefined;
  if (!upload?.bytes) {
    sendNotFound(res, 'no such media');
    return;
  }
  res.writeHead(200, {
    'content-type': upload.mime ?? 'application/octet-stream',
    'content-length': upload.bytes.length,
  });
  res.end(upload.bytes);
}
