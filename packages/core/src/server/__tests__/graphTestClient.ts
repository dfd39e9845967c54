import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createGraphClient, type GraphClientOptions } from '../graphClient.js';
import type { GraphRequestInfo } from '../graphRequest.js';
import { type GraphStandin, startGraphStandin } from './graphStandin.js';

// The Graph client tests' shared setup: one stand-in per test file (no handler between tests) and a
// client that records its sleeps and logs instead of waiting.

export const APP_SECRET = 'app-secret-0123456789';
export const PAGE_TOKEN = 'EAAB-page-token-abcdefghij';

/** Starts the stand-in for a test file; read `standin` inside tests, after the hooks ran. */
export function useGraphStandin(): { readonly standin: GraphStandin } {
  const env = {} as { standin: GraphStandin };
  beforeAll(async () => {
    env.standin = await startGraphStandin();
  });
  afterAll(() => env.standin.close());
  beforeEach(() => {
    env.standin.requests.length = 0;
    env.standin.handle(() => undefined);
  });
  return env;
}

/** A client of app 111 on the stand-in, with `PAGE1`'s Page handle. */
export function testClient(standin: GraphStandin, overrides: Partial<GraphClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: GraphRequestInfo[] = [];
  const graph = createGraphClient({
    appId: '111',
    appSecret: APP_SECRET,
    version: '25.0',
    baseUrl: standin.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRequest: (info) => logs.push(info),
    ...overrides,
  });
  return { graph, sleeps, logs, page: graph.forPage({ id: 'PAGE1', accessToken: PAGE_TOKEN }) };
}
