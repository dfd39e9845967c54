import { describe, expect, it } from 'vitest';
import { frozenCopy } from '../frozenCopy.js';
import { hashId } from '../ids.js';

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

describe('hashId', () => {
  it('keeps the ids it always made: stores hold them, so a change would duplicate rows on redelivery', () => {
    expect(hashId('m', 'PAGE_1', 'mid_1')).toBe('m_0e5j70n0wkahad');
    expect(hashId('c', 'PAGE_1', 'message:mid_1')).toBe('c_12hqlat16h8k28');
    expect(hashId('c', '104857600012345', 'import', 't_1')).toBe('c_027pt3f1gog47b');
    expect(hashId('m', 'a', 'b')).toBe('m_0r2cxz11lm0c19');
    expect(hashId('m', 'ab')).toBe('m_0m1bnh312fly6q');
    expect(hashId('m', 'é ü 日本')).toBe('m_0b00fet0h6czzs');
    expect(hashId('x')).toBe('x_0k4n83c07h0j2b');
  });
});
