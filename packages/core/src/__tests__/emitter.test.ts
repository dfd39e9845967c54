import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../inbox/emitter.js';

describe('Emitter (the inbox listeners)', () => {
  it('calls every listener even when one throws, returning what was thrown', () => {
    const emitter = new Emitter();
    const boom = new Error('boom');
    const second = vi.fn();
    emitter.on('x', () => {
      throw boom;
    });
    emitter.on('x', second);
    expect(emitter.emit('x', 1)).toEqual([boom]);
    expect(second).toHaveBeenCalledWith(1);
  });

  it('unsubscribes one registration at a time, safely during an emit', () => {
    const emitter = new Emitter();
    const calls: string[] = [];
    const offA = emitter.on('x', () => {
      calls.push('a');
      offA();
    });
    emitter.on('x', () => calls.push('b'));
    emitter.emit('x', undefined);
    emitter.emit('x', undefined);
    expect(calls).toEqual(['a', 'b', 'b']);
    expect(emitter.has('x')).toBe(true);
    expect(emitter.has('y')).toBe(false);
  });
});
