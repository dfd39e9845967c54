import { randomBytes } from 'node:crypto';
import { checkAttachment, type SerializedError, type UploadedFile } from '@pagedesk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi, type InboxApiOptions } from '../index.js';
import { memoryUploadStore, receiveUpload } from '../uploads.js';
import { fakeChannels, seededInbox } from './helpers.js';

// The server never trusts the size and type a browser declares: an upload is stored with its real
// byte count and the type its bytes show, and a draft whose attachment says otherwise is refused,
// naming the file, before anything is sent.

const ORIGIN = 'http://helpdesk.test';
const MiB = 1024 * 1024;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1');
let api: InboxApi | undefined;
afterEach(() => api?.close());

async function setup(options: Partial<InboxApiOptions> = {}) {
  const channels = fakeChannels();
  api = createInboxApi({
    inbox: await seededInbox(1),
    channels,
    authorize: () => ({ role: 'admin' }),
    ...options,
  });
  const target = api;
  const upload = async (bytes: Buffer, type: string, name: string) => {
    const response = await target.fetch(
      new Request(`${ORIGIN}/uploads`, {
        method: 'POST',
        body: new Uint8Array(bytes),
        headers: { 'content-type': type, 'x-file-name': name },
      }),
    );
    expect(response.status).toBe(201);
    return (await response.json()) as UploadedFile;
  };
  const send = (attachments: UploadedFile[]) =>
    target.fetch(
      new Request(`${ORIGIN}/conversations/conv-1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Here it is', attachments }),
      }),
    );
  return { channels, upload, send };
}

async function errorOf(response: Response): Promise<SerializedError> {
  return ((await response.json()) as { error: SerializedError }).error;
}

describe('upload facts', () => {
  it('declared 1 KB but stored 30 MB: refused naming the file; nothing is sent', async () => {
    const { channels, upload, send } = await setup({ maxUploadBytes: 64 * MiB });
    const bytes = Buffer.concat([PNG, Buffer.alloc(30 * MiB - PNG.length)]);
    const stored = await upload(bytes, 'image/png', 'screenshot.png');
    expect(stored).toMatchObject({ type: 'image/png', size: 30 * MiB });
    const response = await send([{ ...stored, size: 1024 }]);
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error).toMatchObject({ name: 'RuleViolationError', rule: 'upload_mismatch' });
    expect(error.message).toBe('screenshot.png is 30 MB, not 1 KB as the draft says.');
    expect(channels.send).not.toHaveBeenCalled();
  });

  it('declared image, stored executable: stored as what the bytes are, and a draft claiming an image is refused', async () => {
    const { channels, upload, send } = await setup();
    const stored = await upload(Buffer.concat([EXE, randomBytes(4000)]), 'image/png', 'photo.png');
    expect(stored.type).toBe('application/x-msdownload');
    const lie = await send([{ ...stored, type: 'image/png' }]);
    expect(lie.status).toBe(422);
    expect((await errorOf(lie)).message).toBe(
      'photo.png is application/x-msdownload, not image/png as the draft says.',
    );
    expect(channels.send).not.toHaveBeenCalled();
    // Told the truth, the draft reaches the send path with the stored facts, which Meta's rules refuse.
    const honest = await send([stored]);
    expect(honest.status).toBe(201);
    const [, draft] = channels.send.mock.calls[0] as unknown as [string, { attachments: UploadedFile[] }];
    expect(draft.attachments[0]).toMatchObject({ type: 'application/x-msdownload', size: stored.size });
    expect(checkAttachment(draft.attachments[0]!, { direction: 'outbound' })).toMatchObject({
      ok: false,
      code: 'type_not_allowed',
    });
  });

  it('bytes with no signature under a signed name are refused; a plain text file passes', async () => {
    const { upload, send } = await setup();
    const fake = await upload(randomBytes(3000), 'image/png', 'invoice.png');
    expect(fake.type).toBe('application/octet-stream');
    const refused = await send([fake]);
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).message).toMatch(
      /^invoice\.png does not contain what its name says \(image\/png\)/,
    );
    const notes = await upload(Buffer.from('order,total\n1,20\n'), 'text/csv', 'orders.csv');
    expect(notes.type).toBe('text/csv');
    expect((await send([notes])).status).toBe(201);
  });

  it('an attachment whose upload is unknown or expired answers 404 (as another organisation’s would); the URL is always the API’s own', async () => {
    const { channels, upload, send } = await setup();
    const missing = await send([
      { id: 'nope', name: 'ghost.pdf', type: 'application/pdf', size: 10, url: 'https://x' },
    ]);
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ name: 'NotFoundError' });
    const pdf = await upload(Buffer.from('%PDF-1.7\n...'), 'application/pdf', 'terms.pdf');
    expect((await send([{ ...pdf, url: 'https://evil.example/terms.pdf' }])).status).toBe(201);
    const [, draft] = channels.send.mock.calls[0] as unknown as [string, { attachments: UploadedFile[] }];
    expect(draft.attachments[0]!.url).toBe(`${ORIGIN}/uploads/${pdf.id}`);
  });

  it('sniffs across chunk boundaries and counts the bytes itself', async () => {
    const bytes = Buffer.concat([PNG, randomBytes(100)]);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const store = memoryUploadStore();
    const result = await receiveUpload(store, { id: 'u1', name: 'a.png', declaredType: 'image/png', body });
    expect(result).toEqual({ type: 'image/png', size: bytes.length });
    const kept = await store.get('u1');
    expect(Buffer.from(kept!.body as Uint8Array).equals(bytes)).toBe(true);
  });
});
