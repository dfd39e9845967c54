'use client';

import { useEffect, useState } from 'react';
import type { browserChecks } from './browserChecks.js';

// The kit's zod checks (browserChecks.ts) load on first use: a bundler makes a chunk of them, fetched
// beside the first request. What needs them at once (a stored reply, a file the agent attaches) reads
// them through `useChecks`, which renders again when they arrive.

/** The on-demand checks module. */
export type BrowserChecks = typeof browserChecks;

let loaded: BrowserChecks | undefined;
let loading: Promise<BrowserChecks> | undefined;

/** Loads the checks (once; a failed load is tried again by the next call). */
export function loadChecks(): Promise<BrowserChecks> {
  loading ??= import('./browserChecks.js').then(
    (module) => {
      loaded = module.browserChecks;
      return module.browserChecks;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The checks if they have loaded, else undefined (and they start loading); renders again when they do. */
export function useChecks(): BrowserChecks | undefined {
  const [checks, setChecks] = useState(loaded);
  useEffect(() => {
    if (checks) return;
    let live = true;
    loadChecks().then(
      (module) => {
        if (live) setChecks(module);
      },
      // A chunk that failed to load: the transport's next request loads it again and reports its error.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [checks]);
  return checks;
}
