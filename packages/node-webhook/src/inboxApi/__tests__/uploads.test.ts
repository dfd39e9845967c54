import { randomBytes } from 'node:crypto';
import type { UploadedFile } from '@pagedesk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi, type InboxApiOptions, memoryUploadStore } from '../index.js';
import { cleanFileName, cleanMediaType, contentDisposition, newUploadId } from '../uploads.js';
import { fakeChannels, seededInbox, serve } from './helpers.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let api: InboxApi | undefined;
let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  api?.close();
  await closeServer?.();
  closeServer = undefined;
});

async function setup(options: Partial<InboxApiOptions> = {}) {
  const inbox = await seededInbox(1);
  api = createInboxApi({ inbox, channels: fakeChannels(), authorize: () => ({ role: 'agent' }), ...options });
  return api;
}

function upload(
  target: InboxApi,
  body: BodyInit,
  headers: Record<string, string>,
  origin = 'http://helpdesk.test',
) {
  return target.fetch(
    new Request(`${origin}/pagedesk/uploads`, {
      method: 'POST',
      body,
      headers,
      duplex: 'half',
    } as RequestInit),
  );
}

describe('uploads', () => {
  it('round-trips the exact bytes with type, safe name and nosniff, at an absolute public URL', async () => {
    const target = await setup({ basePath: '/pagedesk', publicUrl: 'https://help.example.com/' });
    // A real PNG signature: the stored type comes from the bytes, not the Content-Type.
    const bytes = Buffer.concat([PNG_SIGNATURE, randomBytes(200_000)]);
    const response = await upload(target, bytes, {
      'content-type': 'image/png; charset=binary',
      'x-file-name': encodeURIComponent('../Résumé "final".png'),
    });
    expect(response.status).toBe(201);
    const file = (await response.json()) as UploadedFile;
    expect(file).toMatchObject({ name: 'Résumé final.png', type: 'image/png', size: bytes.byteLength });
    expect(file.url).toBe(`https://help.example.com/pagedesk/uploads/${file.id}`);
    expect(file.id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const served = await target.fetch(new Request(`http://helpdesk.test/pagedesk/uploads/${file.id}`));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ final.png"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.png`,
    );

    const head = await target.fetch(
      new Request(`http://helpdesk.test/pagedesk/uploads/${file.id}`, { method: 'HEAD' }),
    );
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(await head.text()).toBe('');
  });

  it('uses the request origin without publicUrl, and octet-stream for a missing type', async () => {
    const target = await setup();
    const response = await target.fetch(
      new Request('http://10.1.2.3:8080/uploads', { method: 'POST', body: new Uint8Array([1, 2, 3]) }),
    );
    const file = (await response.json()) as UploadedFile;
    expect(file.url).toBe(`http://10.1.2.3:8080/uploads/${file.id}`);
    expect(file).toMatchObject({ name: 'file', type: 'application/octet-stream', size: 3 });
  });

  it('refuses uploads over maxUploadBytes with 413, declared or streamed', async () => {
    const target = await setup({ basePath: '/pagedesk', maxUploadBytes: 1000 });
    const declared = await upload(target, randomBytes(1001), { 'content-type': 'image/png' });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    // A chunked body has no Content-Length: the cap is enforced while streaming.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 5) return controller.close();
        sent += 1;
        controller.enqueue(new Uint8Array(400));
      },
    });
    const streamed = await upload(target, stream, { 'content-type': 'image/png' });
    expect(streamed.status).toBe(413);
    const fits = await upload(target, randomBytes(1000), { 'content-type': 'image/png' });
    expect(fits.status).toBe(201);
  });

  it('refuses an empty upload with 400 and answers 404 for an unknown id', async () => {
    const target = await setup();
    expect(
      (await target.fetch(new Request('http://h.test/uploads', { method: 'POST', body: '' }))).status,
    ).toBe(400);
    expect((await target.fetch(new Request(`http://h.test/uploads/${newUploadId()}`))).status).toBe(404);
  });

  it('serves uploads to Meta without asking authorize, which still guards the upload itself', async () => {
    let allow = true;
    const target = await setup({ authorize: () => allow && { role: 'agent' } });
    const file = (await (
      await target.fetch(
        new Request('http://h.test/uploads', {
          method: 'POST',
          body: 'hello',
          headers: { 'content-type': 'text/plain' },
        }),
      )
    ).json()) as UploadedFile;
    allow = false;
    const served = await target.fetch(new Request(`http://h.test/uploads/${file.id}`));
    expect(await served.text()).toBe('hello');
    expect(
      (await target.fetch(new Request('http://h.test/uploads', { method: 'POST', body: 'x' }))).status,
    ).toBe(401);
  });

  it('round-trips over node:http, with the upload cap on uploads and the JSON cap elsewhere', async () => {
    const target = await setup({ maxUploadBytes: 64 * 1024, maxBodyBytes: 1024 });
    const server = await serve(target);
    closeServer = server.close;
    const bytes = Buffer.concat([Buffer.from('ID3\x04\x00', 'latin1'), randomBytes(50_000)]);
    const response = await fetch(`${server.base}/uploads`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'audio/mpeg', 'x-file-name': 'voice.mp3' },
    });
    expect(response.status).toBe(201);
    const file = (await response.json()) as UploadedFile;
    expect(file.url).toBe(`${server.base}/uploads/${file.id}`);
    const served = await fetch(file.url);
    expect(served.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(
      (await fetch(`${server.base}/uploads`, { method: 'POST', body: randomBytes(70_000) })).status,
    ).toBe(413);
    const bigJson = await fetch(`${server.base}/conversations/conv-1/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'x'.repeat(2000) }),
    });
    expect(bigJson.status).toBe(413);
  });
});

describe('memoryUploadStore', () => {
  const put = (store: ReturnType<typeof memoryUploadStore>, id: string, size: number) =>
    store.put({
      id,
      name: `${id}.bin`,
      type: 'application/octet-stream',
      body: new Blob([new Uint8Array(size)]).stream(),
    });

  it('evicts the least recently used files past the total cap', async () => {
    const store = memoryUploadStore({ maxFileBytes: 100, maxTotalBytes: 250 });
    await put(store, 'a', 100);
    await put(store, 'b', 100);
    await store.get('a');
    await put(store, 'c', 100);
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('a'))?.size).toBe(100);
    expect((await store.get('c'))?.size).toBe(100);
  });

  it('refuses a file over the per-file cap and forgets files after the TTL', async () => {
    const store = memoryUploadStore({ maxFileBytes: 10, ttlMs: 30 });
    await expect(put(store, 'big', 11)).rejects.toMatchObject({ code: 'body_too_large', limit: 10 });
    expect(await store.get('big')).toBeUndefined();
    await put(store, 'small', 5);
    expect(await store.get('small')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.get('small')).toBeUndefined();
  });

  it('validates its options', () => {
    expect(() => memoryUploadStore({ maxFileBytes: 0 })).toThrow(/maxFileBytes/);
    expect(() => memoryUploadStore({ maxFileBytes: 20, maxTotalBytes: 10 })).toThrow(/maxFileBytes/);
  });
});

describe('upload header helpers', () => {
  it('cleans file names and media types', () => {
    expect(cleanFileName(null)).toBe('file');
    expect(cleanFileName('..')).toBe('file');
    expect(cleanFileName('C:\\Users\\me\\a.pdf')).toBe('a.pdf');
    expect(cleanFileName('%E0%A4%A')).toBe('%E0%A4%A');
    expect(cleanFileName('a\u0000b\r\n.txt')).toBe('ab.txt');
    expect(Array.from(cleanFileName('😀'.repeat(300)))).toHaveLength(200);
    expect(cleanMediaType('Image/JPEG')).toBe('image/jpeg');
    expect(cleanMediaType('text/html\r\nx-evil: 1')).toBe('application/octet-stream');
    expect(cleanMediaType('nonsense')).toBe('application/octet-stream');
  });

  it('quotes names safely in Content-Disposition', () => {
    expect(contentDisposition("it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`,
    );
  });
});
