import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClock, parseDuration } from '../clock.js';
import { emulatorOptionsSchema } from '../options.js';
import type { EmulatorCustomer } from '../types.js';
import { World } from '../world.js';

// The window rule as a pure function over the customer's last inbound time (docs/meta-platform.md):
// ≤ 24 h standard, ≤ 7 days human agent, then closed; never open without an inbound event.

const HOUR = 3_600_000;
const world = new World(
  emulatorOptionsSchema.parse({}),
  createClock(0, true, () => undefined),
  () => Promise.resolve({ ok: true, deliveryId: 0, attempts: 0, status: 200 }),
);
const customer = (lastInboundAt: number | null) => ({ lastInboundAt }) as EmulatorCustomer;

describe('windowFor', () => {
  it('is standard up to 24 h, human_agent up to 7 days, closed after, at any time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 30 * 24 * HOUR }),
        (last, age) => {
          const state = world.windowFor(customer(last), last + age);
          const expected = age <= 24 * HOUR ? 'standard' : age <= 7 * 24 * HOUR ? 'human_agent' : 'closed';
          expect(state).toBe(expected);
        },
      ),
    );
  });

  it('is closed when the customer never wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0 }), (now) => {
        expect(world.windowFor(customer(null), now)).toBe('closed');
      }),
    );
  });
});

describe('parseDuration', () => {
  it('reads relative times and refuses anything else', () => {
    expect(parseDuration('-30h')).toBe(-30 * HOUR);
    expect(parseDuration('8d')).toBe(8 * 24 * HOUR);
    expect(parseDuration('+90m')).toBe(90 * 60_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('yesterday')).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), (n) => {
        expect(parseDuration(`${n}s`)).toBe(n * 1000);
      }),
    );
  });
});
