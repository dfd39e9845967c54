// Runs inside the page (bundled with each page): timing with performance.now() and requestAnimationFrame.

/** What a page reports back to the bench through `window.__benchResult`. */
export interface PageResult {
  firstRenderMs: number;
  domNodes: number;
  newMessageMs: number | null;
  frames: { count: number; maxMs: number; p95Ms: number; over50: number };
  /** The `long` scenario: opening the same conversation with a 200-character message instead. */
  baselineMs?: number;
  /** The `long` scenario: the long text as one plain pre-wrapped paragraph (the browser's own cost). */
  plainTextMs?: number;
  /** The `long` scenario: from "Show the whole message" until its end is shown (null: not clipped). */
  expandMs?: number | null;
  error?: string;
}

export const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

/** Resolves on the first frame where `ready()` holds, bounded by `timeoutMs`. */
export async function until(ready: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = performance.now();
  while (!ready()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('timed out waiting for the page');
    await frame();
  }
}

/** Time from `start()` until `ready()` holds and the next frame has painted. */
export async function timeUntil(start: () => void, ready: () => boolean): Promise<number> {
  // Marks let a trace or CPU profile of the bench page find the measured span.
  const t0 = performance.mark('bench:timeUntil:start').startTime;
  start();
  await until(ready);
  // The frame after the DOM holds the content is the one that shows it.
  await frame();
  return performance.mark('bench:timeUntil:end').startTime - t0;
}

/**
 * The element that scrolls the list: the tallest scrollable box on the page. perfect-scrollbar (used by
 * chatscope) scrolls an `overflow: hidden` box with class `ps`, so those count too.
 */
export function scroller(): HTMLElement {
  let best: HTMLElement | null = null;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('*'))) {
    const style = getComputedStyle(el);
    const scrollable = /(auto|scroll)/.test(style.overflowY) || el.classList.contains('ps');
    if (!scrollable || el.scrollHeight <= el.clientHeight + 10) continue;
    if (!best || el.scrollHeight > best.scrollHeight) best = el;
  }
  if (!best) throw new Error('no scrollable list found');
  return best;
}

/**
 * Scrolls `el` by `step` px per frame for `frames` frames (reversing at the ends), or until `budgetMs` has
 * passed (a list that takes a second per frame would otherwise hold the bench for minutes); frame durations.
 */
export async function scrollFrames(
  el: HTMLElement,
  frames: number,
  step: number,
  budgetMs = 8000,
): Promise<PageResult['frames']> {
  const durations: number[] = [];
  performance.mark('bench:scroll:start');
  const t0 = performance.now();
  let last = await frame();
  let direction = Math.sign(step);
  for (let i = 0; i < frames && performance.now() - t0 < budgetMs; i++) {
    const max = el.scrollHeight - el.clientHeight;
    if ((direction > 0 && el.scrollTop >= max - 1) || (direction < 0 && el.scrollTop <= 1))
      direction = -direction;
    el.scrollTop += direction * Math.abs(step);
    const now = await frame();
    durations.push(now - last);
    last = now;
  }
  performance.mark('bench:scroll:end');
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: durations.length,
    maxMs: sorted[sorted.length - 1] ?? 0,
    p95Ms: sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)] ?? 0,
    over50: durations.filter((d) => d > 50).length,
  };
}

export function domNodes(): number {
  return document.getElementsByTagName('*').length;
}

export function params(): {
  scenario: 'list' | 'messages' | 'long';
  conversations: number;
  messages: number;
  frames: number;
} {
  const q = new URLSearchParams(location.search);
  return {
    scenario:
      q.get('scenario') === 'messages' || q.get('scenario') === 'long'
        ? (q.get('scenario') as 'messages' | 'long')
        : 'list',
    conversations: Number(q.get('conversations') ?? 10_000),
    messages: Number(q.get('messages') ?? 5_000),
    frames: Number(q.get('frames') ?? 120),
  };
}

/** The console line that carries a page's result to the bench. */
export const RESULT_PREFIX = '__pagedesk_bench_result__';

/**
 * Hands the result to the bench as one console line: the bench listens for it rather than polling the
 * page with `waitForFunction`, whose injected script was compiled inside the measured first render.
 */
export function report(result: PageResult | { error: string }): void {
  (window as unknown as { __benchResult: unknown }).__benchResult = result;
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

/**
 * A customer's 20,000-character message as agents get them (a pasted log or e-mail thread): lines of
 * words with links, e-mail addresses, numbers, an emoji and an Arabic phrase now and then.
 */
export function longMessage(length = 20_000): string {
  const parts = [
    'Order',
    'shipped',
    'https://shop.example.com/orders/12345?ref=mail',
    'tracking',
    'www.carrier.example.net/track/ABC123',
    'support@acme.example.com',
    'refund',
    '€49.90',
    '🙂',
    'مرحبا بكم',
    'invoice.pdf',
    'the',
    'parcel',
    'arrived',
    'damaged',
  ];
  let text = '';
  for (let i = 0; text.length < length; i++) {
    text += parts[(i * 7) % parts.length];
    text += i % 17 === 16 ? '\n' : ' ';
  }
  return text.slice(0, length);
}

/** Text present somewhere in the document. */
export function hasText(text: string): boolean {
  return document.body.textContent?.includes(text) ?? false;
}
