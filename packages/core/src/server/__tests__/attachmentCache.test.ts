import { describe, expect, it } from 'vitest';
import { ATTACHMENT_ID_TTL_MS, defaultAttachmentHash, memoryAttachmentCache } from '../attachmentCache.js';

describe('memoryAttachmentCache', () => {
  it('keeps ids per page and content, and forgets them before Meta’s 90 days', async () => {
    const clock = { now: 0 };
    const cache = memoryAttachmentCache({ now: () => clock.now });
    await cache.set('PAGE_1', 'hash-a', 'att_1');
    expect(await cache.get('PAGE_1', 'hash-a')).toBe('att_1');
    // attachment ids are private to the page that uploaded them
    expect(await cache.get('PAGE_2', 'hash-a')).toBeUndefined();
    expect(ATTACHMENT_ID_TTL_MS).toBeLessThan(90 * 24 * 60 * 60 * 1000);
    clock.now = ATTACHMENT_ID_TTL_MS - 1;
    expect(await cache.get('PAGE_1', 'hash-a')).toBe('att_1');
    clock.now = ATTACHMENT_ID_TTL_MS;
    expect(await cache.get('PAGE_1', 'hash-a')).toBeUndefined();
  });

  it('deletes a rejected id and evicts the oldest entries beyond its bound', async () => {
    const cache = memoryAttachmentCache({ maxEntries: 2 });
    await cache.set('P', 'a', '1');
    await cache.set('P', 'b', '2');
    await cache.set('P', 'c', '3');
    expect(await cache.get('P', 'a')).toBeUndefined();
    expect(await cache.get('P', 'c')).toBe('3');
    await cache.delete('P', 'c');
    expect(await cache.get('P', 'c')).toBeUndefined();
  });
});

describe('defaultAttachmentHash', () => {
  it('depends on url, size, type and name', () => {
    const file = { url: 'https://x.example/a.png', size: 1, type: 'image/png', name: 'a.png' };
    expect(defaultAttachmentHash(file)).toBe(defaultAttachmentHash({ ...file }));
    expect(defaultAttachmentHash(file)).not.toBe(defaultAttachmentHash({ ...file, size: 2 }));
    expect(defaultAttachmentHash(file)).toMatch(/^[0-9a-f]{64}$/);
  });
});
