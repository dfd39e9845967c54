'use client';

import { useMemo } from 'react';
import { usePagedeskContext } from './context.js';

/** Locale-aware formatters built on `Intl` with the provider's locale. */
export interface Formatters {
  /** 14:05 */
  time(at: number): string;
  /** Mon, 3 Mar 2026 */
  day(at: number): string;
  /** Today / Yesterday / the date, for day separators. */
  dayLabel(at: number, now: number): string;
  /** 3 Mar, 14:05 */
  dateTime(at: number): string;
  /** A short list time: the time today, else the date. */
  listTime(at: number, now: number): string;
  /** A countdown: "23 h 59 min", "12 min", "45 s". */
  duration(ms: number): string;
  number(value: number): string;
  /** "Ana, Ben and Cy" */
  list(values: string[]): string;
}

const DAY = 86_400_000;

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

// Intl formatters are costly to build (tens of ms for the set on a slow machine) and a list uses two
// or three of them: each is built on first use.
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

/** Builds the formatters for a locale (undefined = the browser's); each `Intl` object on first use. */
export function createFormatters(
  locale: string | undefined,
  labels: { today: string; yesterday: string },
): Formatters {
  const time = lazy(() => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }));
  const day = lazy(
    () =>
      new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
  );
  const dateTime = lazy(
    () =>
      new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }),
  );
  const shortDate = lazy(() => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }));
  const number = lazy(() => new Intl.NumberFormat(locale));
  const unit = (u: 'day' | 'hour' | 'minute' | 'second') =>
    lazy(() => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }));
  const units = { day: unit('day'), hour: unit('hour'), minute: unit('minute'), second: unit('second') };
  const list = lazy(() => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }));
  return {
    time: (at) => time().format(at),
    day: (at) => day().format(at),
    dayLabel(at, now) {
      const diff = Math.round((startOfDay(now) - startOfDay(at)) / DAY);
      if (diff === 0) return labels.today;
      if (diff === 1) return labels.yesterday;
      return day().format(at);
    },
    dateTime: (at) => dateTime().format(at),
    listTime: (at, now) => (startOfDay(at) === startOfDay(now) ? time().format(at) : shortDate().format(at)),
    duration(ms) {
      const total = Math.max(0, Math.ceil(ms / 1000));
      const days = Math.floor(total / 86_400);
      const hours = Math.floor((total % 86_400) / 3600);
      const minutes = Math.floor((total % 3600) / 60);
      const seconds = total % 60;
      if (days > 0)
        return [units.day().format(days), hours ? units.hour().format(hours) : ''].filter(Boolean).join(' ');
      if (hours > 0)
        return [units.hour().format(hours), minutes ? units.minute().format(minutes) : '']
          .filter(Boolean)
          .join(' ');
      if (minutes > 0) {
        // Under an hour the countdown rounds up to the minute ("1 min" until the last 60 s), as clocks do.
        const rounded = minutes + (seconds > 0 ? 1 : 0);
        return rounded === 60 ? units.hour().format(1) : units.minute().format(rounded);
      }
      return units.second().format(seconds);
    },
    number: (value) => number().format(value),
    list: (values) => list().format(values),
  };
}

/**
 * The provider's locale-aware formatters.
 *
 * @example
 * const format = useFormat();
 * format.duration(90 * 60_000); // "1 hr 30 min" in en
 */
export function useFormat(): Formatters {
  const { locale, messages } = usePagedeskContext('useFormat');
  return useMemo(
    () =>
      createFormatters(locale, { today: messages.messages.today, yesterday: messages.messages.yesterday }),
    [locale, messages],
  );
}
