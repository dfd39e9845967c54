import { describe, expect, it } from 'vitest';
import { createFormatters } from '../useFormat.js';

const labels = { today: 'Today', yesterday: 'Yesterday' };

describe('createFormatters', () => {
  it('builds each Intl formatter on first use only, and once', () => {
    const counted = { dates: 0, numbers: 0 };
    const { DateTimeFormat, NumberFormat } = Intl;
    Intl.DateTimeFormat = class extends DateTimeFormat {
      constructor(...args: ConstructorParameters<typeof DateTimeFormat>) {
        super(...args);
        counted.dates++;
      }
    } as typeof Intl.DateTimeFormat;
    Intl.NumberFormat = class extends NumberFormat {
      constructor(...args: ConstructorParameters<typeof NumberFormat>) {
        super(...args);
        counted.numbers++;
      }
    } as typeof Intl.NumberFormat;
    try {
      const format = createFormatters('en-GB', labels);
      expect(counted).toEqual({ dates: 0, numbers: 0 });
      const at = Date.UTC(2026, 2, 2, 12, 5);
      expect(format.time(at + 60_000)).not.toBe(format.time(at));
      expect(counted).toEqual({ dates: 1, numbers: 0 });
      expect(format.number(12_345)).toBe('12,345');
      expect(format.number(1)).toBe('1');
      expect(counted).toEqual({ dates: 1, numbers: 1 });
    } finally {
      Intl.DateTimeFormat = DateTimeFormat;
      Intl.NumberFormat = NumberFormat;
    }
  });

  it('formats the same as before the formatters became lazy', () => {
    const format = createFormatters('en-GB', labels);
    const at = Date.UTC(2026, 2, 2, 12, 5);
    expect(format.duration(90 * 60_000)).toBe(
      `${new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(1)} ${new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(30)}`,
    );
    expect(format.list(['Ana', 'Ben', 'Cy'])).toBe('Ana, Ben and Cy');
    expect(format.dayLabel(at, at)).toBe('Today');
    expect(format.dayLabel(at - 86_400_000, at)).toBe('Yesterday');
    expect(format.listTime(at, at)).toBe(format.time(at));
  });
});
