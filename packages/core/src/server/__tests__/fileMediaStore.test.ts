import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import { extensionFor, sniffContentType } from '../../sniffMedia.js';
import { testEntities } from '../../testing/entities.js';
import { testEvents } from '../../testing/events.js';
import { fileMediaStore } from '../fileMediaStore.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagedesk-media-store-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fileMediaStore', () => {
  it('writes under the directory, returns the public URL and reads the copy back', async () => {
    const media = fileMediaStore(dir, { publicPath: 'https://desk.example.com/media/' });
    const bytes = Buffer.from('%PDF-1.7 hello');
    expect(await media.put('P1/m1/0.pdf', bytes, 'application/pdf')).toBe(
      'https://desk.example.com/media/P1/m1/0.pdf',
    );
    expect(await media.get?.('P1/m1/0.pdf')).toEqual({ bytes, contentType: 'application/pdf' });
    expect(await media.get?.('P1/m1/9.pdf')).toBeUndefined();
  });

  it('deletes a folder of keys and counts the files that went', async () => {
    const media = fileMediaStore(join(dir, 'prefix'));
    for (const key of ['P1/m1/0.png', 'P1/m2/0.png', 'P1/avatars/c-1.jpg', 'P10/m1/0.png'])
      await media.put(key, new Uint8Array([1]), 'image/png');
    expect(await media.deletePrefix?.('P1/')).toBe(3);
    expect(await media.get?.('P1/m1/0.png')).toBeUndefined();
    // A channel whose id starts with another's keeps its copies.
    expect(await media.get?.('P10/m1/0.png')).toBeDefined();
    expect(await media.deletePrefix?.('P1/')).toBe(0);
    await expect(media.deletePrefix?.('P1')).rejects.toThrow(/folder/);
    await expect(media.deletePrefix?.('../')).rejects.toThrow(/media key/);
  });

  it('refuses keys that leave the directory', async () => {
    const media = fileMediaStore(dir);
    for (const key of ['../x.png', 'a/../../x.png', '/etc/passwd', 'a//b.png', ''])
      await expect(media.put(key, new Uint8Array([1]), 'image/png')).rejects.toThrow(/media key/);
  });
});

describe('sniffContentType', () => {
  it('reads the type from the first bytes, whatever the name says', () => {
    const cases: Array<[number[] | string, string]> = [
      [[0xff, 0xd8, 0xff, 0xe0], 'image/jpeg'],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
      ['GIF89a...', 'image/gif'],
      ['RIFF\0\0\0\0WEBPVP8 ', 'image/webp'],
      ['\0\0\0\x18ftypmp42', 'video/mp4'],
      ['\0\0\0\x14ftypqt  ', 'video/quicktime'],
      ['OggS\0', 'audio/ogg'],
      ['ID3\x04', 'audio/mpeg'],
      ['%PDF-1.4', 'application/pdf'],
      ['<html>', 'application/octet-stream'],
    ];
    for (const [input, type] of cases) {
      const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : Uint8Array.from(input);
      expect(sniffContentType(bytes)).toBe(type);
    }
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('text/html')).toBe('bin');
  });
});

describe('inbox.recordAttachmentArchive', () => {
  it('records the copy on an inbound attachment and refuses anything else', async () => {
    const store = memoryStore();
    const inbox = createInbox({ store });
    const inbound = testEntities.message({
      id: 'M1',
      direction: 'inbound',
      attachments: [{ kind: 'image', url: 'https://cdn.example/x.jpg' }],
    });
    await store.messages.put(inbound);
    const updated = await inbox.recordAttachmentArchive('M1', 0, { archivedUrl: '/media/x.png' });
    expect(updated.attachments[0]).toEqual({
      kind: 'image',
      url: 'https://cdn.example/x.jpg',
      archivedUrl: '/media/x.png',
    });
    await expect(inbox.recordAttachmentArchive('M1', 1, { archiveStatus: 'expired' })).rejects.toThrow(
      /no inbound attachment 1/,
    );
    await expect(inbox.recordAttachmentArchive('M1', 0, { archiveStatus: 'gone' } as never)).rejects.toThrow(
      /attachment archive/,
    );
    await expect(inbox.recordAttachmentArchive('nope', 0, { archiveStatus: 'expired' })).rejects.toThrow(
      /not found/,
    );
  });
});

describe('inbox.purgeChannel with a media store', () => {
  it("deletes the copies of the channel's media with its rows, and reports how many", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const cdn = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/x.png`;
    const mediaDir = join(dir, 'purge');
    await mkdir(mediaDir);
    const pngs = async () => (await readdir(mediaDir, { recursive: true })).filter((f) => f.endsWith('.png'));
    const store = memoryStore();
    const inbox = createInbox({ store, media: fileMediaStore(mediaDir, { publicPath: '/media' }) });
    try {
      for (const pageId of ['P1', 'P2'])
        await inbox.apply([testEvents.message({ pageId, attachments: [{ kind: 'image', url }] })]);
      // The archiver copies in the background; wait (bounded) for both copies.
      for (let i = 0; i < 200 && (await pngs()).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      const report = await inbox.purgeChannel('P1');
      expect(report).toMatchObject({ channelId: 'P1', messages: 1, media: 1 });
      const left = await pngs();
      expect(left).toHaveLength(1);
      expect(left[0]).toMatch(/^P2\//);
      // Without a store that can delete, the report has no count.
      const plain = createInbox({ store: memoryStore(), media: { put: async (key) => key } });
      expect(await plain.purgeChannel('P1')).not.toHaveProperty('media');
    } finally {
      await new Promise((resolve) => cdn.close(resolve));
    }
  });
});
