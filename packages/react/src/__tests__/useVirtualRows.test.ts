import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutRows, rowAt, visibleRange } from '../useVirtualRows.js';

const sizes = fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 300 });

describe('virtual rows layout', () => {
  it('places every row right after the previous one', () => {
    const starts = layoutRows(3, (i) => [10, 20, 30][i] as number);
    expect(Array.from(starts)).toEqual([0, 10, 30, 60]);
  });

  it('finds the row under any offset', () => {
    fc.assert(
      fc.property(sizes, fc.double({ min: 0, max: 70_000, noNaN: true }), (list, offset) => {
        const starts = layoutRows(list.length, (i) => list[i] as number);
        const index = rowAt(starts, offset);
        const total = starts[list.length] as number;
        if (offset >= total) expect(index).toBe(list.length - 1);
        else {
          expect(starts[index] as number).toBeLessThanOrEqual(offset);
          expect(starts[index + 1] as number).toBeGreaterThan(offset);
        }
      }),
    );
  });

  it('renders every row that intersects the viewport, plus overscan, and nothing else', () => {
    fc.assert(
      fc.property(
        sizes,
        fc.nat({ max: 60_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat({ max: 10 }),
        (list, scrollTop, viewport, overscan) => {
          const starts = layoutRows(list.length, (i) => list[i] as number);
          const range = visibleRange(starts, scrollTop, viewport, overscan);
          expect(range).not.toBeNull();
          const [first, last] = range as [number, number];
          const visible = list
            .map((_, i) => i)
            .filter(
              (i) => (starts[i + 1] as number) > scrollTop && (starts[i] as number) < scrollTop + viewport,
            );
          for (const i of visible) {
            expect(i).toBeGreaterThanOrEqual(first);
            expect(i).toBeLessThanOrEqual(last);
          }
          if (visible.length > 0) {
            expect(first).toBe(Math.max(0, (visible[0] as number) - overscan));
            expect(last).toBe(Math.min(list.length - 1, (visible.at(-1) as number) + overscan));
          }
        },
      ),
    );
  });

  it('has no range for an empty list', () => {
    expect(
      visibleRange(
        layoutRows(0, () => 10),
        0,
        500,
        5,
      ),
    ).toBeNull();
  });
});
