import type { Decorator } from '@storybook/react-vite';
import { QueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { PagedeskProvider } from '../src/index.js';
import { createFakeTransport, type FakeTransport, type FakeTransportOptions } from '../src/testing.js';

/** Every story runs at this instant, so countdowns and day separators are the same on every build. */
export const STORY_NOW = Date.UTC(2026, 2, 2, 12, 0, 0);

/** Options of the fake backend a story runs on. */
export interface FakeParameters extends FakeTransportOptions {
  /** Adjusts the generated data or arms failures before the first render. */
  prepare?: (transport: FakeTransport) => void;
  /** Runs once the provider is subscribed: push live events (typing, new messages) here. */
  live?: (transport: FakeTransport) => void;
}

function assetBase(): string {
  return typeof window === 'undefined'
    ? 'https://example.com/pagedesk/'
    : `${window.location.origin}/pagedesk/`;
}

export function StoryProvider({
  fake,
  theme,
  children,
}: {
  fake: FakeParameters;
  theme: 'light' | 'dark';
  children: ReactNode;
}) {
  const [transport] = useState(() => {
    const { prepare, ...options } = fake;
    const created = createFakeTransport({ now: () => STORY_NOW, assetBaseUrl: assetBase(), ...options });
    prepare?.(created);
    return created;
  });
  // Effects of children run first, so the provider's live subscription already exists here.
  useEffect(() => fake.live?.(transport), [fake, transport]);
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <PagedeskProvider
      transport={transport}
      queryClient={queryClient}
      theme={theme}
      now={() => STORY_NOW}
      agentId="agent-1"
      // The static Storybook serves its sample files from its own origin, which may be plain http on localhost.
      urlPolicy={{ allowLocalHttp: true }}
    >
      <div
        style={{
          height: 640,
          display: 'flex',
          flexDirection: 'column',
          background: theme === 'dark' ? '#17191d' : '#fff',
        }}
      >
        {children}
      </div>
    </PagedeskProvider>
  );
}

/** Wraps each story in a provider fed by a fresh fake transport (`parameters.fake`). */
export const withPagedesk: Decorator = (Story, context) => (
  <StoryProvider
    key={context.id}
    fake={(context.parameters.fake as FakeParameters | undefined) ?? {}}
    theme={context.globals.theme === 'dark' ? 'dark' : 'light'}
  >
    <Story />
  </StoryProvider>
);
