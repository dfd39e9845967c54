import { ValidationError } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { lruDedupe } from '../dedupe.js';

describe('lruDedupe', () => {
  it('remembers marked ids only', () => {
    const store = lruDedupe();
    expect(store.seen('a')).toBe(false);
    store.mark(['a', 'b']);
    expect([store.seen('a'), store.seen('b'), store.seen('c')]).toEqual([true, true, false]);
  });

  it('forgets the least recently used id beyond max', () => {
    const store = lruDedupe({ max: 2 });
    store.mark(['a', 'b', 'c']);
    expect([store.seen('a'), store.seen('b'), store.seen('c')]).toEqual([false, true, true]);
  });

  it('forgets ids after ttlMs', async () => {
    const store = lruDedupe({ ttlMs: 150 });
    store.mark(['a']);
    expect(store.seen('a')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.seen('a')).toBe(false);
  });

  it.each([
    [{ max: 0 }, 'max'],
    [{ max: 1.5 }, 'max'],
    [{ ttlMs: -1 }, 'ttlMs'],
    [{ ttlMs: Number.NaN }, 'ttlMs'],
  ])('rejects %o naming %s', (options, path) => {
    try {
      lruDedupe(options);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(path);
    }
  });
});
