import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.config.base';

export default defineConfig(
  packageConfig({
    entry: [
      'src/index.ts',
      'src/browser.ts',
      'src/rulesEntry.ts',
      'src/server.ts',
      'src/signing.ts',
      'src/testing.ts',
    ],
    external: ['vitest'],
  }),
);
