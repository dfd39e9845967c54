import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// Every relative import stays external, so each source module becomes exactly one output module and
// keeps its own 'use client' directive (bundling would move code into shared chunks without it). The
// CJS build points each import at the `.cjs` twin of the module. Dynamic `import()`s stay external too,
// so a lazily loaded part remains its own module (a chunk of the host's bundle), not inlined.
const keepModulesSeparate: Plugin = {
  name: 'pagedesk-keep-modules-separate',
  setup(build) {
    const cjs = build.initialOptions.define?.['TSUP_FORMAT'] === '"cjs"';
    // CJS: `import()` of a sibling becomes `require()` in a promise, since Node's import() of a .cjs
    // file built for the browser does not see its named exports.
    if (cjs) build.initialOptions.supported = { ...build.initialOptions.supported, 'dynamic-import': false };
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if ((args.kind !== 'import-statement' && args.kind !== 'dynamic-import') || !args.importer)
        return undefined;
      return { path: cjs ? args.path.replace(/\.js$/, '.cjs') : args.path, external: true };
    });
  },
};

/**
 * The one build shape every package shares: ESM + CJS + declarations for each, ES2022.
 * `fileForFile` compiles each source module on its own (for React modules with 'use client').
 */
export function packageConfig(options: Options & { fileForFile?: boolean }): Options[] {
  const { fileForFile = false, ...rest } = options;
  const shared: Options = {
    format: ['esm', 'cjs'],
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    outDir: 'dist',
    tsconfig: 'tsconfig.json',
    ...rest,
  };
  return [fileForFile ? { ...shared, splitting: false, esbuildPlugins: [keepModulesSeparate] } : shared];
}
