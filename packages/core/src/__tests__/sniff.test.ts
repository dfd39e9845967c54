import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAttachment } from '../attachments.js';
import { RuleViolationError } from '../errors.js';
import { checkUploadedFile, SNIFF_BYTES, sniffMediaType, storedMediaType } from '../sniff.js';

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const box = (brand: string) => bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0]);

describe('sniffMediaType', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a])],
    ['image/gif', bytes('GIF89a')],
    ['image/webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['audio/wav', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['video/x-msvideo', bytes('RIFF', [1, 2, 3, 4], 'AVI LIST')],
    ['video/mp4', box('isom')],
    ['audio/mp4', box('M4A ')],
    ['video/quicktime', box('qt  ')],
    ['image/heic', box('heic')],
    ['video/webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm')],
    ['audio/ogg', bytes('OggS', new Array(24).fill(0), [1], 'vorbis')],
    ['video/ogg', bytes('OggS', new Array(24).fill(0), [0x80], 'theora')],
    ['audio/mpeg', bytes('ID3', [4, 0])],
    ['audio/mpeg', bytes([0xff, 0xfb, 0x90, 0x00])],
    ['audio/aac', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['audio/amr', bytes('#!AMR\n')],
    ['application/pdf', bytes('%PDF-1.7')],
    ['application/zip', bytes('PK', [3, 4])],
    ['application/x-cfb', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
    ['application/x-msdownload', bytes('MZ', [0x90, 0])],
    ['application/x-executable', bytes([0x7f], 'ELF', [2, 1, 1])],
    ['application/x-mach-binary', bytes([0xcf, 0xfa, 0xed, 0xfe])],
  ])('recognises %s', (type, head) => {
    expect(sniffMediaType(head)).toBe(type);
  });

  it('says nothing about text or an empty file, and never throws', () => {
    expect(sniffMediaType(bytes('order,total\n'))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array())).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: SNIFF_BYTES }), (head) => {
        const type = sniffMediaType(head);
        expect(type === undefined || /^[a-z]+\/[\w.+-]+$/.test(type)).toBe(true);
      }),
    );
  });
});

describe('storedMediaType', () => {
  it('keeps a declared type the bytes confirm (aliases and containers included)', () => {
    expect(storedMediaType('image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(storedMediaType('audio/x-m4a', box('isom'))).toBe('audio/x-m4a');
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(storedMediaType(docx, bytes('PK', [3, 4]))).toBe(docx);
    expect(
      storedMediaType('application/msword', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
    ).toBe('application/msword');
    expect(storedMediaType('text/csv', bytes('a,b\n'))).toBe('text/csv');
  });

  it('takes what the bytes show over a lie, and refuses a signed type without its signature', () => {
    expect(storedMediaType('image/png', bytes('MZ', [0x90]))).toBe('application/x-msdownload');
    expect(storedMediaType('application/pdf', bytes([0xff, 0xd8, 0xff]))).toBe('image/jpeg');
    expect(storedMediaType('application/octet-stream', bytes('%PDF-'))).toBe('application/pdf');
    expect(storedMediaType('image/jpeg', bytes('hello'))).toBe('application/octet-stream');
    expect(storedMediaType('application/octet-stream', bytes('hello'))).toBe('application/octet-stream');
  });
});

describe('checkUploadedFile', () => {
  const stored = { name: 'a.pdf', type: 'application/pdf', size: 2048 };
  it('returns the stored facts when the draft agrees', () => {
    expect(checkUploadedFile({ ...stored }, stored)).toEqual(stored);
  });
  it('refuses a size or type the store did not record, naming the file', () => {
    expect(() => checkUploadedFile({ ...stored, size: 10 }, stored)).toThrow(RuleViolationError);
    expect(() => checkUploadedFile({ ...stored, size: 10 }, stored)).toThrow(
      'a.pdf is 2 KB, not 10 B as the draft says.',
    );
    expect(() => checkUploadedFile({ ...stored, type: 'image/png' }, stored)).toThrow(
      /a\.pdf is application\/pdf, not image\/png/,
    );
  });
  it('an unrecognised body under a signed name is refused; the extension can no longer vouch for it', () => {
    const fake = { name: 'photo.jpg', type: 'application/octet-stream', size: 100 };
    expect(checkAttachment(fake, { direction: 'outbound' }).ok).toBe(true); // what the check alone would allow
    expect(() => checkUploadedFile(fake, fake)).toThrow(/photo\.jpg does not contain what its name says/);
    const notes = { name: 'notes.txt', type: 'application/octet-stream', size: 100 };
    expect(checkUploadedFile(notes, notes)).toEqual(notes);
  });
});
