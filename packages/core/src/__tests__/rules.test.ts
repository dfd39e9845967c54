import { describe, expect, it } from 'vitest';
import { defineRules, rulesFor } from '../defineRules.js';
import { ValidationError } from '../errors.js';
import { instagramRules, metaRules, rulesFromSettings } from '../rules.js';
import { testEntities } from '../testing.js';

const MB = 1024 * 1024;

describe('metaRules and instagramRules', () => {
  it("hold Meta's documented limits", () => {
    expect(metaRules.text.maxLength).toBe(2000);
    expect(metaRules.imagesPerMessage).toBe(30);
    expect(metaRules.attachments.outbound.image.maxBytes).toBe(8 * MB);
    expect(metaRules.attachments.outbound.video.maxBytes).toBe(25 * MB);
    expect(metaRules.attachments.inbound.image.maxBytes).toBe(25 * MB);
    expect(instagramRules.attachments.outbound.file.types).toEqual(['application/pdf']);
    expect(instagramRules.attachments.outbound.image.maxBytes).toBe(8 * MB);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(metaRules.attachments.outbound.image.types)).toBe(true);
    expect(() => {
      (metaRules.text as { maxLength: number }).maxLength = 1;
    }).toThrow(TypeError);
  });
});

describe('defineRules', () => {
  it('deep-merges: overriding one kind leaves the others as they were', () => {
    const rules = defineRules({
      text: { maxLength: 1600 },
      attachments: { outbound: { image: { maxBytes: 5 * MB } } },
    });
    expect(rules.text.maxLength).toBe(1600);
    expect(rules.attachments.outbound.image).toEqual({
      ...metaRules.attachments.outbound.image,
      maxBytes: 5 * MB,
    });
    expect(rules.attachments.outbound.video).toEqual(metaRules.attachments.outbound.video);
    expect(rules.attachments.inbound).toEqual(metaRules.attachments.inbound);
    expect(rules.imagesPerMessage).toBe(30);
    expect(metaRules.text.maxLength).toBe(2000);
  });

  it('replaces arrays and merges over another base', () => {
    const rules = defineRules(
      { attachments: { outbound: { file: { types: ['application/pdf'], extensions: ['pdf'] } } } },
      instagramRules,
    );
    expect(rules.attachments.outbound.file.types).toEqual(['application/pdf']);
    expect(rules.imagesPerMessage).toBe(1);
    expect(defineRules({ text: { maxLength: 1986 } }).text.maxLength).toBe(1986);
  });

  it('throws a ValidationError naming the path of a wrong value or an unknown key', () => {
    const bad = (overrides: unknown) => () => defineRules(overrides as never);
    expect(bad({ text: { maxLength: 0 } })).toThrow(/text\.maxLength/);
    expect(bad({ text: { maxLength: 12.5 } })).toThrow(/text\.maxLength: expected a whole number/);
    expect(bad({ attachments: { outbound: { image: { maxBytes: -1 } } } })).toThrow(
      /attachments\.outbound\.image\.maxBytes/,
    );
    expect(bad({ attachments: { outbound: { image: { types: ['jpeg'] } } } })).toThrow(/types\[0\]/);
    expect(bad({ attachments: { outbound: { image: { extensions: ['.png'] } } } })).toThrow(
      /extensions\[0\]/,
    );
    expect(bad({ text: { maxLenght: 10 } })).toThrow(/maxLenght/);
    expect(bad({ attachments: { outbound: { sticker: {} } } })).toThrow(/sticker/);
    expect(bad(null)).toThrow(ValidationError);
    try {
      defineRules({ imagesPerMessage: 0 });
    } catch (error) {
      expect((error as ValidationError).issues[0]?.path).toBe('imagesPerMessage');
    }
  });
});

describe('rulesFor and rulesFromSettings', () => {
  it("picks the platform's profile, with overrides", () => {
    expect(rulesFor('messenger')).toBe(metaRules);
    expect(rulesFor('instagram')).toBe(instagramRules);
    expect(rulesFor('instagram', { text: { maxLength: 1000 } }).attachments.outbound.file.types).toEqual([
      'application/pdf',
    ]);
  });

  it("applies a channel's text and attachment caps", () => {
    const base = testEntities.channel();
    expect(rulesFromSettings(base)).toBe(metaRules);
    const channel = testEntities.channel({
      settings: {
        ...base.settings,
        textMaxLength: 1600,
        attachmentMaxBytes: { image: 2 * MB, file: 10 * MB },
      },
    });
    const rules = rulesFromSettings(channel);
    expect(rules.text.maxLength).toBe(1600);
    expect(rules.attachments.outbound.image.maxBytes).toBe(2 * MB);
    expect(rules.attachments.outbound.file.maxBytes).toBe(10 * MB);
    expect(rules.attachments.outbound.video.maxBytes).toBe(25 * MB);
    expect(rules.attachments.inbound.image.maxBytes).toBe(25 * MB);
    const ig = rulesFromSettings({ ...channel, platform: 'instagram' });
    expect(ig.attachments.outbound.file.types).toEqual(['application/pdf']);
  });
});
