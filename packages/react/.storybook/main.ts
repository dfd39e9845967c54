import type { StorybookConfig } from '@storybook/react-vite';
import { mergeConfig } from 'vite';

// Stories sit beside their components and run on the fake transport: no backend, no network.
const config: StorybookConfig = {
  stories: ['../src/**/*.stories.tsx'],
  addons: ['@storybook/addon-a11y'],
  framework: { name: '@storybook/react-vite', options: {} },
  staticDirs: ['./public'],
  core: { disableTelemetry: true },
  // Prop tables are not used by these stories; skipping docgen halves the build time in CI.
  typescript: { reactDocgen: false },
  viteFinal: (viteConfig) =>
    mergeConfig(viteConfig, {
      // Workspace packages resolve to their TypeScript sources, so no build of @pagedesk/core is needed.
      resolve: { conditions: ['@pagedesk/source', 'module', 'browser', 'development|production'] },
    }),
};

export default config;
