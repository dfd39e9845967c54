'use client';

import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

// The lists' own virtualiser: variable row heights measured once per row (and again when a row
// resizes), rows placed with absolute offsets, a rendered range with overscan, scrolling to a row,
// and for a chat, following new rows at the bottom and keeping the read row in place when older rows
// are prepended. It replaces @tanstack/react-virtual, whose core alone weighed ~10 KB gzip in the kit.

/** One rendered row: its position in the list, key, offset from the top and height. */
export interface VirtualRow {
  index: number;
  key: string;
  start: number;
  size: number;
}

/** Options of {@link useVirtualRows}. */
export interface VirtualRowsOptions {
  count: number;
  /** A stable key per row: measured heights follow keys, so prepending rows keeps them. */
  getKey: (index: number) => string;
  /** The height to assume until a row is measured. */
  estimateSize: (index: number) => number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan: number;
  scrollRef: RefObject<HTMLElement | null>;
  /**
   * A chat: while the viewport is at the bottom (within `endThreshold` px), new rows and resizes keep
   * it there; otherwise the last visible row stays where it is on screen when rows are prepended
   * or resized above it.
   */
  anchorEnd?: boolean;
  endThreshold?: number;
}

/** What {@link useVirtualRows} returns. */
export interface VirtualRows {
  rows: VirtualRow[];
  totalSize: number;
  /** A ref callback for each rendered row element; the element must carry `data-index`. */
  measure: (element: HTMLElement | null) => void;
  scrollToIndex: (index: number, align: 'auto' | 'start' | 'end') => void;
}

/** Offsets of every row, `starts[count]` being the total height. */
export function layoutRows(count: number, sizeOf: (index: number) => number): Float64Array {
  const starts = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) starts[i + 1] = (starts[i] as number) + sizeOf(i);
  return starts;
}

/** The first index whose row ends after `offset` (binary search over the offsets). */
export function rowAt(starts: Float64Array, offset: number): number {
  const count = starts.length - 1;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid + 1] as number) <= offset) low = mid + 1;
    else high = mid;
  }
  return Math.max(0, low);
}

/** The rendered range `[first, last]` (inclusive, with overscan), or null for an empty list. */
export function visibleRange(
  starts: Float64Array,
  scrollTop: number,
  viewport: number,
  overscan: number,
): [number, number] | null {
  const count = starts.length - 1;
  if (count === 0) return null;
  const first = rowAt(starts, scrollTop);
  const last = rowAt(starts, scrollTop + Math.max(viewport, 1) - 0.5);
  return [Math.max(0, first - overscan), Math.min(count - 1, last + overscan)];
}

/**
 * Virtualises a vertical list of rows inside a scroll element.
 *
 * @example
 * const { rows, totalSize, measure } = useVirtualRows({ count, getKey, estimateSize: () => 64, overscan: 6, scrollRef });
 */
