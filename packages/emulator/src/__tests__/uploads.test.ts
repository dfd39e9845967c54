import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, graph, IG, useGraphEmulator } from './helpers.js';

// Attachments: uploads by file and URL, sending by attachment_id, Meta's size and fetch rules.

const env = useGraphEmulator();

describe('attachments', () => {
  let fileServer: ReturnType<typeof createServer>;
  let fileUrl: string;
  beforeAll(async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1, 1);
    fileServer = createServer((req, res) => {
      if (req.url === '/big.png') res.writeHead(200, { 'content-type': 'image/png' }).end(big);
      else if (req.url === '/song.mp3') res.writeHead(200, { 'content-type': 'text/plain' }).end('not audio');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => fileServer.close(() => resolve())));

  async function ready() {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    return c;
  }
  const sendAttachment = (id: string, attachment: unknown) =>
    graph(env.emu, 'POST', 'me/messages', {
      body: { recipient: { id }, messaging_type: 'RESPONSE', message: { attachment } },
    });

  it('uploads a file (multipart filedata), sends it by attachment_id, and expires the id after 90 days', async () => {
    const c = await ready();
    const form = new FormData();
    form.set('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
    form.set('filedata', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'photo.png');
    const upload = await graph(env.emu, 'POST', 'me/message_attachments', { form });
    expect(upload.body).toEqual({ attachment_id: expect.stringMatching(/^\d+$/) });
    const id = upload.body['attachment_id'] as string;
    expect((await sendAttachment(c.id, { type: 'image', payload: { attachment_id: id } })).status).toBe(200);
    const media = await fetch(env.emu.sent().at(-1)!.attachments[0]!.url!);
    expect(media.headers.get('content-type')).toBe('image/png');
    env.emu.clock.advance(91 * DAY);
    await env.emu.customer(c.id).send({ text: 'still here' });
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { attachment_id: id } })).body.error,
    ).toMatchObject({
      code: 100,
      error_subcode: 2018074,
    });
  });

  it('refuses another page’s attachment id (2018074) and files over 25 MB (2018109)', async () => {
    const form = new FormData();
    form.set('message', JSON.stringify({ attachment: { type: 'file' } }));
    form.set('filedata', new Blob([new Uint8Array(10)], { type: 'application/pdf' }), 'a.pdf');
    const igUpload = await graph(env.emu, 'POST', 'me/message_attachments', { form, token: IG.accessToken });
    const c = await ready();
    const foreign = await sendAttachment(c.id, {
      type: 'file',
      payload: { attachment_id: igUpload.body['attachment_id'] },
    });
    expect(foreign.body.error?.error_subcode).toBe(2018074);
    const huge = new FormData();
    huge.set('message', JSON.stringify({ attachment: { type: 'file' } }));
    huge.set(
      'filedata',
      new Blob([new Uint8Array(25 * 1024 * 1024 + 1)], { type: 'application/pdf' }),
      'huge.pdf',
    );
    const tooBig = await graph(env.emu, 'POST', 'me/message_attachments', { form: huge });
    expect(tooBig.body.error).toMatchObject({ code: 100, error_subcode: 2018109 });
  });

  it('fetches attachment URLs: images over 8 MB → 2018109, unreachable → 2018008, audio must be audio/*', async () => {
    const c = await ready();
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { url: `${fileUrl}/big.png` } })).body.error
        ?.error_subcode,
    ).toBe(2018109);
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { url: `${fileUrl}/missing.png` } })).body.error
        ?.error_subcode,
    ).toBe(2018008);
    expect(
      (await sendAttachment(c.id, { type: 'audio', payload: { url: `${fileUrl}/song.mp3` } })).body.error
        ?.error_subcode,
    ).toBe(2018008);
    const file = await sendAttachment(c.id, {
      type: 'file',
      payload: { url: `${fileUrl}/big.png`, is_reusable: true },
    });
    expect(file.body).toMatchObject({ message_id: expect.any(String), attachment_id: expect.any(String) });
  });
});
