import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import { extensionFor, sniffContentType } from '../../sniffMedia.js';
import { testEntities } from '../../testing/entities.js';
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
