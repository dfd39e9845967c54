import { describe, expect, it } from 'vitest';
import { defaultMessages, defaultStrings, mergeMessages, mergeStrings } from '../messages.js';
import { createFormatters } from '../useFormat.js';

describe('mergeStrings', () => {
  it('deep-merges a partial catalogue over English, functions included, without touching the defaults', () => {
    const fr = mergeStrings({
      composer: { send: 'Envoyer' },
      list: { unread: (n) => `${n} non lus` },
      window: { reasons: { closed_expired: 'Fenêtre fermée' } },
    });
    expect(fr.composer.send).toBe('Envoyer');
    expect(fr.composer.placeholder).toBe(defaultStrings.composer.placeholder);
    expect(fr.list.unread(3)).toBe('3 non lus');
    expect(fr.window.reasons.closed_expired).toBe('Fenêtre fermée');
    expect(fr.window.reasons.closed_never_wrote).toBe(defaultStrings.window.reasons.closed_never_wrote);
    expect(defaultStrings.composer.send).toBe('Send');
    expect(mergeStrings()).toBe(defaultStrings);
  });

  it('keeps the former names as aliases of the same catalogue and merge', () => {
    expect(defaultMessages).toBe(defaultStrings);
    expect(mergeMessages({ composer: { send: 'Envoyer' } }).composer.send).toBe('Envoyer');
  });
});

describe('createFormatters', () => {
  const labels = { today: 'Today', yesterday: 'Yesterday' };
  it('formats durations as a countdown, never promising time that is not there', () => {
    const en = createFormatters('en', labels);
    expect(en.duration(3 * 3_600_000 + 59 * 60_000)).toBe('3 hr 59 min');
    expect(en.duration(2 * 86_400_000 + 3_600_000)).toBe('2 days 1 hr');
    expect(en.duration(45_000)).toBe('45 sec');
    expect(en.duration(59 * 60_000 + 30_000)).toBe('1 hr');
    expect(en.duration(90_500)).toBe('2 min');
    expect(en.duration(-5)).toBe('0 sec');
  });

  it('follows the locale', () => {
    const fr = createFormatters('fr', labels);
    expect(fr.number(12345)).toBe(new Intl.NumberFormat('fr').format(12345));
    expect(fr.list(['Ana', 'Ben', 'Cy'])).toBe('Ana, Ben et Cy');
    expect(fr.duration(5 * 3_600_000)).toBe(
      new Intl.NumberFormat('fr', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(5),
    );
  });

  it('labels days relative to now', () => {
    const en = createFormatters('en', labels);
    const now = new Date(2026, 2, 2, 12).getTime();
    expect(en.dayLabel(now - 3_600_000, now)).toBe('Today');
    expect(en.dayLabel(now - 86_400_000, now)).toBe('Yesterday');
    expect(en.dayLabel(now - 5 * 86_400_000, now)).toContain('2026');
  });
});