export function useVirtualRows(options: VirtualRowsOptions): VirtualRows {
  const { count, scrollRef, anchorEnd = false, endThreshold = 24 } = options;
  const [, rerender] = useState(0);
  const bump = useCallback(() => rerender((n) => (n + 1) % 1_000_000), []);
  const [sizes] = useState(() => new Map<string, number>());
  const latest = useRef(options);
  latest.current = options;

  const starts = layoutRows(count, (i) => sizes.get(options.getKey(i)) ?? options.estimateSize(i));
  // Mutable state that renders read but that must not cause renders itself (built once).
  const [state] = useState(() => ({
    scrollTop: 0,
    viewport: 0,
    atEnd: true,
    starts,
    range: null as [number, number] | null,
    anchor: null as { key: string; offset: number } | null,
    // A scrollToIndex whose row was estimated: re-aligned after measuring, for a short while.
    pending: null as { index: number; align: 'start' | 'end'; tries: number; until: number } | null,
    // Scroll height beyond the rows (the scroller's padding), to find the bottom without reading layout.
    extra: 0,
    // The rows' total height as last rendered (what the DOM holds).
    renderedTotal: 0,
    // Where align() last put the scroll position (any other position is the agent's own scrolling).
    expectTop: 0,
    // A row was measured since the last render: the offsets are stale until the coming re-render.
    stale: false,
    observer: null as ResizeObserver | null,
    observed: new Set<HTMLElement>(),
  }));
  state.starts = starts;
  state.stale = false;
  state.renderedTotal = starts[count] as number;
  // A chat at the bottom renders the bottom rows at once: a new message is in the first commit rather
  // than in the one after scrolling to it.
  const rangeNow = useCallback(
    () =>
      visibleRange(
        state.starts,
        latest.current.anchorEnd && state.atEnd
          ? Math.max(0, (state.starts[state.starts.length - 1] as number) - state.viewport)
          : state.scrollTop,
        state.viewport,
        latest.current.overscan,
      ),
    [state],
  );
  const range = rangeNow();
  state.range = range;

  // Re-renders when the rendered range changed (or `force`), synchronously when `flush` (in the
  // ResizeObserver callback, so the frame paints the new rows).
  const update = useCallback(
    (flush: boolean, force: boolean) => {
      const next = rangeNow();
      if (!force && next?.[0] === state.range?.[0] && next?.[1] === state.range?.[1]) return;
      if (flush) flushSync(bump);
      else bump();
    },
    [state, bump, rangeNow],
  );

  // Reads the scroll position and viewport; re-renders only when the rendered range changes, not on
  // every scrolled pixel.
  const sync = useCallback(
    (flush = false, force = false) => {
      const element = scrollRef.current;
      if (!element) return;
      state.scrollTop = Math.max(0, element.scrollTop);
      state.viewport = element.clientHeight;
      state.atEnd = element.scrollHeight - element.clientHeight - element.scrollTop <= endThreshold;
      state.extra = element.scrollHeight - state.renderedTotal;
      // The chat's anchor is the last row in view: rows measured or prepended above it move, it does not.
      const last = rowAt(state.starts, state.scrollTop + Math.max(state.viewport - 1, 0));
      const key = state.starts.length > 1 ? latest.current.getKey(last) : undefined;
      state.anchor =
        key === undefined ? null : { key, offset: (state.starts[last] as number) - state.scrollTop };
      update(flush, force);
    },
    [scrollRef, endThreshold, state, update],
  );

  // Where a chat's scroll position belongs for the current offsets: the bottom while following it,
  // else where the anchor row stays put on screen; null when nothing holds it.
  const chatTarget = useCallback((): number | null => {
    const total = state.starts.length - 1;
    if (state.atEnd) return Math.max(0, (state.starts[total] as number) + state.extra - state.viewport);
    if (!state.anchor) return null;
    const { key, offset } = state.anchor;
    for (let i = total - 1; i >= 0; i--) {
      if (latest.current.getKey(i) === key) return Math.max(0, (state.starts[i] as number) - offset);
    }
    return null;
  }, [state]);

  // Records a row's height; true when it changed (the offsets need a render).
  const record = useCallback(
    (element: HTMLElement): boolean => {
      const index = Number(element.dataset.index);
      if (!Number.isInteger(index) || index >= latest.current.count) return false;
      const key = latest.current.getKey(index);
      const size = element.offsetHeight;
      const before = sizes.get(key) ?? latest.current.estimateSize(index);
      sizes.set(key, size);
      if (size === before) return false;
      state.stale = true;
      // A row above the viewport changed height: move the scroll position with it, so what the
      // agent reads does not jump (the chat list does this through its anchor instead).
      const scroller = scrollRef.current;
      if (!latest.current.anchorEnd && scroller && (state.starts[index] as number) < state.scrollTop) {
        scroller.scrollTop += size - before;
        state.scrollTop += size - before;
        state.expectTop += size - before;
      }
      return true;
    },
    [sizes, scrollRef, state],
  );

  // With a ResizeObserver, rows are measured in its callback, after the browser's own layout and
  // before paint, so mounting rows never forces a synchronous layout; jsdom has none: measure now.
  const measure = useCallback(
    (element: HTMLElement | null) => {
      if (!element || state.observed.has(element)) return;
      state.observed.add(element);
      if (state.observer) state.observer.observe(element);
      else if (record(element)) bump();
    },
    [state, record, bump],
  );

  // One observer for the viewport and every rendered row; rows that left the DOM are dropped after
  // each commit (a ref callback gets null without saying which element left).
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const entry of entries) {
              if (entry.target !== element && record(entry.target as HTMLElement)) changed = true;
            }
            if (changed && latest.current.anchorEnd) {
              // Move a chat's scroll position for the new heights now, while layout is clean: after
              // the render below, setting it would force a second layout in this frame.
              const { count: rowsNow, getKey, estimateSize } = latest.current;
              state.starts = layoutRows(rowsNow, (i) => sizes.get(getKey(i)) ?? estimateSize(i));
              const target = chatTarget();
              if (target !== null && Math.abs(state.scrollTop - target) > 1) {
                element.scrollTop = target;
                state.scrollTop = target;
              }
            }
            // Layout is clean here: read it before rendering, then render the measured offsets before
            // this frame paints, so rows never show overlapped and no layout is forced.
            sync(true, changed);
          });
    state.observer = observer;
    observer?.observe(element);
    for (const row of state.observed) observer?.observe(row);
    const onScroll = () => {
      // The agent scrolled elsewhere: stop holding the row a scrollToIndex asked for.
      if (state.pending && Math.abs(element.scrollTop - state.expectTop) > 1) state.pending = null;
      sync();
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    if (observer) {
      // Until the observer reports the viewport (after the browser's own layout), assume the window's
      // height rather than force a layout now.
      state.viewport ||= window.innerHeight;
      update(false, false);
    } else sync();
    return () => {
      element.removeEventListener('scroll', onScroll);
      observer?.disconnect();
      state.observer = null;
    };
  }, [scrollRef, state, sync, update, record, sizes, chatTarget]);

  useLayoutEffect(() => {
    for (const row of state.observed) {
      if (!row.isConnected) {
        state.observer?.unobserve(row);
        state.observed.delete(row);
      }
    }
    const element = scrollRef.current;
    if (!element) return;
    const pending = state.pending;
    if (pending) {
      // Rows around the target are measured after they mount (in the ResizeObserver's frame), which
      // moves it: align again on each commit until it holds still, for a short while at most.
      if (pending.index >= count || pending.tries <= 0 || performance.now() > pending.until) {
        state.pending = null;
      } else if (!state.stale) {
        if (align(pending.index, pending.align)) pending.tries--;
        sync();
      }
      return;
    }
    if (!anchorEnd || count === 0) {
      // Without a ResizeObserver (jsdom), the viewport may have been resized or shown since the last
      // render; with one, reading it here would only force a layout.
      if (!state.observer) sync();
      return;
    }
    // Everything here works from the positions read at the last scroll or resize: reading layout
    // right after a commit would force the browser to lay out twice per frame while scrolling.
    const target = chatTarget();
    if (target !== null && Math.abs(state.scrollTop - target) > 1) {
      element.scrollTop = target;
      state.scrollTop = target;
      update(false, false);
    }
    if (!state.observer) sync();
  });

  // Puts a row at the top or bottom edge; false when it is already there.
  const align = useCallback(
    (index: number, edge: 'start' | 'end'): boolean => {
      const element = scrollRef.current;
      const start = state.starts[index];
      const end = state.starts[index + 1];
      if (!element || start === undefined || end === undefined) return false;
      // Rows start below the scroller's top padding, and an end edge shows its bottom padding too:
      // without them the newest message stopped a few pixels short of the view.
      const style = getComputedStyle(element);
      const top = Number.parseFloat(style.paddingTop) || 0;
      const target = Math.max(
        0,
        edge === 'start'
          ? top + start
          : top + end + (Number.parseFloat(style.paddingBottom) || 0) - element.clientHeight,
      );
      if (Math.abs(element.scrollTop - target) <= 1) return false;
      element.scrollTop = target;
      // Read back: the browser clamps a position past the end.
      state.expectTop = element.scrollTop;
      return true;
    },
    [scrollRef, state],
  );

  const scrollToIndex = useCallback(
    (index: number, where: 'auto' | 'start' | 'end') => {
      const element = scrollRef.current;
      const start = state.starts[index];
      const end = state.starts[index + 1];
      if (!element || start === undefined || end === undefined) return;
      const top = element.scrollTop;
      const edge =
        where !== 'auto' ? where : start < top ? 'start' : end > top + element.clientHeight ? 'end' : null;
      if (!edge) return;
      if (!align(index, edge)) state.expectTop = top;
      state.pending = { index, align: edge, tries: 10, until: performance.now() + 600 };
      sync();
    },
    [scrollRef, state, sync, align],
  );

  const rows: VirtualRow[] = [];
  if (range) {
    for (let index = range[0]; index <= range[1]; index++) {
      const start = starts[index] as number;
      rows.push({ index, key: options.getKey(index), start, size: (starts[index + 1] as number) - start });
    }
  }
  return { rows, totalSize: starts[count] as number, measure, scrollToIndex };
}
