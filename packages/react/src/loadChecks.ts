'use client';

import { useEffect, useSyncExternalStore } from 'react';
import type { browserChecks } from './browserChecks.js';

// The kit's zod checks (browserChecks.ts) load on first use: a bundler makes a chunk of them, fetched
// beside the first read and before the first write. What needs them at once (a stored reply, the
// composer's plan) reads them through `useChecks`, which renders again when they arrive.

/** The on-demand checks. */
export type BrowserChecks = typeof browserChecks;

let loaded: BrowserChecks | undefined;
let loading: Promise<BrowserChecks> | undefined;
const listeners = new Set<() => void>();

/**
 * Loads the checks (once; a failed load is tried again by the next call). A browser may keep a failed
 * chunk failed until the page reloads (Chromium caches a failed module fetch), so callers report the
 * failure rather than wait on it.
 */
export function loadChecks(): Promise<BrowserChecks> {
  loading ??= import('./browserChecks.js').then(
    (module) => {
      loaded = module.browserChecks;
      for (const listener of listeners) listener();
      return module.browserChecks;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const current = () => loaded;
const onServer = () => undefined;

/** Delays between the hook's own attempts after a failed load: 1 s doubling to 30 s, while mounted. */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * The checks once loaded, else undefined: it starts the load, tries again after a failure (backing
 * off while the component is mounted) and renders again when they arrive, whoever loaded them.
 */
export function useChecks(): BrowserChecks | undefined {
  const checks = useSyncExternalStore(subscribe, current, onServer);
  useEffect(() => {
    if (checks) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const attempt = (delay: number) => {
      loadChecks().catch(() => {
        if (live) timer = setTimeout(() => attempt(Math.min(delay * 2, RETRY_MAX_MS)), delay);
      });
    };
    attempt(RETRY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [checks]);
  return checks;
}
