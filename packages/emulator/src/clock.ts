/**
 * The emulator's clock. Every timestamp the emulator writes (webhooks, windows, token and attachment
 * expiry) comes from it, so a test can jump a conversation past 24 hours or 7 days in one call.
 * It ticks with real time by default (successive events keep distinct, ordered timestamps); a frozen
 * clock only moves when told to, for exact boundary tests.
 */
export interface EmulatorClock {
  /** The emulated time, epoch milliseconds. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value) by `ms`; returns the new time. */
  advance(ms: number): number;
  /** Sets the clock to `ms` epoch milliseconds; returns it. */
  set(ms: number): number;
  /** Whether the clock only moves through `advance`/`set`. */
  readonly frozen: boolean;
}

export function createClock(start: number | undefined, frozen: boolean, onChange: () => void): EmulatorClock {
  let offset = start === undefined ? 0 : start - Date.now();
  let frozenAt = start ?? Date.now();
  const now = () => (frozen ? frozenAt : Date.now() + offset);
  return {
    frozen,
    now,
    advance(ms) {
      if (frozen) frozenAt += ms;
      else offset += ms;
      onChange();
      return now();
    },
    set(ms) {
      if (frozen) frozenAt = ms;
      else offset = ms - Date.now();
      onChange();
      return now();
    },
  };
}

/** One day in milliseconds: the unit of Meta's messaging windows and expiries. */
export const DAY = 86_400_000;

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY };

/**
 * Parses a relative time like `-30h`, `-8d`, `-90m`, `+2s` or `1500ms` into milliseconds.
 * Returns undefined when the text is not of that form.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^([+-]?)(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, amount, unit] = match;
  const ms = Number(amount) * (units[unit ?? 'ms'] ?? 1);
  return sign === '-' ? -ms : ms;
}
