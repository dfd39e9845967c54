import { writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.config.base';
import { joinStyles } from './joinStyles';

// File for file, so every module keeps its 'use client' directive (see tsup.config.base.ts). The
// stylesheets under src/styles/ become the one published dist/styles.css, in index.css's order.
export default defineConfig(
  packageConfig({
    entry: ['src/**/*.{ts,tsx}', '!src/**/__tests__/**', '!src/**/*.stories.tsx'],
    fileForFile: true,
    platform: 'browser',
    onSuccess: async () => {
      await writeFile('dist/styles.css', await joinStyles('src/styles'));
    },
  }),
);
