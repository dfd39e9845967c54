// Bundle budgets, enforced in CI with `pnpm --filter @pagedesk/bench size`. Same bundling as the bench's
// bundles.ts: esbuild, browser platform, the `@pagedesk/source` condition (source entries, no build
// needed), gzip. Peers of @pagedesk/react are external, as a host app already ships them.
const withSource = (config) => {
  config.conditions = ['@pagedesk/source', 'browser', 'import', 'module'];
  config.platform = 'browser';
  config.loader = { ...config.loader, '.css': 'empty' };
  config.define = { ...config.define, 'process.env.NODE_ENV': '"production"' };
  return config;
};

// The initial load of an entry that loads parts on demand: every `import()` stays out of the bundle, so
// the figure is the code that loads before any lazy part shows, as one file.
const initialOnly = (config) => {
  const leaveDynamicImportsOut = {
    name: 'leave-dynamic-imports-out',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      );
    },
  };
  config = withSource(config);
  config.plugins = [...(config.plugins ?? []), leaveDynamicImportsOut];
  return config;
};

// Everything an entry ships, its on-demand chunks included: ESM with code splitting, every output file
// gzipped on its own and summed (size-limit sums the files esbuild writes), as bench/src/bundles.ts does.
const wholeKit = (config) => {
  config = withSource(config);
  config.format = 'esm';
  config.splitting = true;
  return config;
};

module.exports = [
  {
    name: '@pagedesk/core (browser entry, with its dependencies)',
    // The file the `browser` export condition of '@pagedesk/core' points at (bundles.ts goes through the
    // package name, so a wrong exports map shows there).
    path: '../packages/core/src/browser.ts',
    // The target is 20 KB. 22.1 KB once the shared rules came into core; 19.1 KB since what only a
    // server calls (the upload store's sniffing, the inbox API's request checks, serializeError,
    // AppMismatchError) left the browser entry, the survey draft stopped pulling zod's URL and number
    // formats and the template schema zod's `extend` (README "Performance"); 18.73 KB since whole
    // numbers, refinements and emails are plain zod checks (packages/core/src/checks.ts) rather than
    // zod's `multipleOf`, `refine` and `email` kinds. bench/src/bundles.ts counts 19.89 KB for the same
    // code: its `export *` wrapper adds the ESM export list, about 1.1 KB here.
    limit: '18.8 KB',
    gzip: true,
    modifyEsbuildConfig: withSource,
  },
  {
    name: '@pagedesk/react, initial load (without its peer dependencies)',
    path: '../packages/react/src/index.ts',
    // The target is 40 KB. 53.5 KB in one bundle until the admin and toolkit panels loaded on first use;
    // 47.3 KB until the zod checks of server answers, live events, stored replies and the composer's
    // drafts did too (browserChecks.ts, fetched beside the first request) and the first load imported
    // core's zod-free entry, @pagedesk/core/rules (README "Performance"). size-limit cannot follow only
    // the static imports of a split build, so this gate bundles the entry with its `import()`s left out,
    // as one file: 36.7 KB; 36.2 KB since ValidationError lost its static `fromZod`, which held the zod
    // issue formatting (issues.ts) in every bundle that imports the class. bench/src/bundles.ts judges
    // the target on the split build (the entry chunk plus the chunks it imports statically, each gzipped
    // on its own: 39.3 KB). 36.5 KB with the fixes of 2026-12-07 (reply mode and files per conversation,
    // focus after Send, archived media and profile pictures, a search the host clears stays cleared, a
    // new transport drops what the old one fetched).
    limit: '36.5 KB',
    gzip: true,
    ignore: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    modifyEsbuildConfig: initialOnly,
  },
  {
    name: '@pagedesk/react, whole kit (initial and on-demand chunks, without its peer dependencies)',
    path: '../packages/react/src/index.ts',
    // No target: this gate keeps the lazy parts from growing unseen. 59.1 KB (bench/src/bundles.ts
    // reports the same figure as "whole kit"); 56.8 KB before the checks became a chunk of their own;
    // 59.4 KB with the fixes of 2026-12-07 (see the initial load's).
    limit: '59.4 KB',
    gzip: true,
    ignore: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    modifyEsbuildConfig: wholeKit,
  },
];
