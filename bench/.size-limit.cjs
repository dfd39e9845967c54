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
    name: '@pagedesk/react (without its peer dependencies)',
    path: '../packages/react/src/index.ts',
    // The target is 40 KB and is missed (43.7 KB: organisations, the server clock, reply modes,
    // unknown outcomes, archived media and the toolkit hooks came in at once; README "Performance").
    // This gate stops further growth while the target is won back; bench/src/bundles.ts still judges
    // against 40 KB. 46 KB since the customer thread (earlier conversations, "continues in") and
    // clipped long messages came in (+1.5 KB); 55 KB since the customer panel, notifications, thread
    // owner, moderation, template picker, composer parts and surveys came in (54.3 KB); 53.5 KB since
    // schemas the kit never parses stopped riding along and zod's `extend` left (53.0 KB; 53.3 KB with
    // the survey card).
    limit: '53.5 KB',
    gzip: true,
    ignore: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    modifyEsbuildConfig: withSource,
  },
];
