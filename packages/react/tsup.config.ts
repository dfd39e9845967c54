import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.config.base';

// File for file, so every module keeps its 'use client' directive (see tsup.config.base.ts).
export default defineConfig(
  packageConfig({
    entry: ['src/**/*.{ts,tsx}', '!src/**/__tests__/**', '!src/**/*.stories.tsx'],
    fileForFile: true,
    platform: 'browser',
    loader: { '.css': 'copy' },
  }),
);
