import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAttachment, formatBytes, type OutboundFile, planReply } from '../attachments.js';
import { defineRules } from '../defineRules.js';
import { ValidationError } from '../errors.js';
import { metaRules } from '../rules.js';

const MB = 1024 * 1024;
const out = { direction: 'outbound' as const };
const file = (name: string, type: string, size = 1000): OutboundFile => ({
  name,
  type,
  size,
  url: `https://host/${name}`,
});

describe('checkAttachment', () => {
  it('classifies by MIME type, or by extension when the type is missing', () => {
    expect(checkAttachment({ name: 'a.png', type: 'image/png', size: 1 }, out)).toEqual({
      ok: true,
      kind: 'image',
      type: 'image/png',
    });
    expect(checkAttachment({ name: 'clip.mp4', type: '', size: 1 }, out)).toMatchObject({
      ok: true,
      kind: 'video',
      type: 'video/mp4',
    });
    expect(
      checkAttachment({ name: 'memo.M4A', type: 'application/octet-stream', size: 1 }, out),
    ).toMatchObject({ ok: true, kind: 'audio' });
    expect(
      checkAttachment({ name: 'invoice.pdf', type: 'application/pdf; charset=binary', size: 1 }, out),
    ).toMatchObject({ ok: true, kind: 'file' });
    expect(checkAttachment({ name: 'noext', type: 'audio/mpeg', size: 1 }, out)).toMatchObject({
      ok: true,
      kind: 'audio',
    });
    expect(checkAttachment({ name: 'report.docx', type: '', size: 1 }, out)).toMatchObject({
      ok: true,
      kind: 'file',
    });
  });

  it('is exact at the size limit (inclusive) and names it when too large', () => {
    expect(checkAttachment({ name: 'a.jpg', type: 'image/jpeg', size: 8 * MB }, out).ok).toBe(true);
    const tooLarge = checkAttachment({ name: 'a.jpg', type: 'image/jpeg', size: 8 * MB + 1 }, out);
    expect(tooLarge).toMatchObject({ ok: false, code: 'too_large', limit: 8 * MB, kind: 'image' });
    expect(!tooLarge.ok && tooLarge.message).toBe('a.jpg is 8 MB; images can be at most 8 MB.');
    expect(
      checkAttachment({ name: 'a.jpg', type: 'image/jpeg', size: 20 * MB }, { direction: 'inbound' }).ok,
    ).toBe(true);
  });

  it('refuses an empty file', () => {
    expect(checkAttachment({ name: 'a.png', type: 'image/png', size: 0 }, out)).toMatchObject({
      ok: false,
      code: 'empty',
    });
  });

  it('refuses a type the direction does not allow, naming what is allowed', () => {
    const webp = checkAttachment({ name: 'a.webp', type: 'image/webp', size: 10 }, out);
    expect(webp).toMatchObject({ ok: false, code: 'type_not_allowed', kind: 'image' });
    expect(!webp.ok && webp.message).toContain('JPG, JPEG, PNG, GIF');
    expect(
      checkAttachment({ name: 'setup.exe', type: 'application/x-msdownload', size: 10 }, out),
    ).toMatchObject({
      code: 'type_not_allowed',
      kind: 'file',
    });
    // A known type under a disguised extension.
    expect(checkAttachment({ name: 'photo.exe', type: 'image/png', size: 10 }, out)).toMatchObject({
      code: 'type_not_allowed',
    });
    expect(
      checkAttachment(
        { name: 'a.docx', type: '', size: 10 },
        { direction: 'outbound', platform: 'instagram' },
      ),
    ).toMatchObject({
      code: 'type_not_allowed',
    });
    expect(
      checkAttachment({ name: 'a.webp', type: 'image/webp', size: 10 }, { direction: 'inbound' }).ok,
    ).toBe(true);
  });

  it('reports an unknown type when neither type nor extension says', () => {
    expect(checkAttachment({ name: 'README', type: '', size: 10 }, out)).toMatchObject({
      ok: false,
      code: 'unknown_type',
    });
    expect(
      checkAttachment({ name: 'x.qqqzzz', type: 'application/octet-stream', size: 10 }, out),
    ).toMatchObject({ code: 'unknown_type' });
  });

  it('follows host overrides per direction and kind', () => {
    const rules = defineRules({ attachments: { outbound: { video: { maxBytes: 20 * MB } } } });
    expect(
      checkAttachment({ name: 'v.mp4', type: 'video/mp4', size: 21 * MB }, { direction: 'outbound', rules }),
    ).toMatchObject({
      code: 'too_large',
      limit: 20 * MB,
    });
    expect(checkAttachment({ name: 'v.mp4', type: 'video/mp4', size: 21 * MB }, out).ok).toBe(true);
  });

  it('throws a ValidationError naming the field of a malformed file', () => {
    expect(() => checkAttachment({ name: 'a', type: 'image/png', size: -1 }, out)).toThrow(/file\.size/);
    expect(() => checkAttachment({ name: 'a', type: 3 as never, size: 1 }, out)).toThrow(ValidationError);
    expect(() =>
      checkAttachment({ name: 'a.png', type: '', size: 1 }, { direction: 'sideways' as never }),
    ).toThrow(/direction/);
  });

  it('never throws on well-formed input and classifies within the four kinds', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.nat(),
        fc.constantFrom('inbound' as const, 'outbound' as const),
        (name, type, size, direction) => {
          const result = checkAttachment({ name, type, size }, { direction });
          if (result.ok) expect(['image', 'video', 'audio', 'file']).toContain(result.kind);
          else expect(result.message.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('planReply', () => {
  it('sends the text first, then attachments in order, grouping consecutive images', () => {
    const a = file('a.png', 'image/png');
    const b = file('b.jpg', 'image/jpeg');
    const pdf = file('c.pdf', 'application/pdf');
    const c = file('d.gif', 'image/gif');
    const plan = planReply({ text: 'Here you go', attachments: [a, b, pdf, c] });
    expect(plan).toEqual({
      ok: true,
      parts: [
        { type: 'text', text: 'Here you go' },
        { type: 'images', files: [a, b] },
        { type: 'attachment', kind: 'file', file: pdf },
        { type: 'attachment', kind: 'image', file: c },
      ],
    });
  });

  it('caps image groups at imagesPerMessage (one per message on Instagram)', () => {
    const images = Array.from({ length: 31 }, (_, i) => file(`${i}.png`, 'image/png'));
    const plan = planReply({ attachments: images });
    expect(plan.ok && plan.parts.map((p) => (p.type === 'images' ? p.files.length : 1))).toEqual([30, 1]);
    const ig = planReply({ attachments: images.slice(0, 3) }, { platform: 'instagram' });
    expect(ig.ok && ig.parts.map((p) => p.type)).toEqual(['attachment', 'attachment', 'attachment']);
  });

  it('refuses a text over the limit unless asked to split it', () => {
    const text = 'Sentence one is here. '.repeat(100);
    const refused = planReply({ text });
    expect(refused).toEqual({
      ok: false,
      problems: [
        {
          code: 'text_too_long',
          limit: 2000,
          message: 'The text is 2200 characters; one message can hold 2000 characters.',
        },
      ],
    });
    const split = planReply({ text }, { split: true });
    expect(split.ok && split.parts.length).toBe(2);
    expect(split.ok && split.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')).toBe(text);
  });

  it('lists every problem with the index of the attachment, and refuses an empty reply', () => {
    const plan = planReply({
      text: 'x'.repeat(2001),
      attachments: [
        file('ok.png', 'image/png'),
        file('big.mp4', 'video/mp4', 26 * MB),
        file('empty.pdf', 'application/pdf', 0),
      ],
    });
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problems.map((p) => [p.code, p.index])).toEqual([
      ['text_too_long', undefined],
      ['too_large', 1],
      ['empty', 2],
    ]);
    expect(planReply({ text: '   ' })).toMatchObject({ ok: false, problems: [{ code: 'empty_reply' }] });
    expect(planReply({})).toMatchObject({ ok: false, problems: [{ code: 'empty_reply' }] });
  });

  it('keeps extra fields of the caller and fills in a resolved type', () => {
    const upload = { id: 'up_1', name: 'scan.pdf', type: '', size: 10, url: 'https://host/up_1' };
    const plan = planReply({ attachments: [upload] });
    expect(plan.ok && plan.parts[0]).toEqual({
      type: 'attachment',
      kind: 'file',
      file: { ...upload, type: 'application/pdf' },
    });
  });

  it('names the field of a malformed draft', () => {
    expect(() =>
      planReply({ attachments: [{ name: 'a', type: 'image/png', size: 'big' as never }] }),
    ).toThrow(/attachments\[0\]\.size/);
  });

  it('is a pure function of its input: parts cover every attachment once, in order', () => {
    const kinds = fc.constantFrom(
      file('a.png', 'image/png'),
      file('b.mp4', 'video/mp4'),
      file('c.mp3', 'audio/mpeg'),
      file('d.pdf', 'application/pdf'),
    );
    fc.assert(
      fc.property(fc.array(kinds, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (files, perMessage) => {
        const rules = defineRules({ imagesPerMessage: perMessage }, metaRules);
        const plan = planReply({ text: 'hi', attachments: files }, { rules });
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        expect(plan.parts[0]).toEqual({ type: 'text', text: 'hi' });
        const flat = plan.parts
          .slice(1)
          .flatMap((p) => (p.type === 'images' ? p.files : p.type === 'attachment' ? [p.file] : []));
        expect(flat.map((f) => f.name)).toEqual(files.map((f) => f.name));
        for (const part of plan.parts)
          if (part.type === 'images') expect(part.files.length).toBeLessThanOrEqual(perMessage);
      }),
    );
  });
});

describe('formatBytes', () => {
  it('shortens sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(8 * MB)).toBe('8 MB');
    expect(formatBytes(25 * MB)).toBe('25 MB');
  });
});
