import type { InboxTransport } from '@pagedesk/core';
import { QueryClient } from '@tanstack/react-query';
import { cleanup, configure, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { PagedeskProvider, type PagedeskProviderProps } from '../PagedeskProvider.js';

// Vitest runs without globals, so testing-library cannot register its own cleanup. A test that fakes
// timers must not leave them faked: react-query schedules its notifications with setTimeout.
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  // Drafts and failed replies are kept in localStorage: no test may inherit another's.
  globalThis.localStorage?.clear();
});
// The machine running the suite may be busy: give asynchronous queries room before failing.
configure({ asyncUtilTimeout: 5000 });

/** A fixed clock: 2026-03-02 12:00 UTC. */
export const NOW = Date.UTC(2026, 2, 2, 12, 0, 0);

/** A query client that neither retries nor refetches behind the test's back. */
export function testClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Number.POSITIVE_INFINITY, gcTime: Number.POSITIVE_INFINITY },
    },
  });
}

/**
 * jsdom lays nothing out, so virtualised lists would render no rows. Give every element a viewport
 * height and every row a height, like a browser would.
 */
export function stubLayout(viewport = 600, row = 60): void {
  const saved: Array<[string, PropertyDescriptor | undefined]> = [];
  beforeAll(() => {
    for (const [name, value] of [
      ['clientHeight', viewport],
      ['clientWidth', 400],
      ['offsetHeight', row],
      ['offsetWidth', 400],
    ] as const) {
      saved.push([name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)]);
      Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
    }
  });
  afterAll(() => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    }
  });
}

export function renderWith(
  transport: InboxTransport,
  ui: ReactNode,
  props: Partial<Omit<PagedeskProviderProps, 'transport' | 'children'>> = {},
) {
  const queryClient = props.queryClient ?? testClient();
  const result = render(
    <PagedeskProvider transport={transport} queryClient={queryClient} now={() => NOW} {...props}>
      {ui}
    </PagedeskProvider>,
  );
  return { ...result, queryClient };
}
