import { defineConfig } from 'vitest/config';
import { react18Aliases } from './compat/react18/aliases.js';

// The react18 and browser-react18 projects run the React kit's jsdom and Chromium suites on React 18.3:
// React, React DOM and the libraries that import them resolve to the private workspace package
// compat/react18, where pnpm links them to React 18 (so no second React sneaks in through a dependency).
const react18 = react18Aliases();

// One run covers every package: `vitest run` from the root. Tests import packages through the
// `@pagedesk/source` export condition, so nothing needs building first.
export default defineConfig({
  resolve: { conditions: ['@pagedesk/source'] },
  ssr: { resolve: { conditions: ['@pagedesk/source'] } },
  test: {
    restoreMocks: true,
    setupFiles: ['./scripts/vitest.setup.ts'],
    projects: [
      // Type tests (`*.test-d.ts`, expectTypeOf) run once, with tsc, in a project of their own.
      {
        extends: true,
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['packages/*/src/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      { extends: true, test: { name: 'core', include: ['packages/core/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'node-webhook', include: ['packages/node-webhook/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'emulator', include: ['packages/emulator/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'react',
          include: ['packages/react/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          env: { PAGEDESK_REACT_MAJOR: '19' },
        },
      },
      {
        extends: true,
        resolve: { alias: react18 },
        test: {
          name: 'react18',
          include: ['packages/react/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          env: { PAGEDESK_REACT_MAJOR: '18' },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/browser/**/*.browser.test.ts', 'examples/*/test/**/*.browser.test.ts'],
          globalSetup: ['./scripts/ensure-chromium.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { PAGEDESK_REACT_MAJOR: '19' },
        },
      },
      // The React kit's Chromium suite again, its page bundled with React 18.3 (the test reads the major
      // from the environment and aliases the page's React the same way as the react18 project).
      {
        extends: true,
        test: {
          name: 'browser-react18',
          include: ['packages/react/browser/**/*.browser.test.ts'],
          globalSetup: ['./scripts/ensure-chromium.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { PAGEDESK_REACT_MAJOR: '18' },
        },
      },
      // The adapters for running on several servers, against real PostgreSQL and Redis on 127.0.0.1.
      {
        extends: true,
        test: {
          name: 'services',
          include: ['packages/store-postgres/src/**/*.test.ts', 'packages/redis/src/**/*.test.ts'],
          globalSetup: ['./scripts/services.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'examples',
          include: ['examples/*/test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['reliability/**/*.test.ts'],
          globalSetup: [
            './scripts/ensure-chromium.ts',
            './scripts/services.ts',
            './reliability/src/globalSetup.ts',
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
