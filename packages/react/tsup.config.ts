import { defineConfig, type Options } from 'tsup';
import { packageConfig } from '../../tsup.config.base';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// esbuild-plugin-file-path-extensions (in the shared base) leaves imports that already end in `.js`
// alone, and ours all do (verbatimModuleSyntax + ESM), so esbuild would bundle them into shared
// chunks that lose 'use client'. This keeps every relative import external instead, so each source
// module becomes exactly one output module with its directive; CJS output points at the .cjs twins.
const keepModulesSeparate: Plugin = {
  name: 'pagedesk-keep-modules-separate',
  setup(build) {
    const cjs = build.initialOptions.define?.TSUP_FORMAT === '"cjs"';
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'import-statement' || !args.importer) return undefined;
      return { path: cjs ? args.path.replace(/\.js$/, '.cjs') : args.path, external: true };
    });
  },
};

// File for file, so every module keeps its 'use client' directive (see tsup.config.base.ts).
export default defineConfig(
  packageConfig({
    entry: ['src/**/*.{ts,tsx}', '!src/**/__tests__/**', '!src/**/*.stories.tsx'],
    fileForFile: true,
    platform: 'browser',
    loader: { '.css': 'copy' },
  }).map((options) => ({
    ...options,
    esbuildPlugins: [keepModulesSeparate, ...(options.esbuildPlugins ?? [])],
  })),
);
