import { describe, expect, it } from 'vitest';
import { frozenCopy } from '../ids.js';

describe('frozenCopy', () => {
  it('deep-freezes a copy and leaves the original alone, dropping undefined keys', () => {
    const original = { a: 1, b: undefined, list: [{ x: 1 }], nested: { y: 'y' } };
    const copy = frozenCopy(original);
    expect(copy).toEqual({ a: 1, list: [{ x: 1 }], nested: { y: 'y' } });
    expect('b' in copy).toBe(false);
    expect(Object.isFrozen(copy) && Object.isFrozen(copy.list[0]) && Object.isFrozen(copy.nested)).toBe(true);
    expect(Object.isFrozen(original) || Object.isFrozen(original.list)).toBe(false);
    original.list[0]!.x = 2;
    expect(copy.list[0]!.x).toBe(1);
  });

  it('shares what is already deep-frozen, and copies what is frozen only on the surface', () => {
    const shared = Object.freeze([Object.freeze({ x: 1 })]);
    const copy = frozenCopy({ list: shared, other: [] as number[] });
    expect(copy.list).toBe(shared);
    const whole = frozenCopy(copy);
    expect(whole).toBe(copy);
    const shallow = Object.freeze({ inner: { x: 1 } });
    const copied = frozenCopy(shallow);
    expect(copied).not.toBe(shallow);
    expect(Object.isFrozen(copied.inner)).toBe(true);
  });

  it('keeps class instances as they are', () => {
    const when = new Date(0);
    expect(frozenCopy({ when }).when).toBe(when);
  });
});
