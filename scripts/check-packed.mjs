#!/usr/bin/env node
// What a consumer of the published packages receives, checked before it is published (run after
// `pnpm build`; CI runs it, and so does `pnpm release`):
// 1. every public package is packed the way `changeset publish` publishes it (`pnpm pack`, which turns
//    `workspace:` ranges into versions), and a packed manifest with a `workspace:`, `catalog:`, `link:`,
//    `file:` or other unresolved range fails the check;
// 2. the tarballs are installed into a fresh npm project with plain `npm install` (the registry npm is
//    configured with fetches zod, ky, react...);
//    each package's README install command is also run as written, one after the other, in a project
//    of its own that already tests with vitest 3: the peers it names arrive at their newest release,
//    an optional peer (vitest, of @pagedesk/core/testing) meets the host's own copy, and `npm ls` must
//    find every peer range met (an unmet one makes npm refuse every later install there: ERESOLVE);
// 3. scripts/packed/smoke.mjs imports (ESM) and requires (CJS) every entry, verifies a signed webhook
//    and renders the inbox with react-dom/server; scripts/packed/rsc.mjs loads @pagedesk/react as a React
//    Server Components bundler would (the `react-server` condition, 'use client' modules as client
//    references) and expects real values from the server-safe helpers;
// 4. @pagedesk/core is bundled as edge runtimes and browsers bundle it (esbuild with wrangler's and
//    Next.js's edge conditions, then with a browser's): edge runtimes get the full entry with the inbox,
//    browsers the light one, and neither pulls a Node built-in;
// 5. examples/nextjs is built with `next build` on the tarballs and run end to end in Chromium
//    (scripts/packed/nextjs-e2e.mjs).
// `--keep` leaves the temporary project in place and prints where it is.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'pagedesk-packed-'));
const tarballDir = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballDir);
mkdirSync(app);

const step = (text) => console.info(`\n--- ${text}`);
const problems = [];

// Anything npm cannot resolve on a consumer's machine: a workspace or catalog protocol, a local path.
const UNRESOLVED = /^(workspace|catalog|link|file|portal|patch|git\+file):|^\.{0,2}\//;
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

// pnpm sets npm_config_* variables for its own scripts; the consumer's npm must not inherit them.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(npm_|pnpm_)/i.test(key) || /^npm_config_(registry|cache|userconfig|update_notifier)$/i.test(key),
  ),
);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

step('pnpm pack every public package');
const packages = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const cwd = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const before = new Set(readdirSync(tarballDir));
  execFileSync(
    process.execPath,
    [join(root, 'scripts', 'pnpm.mjs'), 'pack', '--pack-destination', tarballDir],
    {
      cwd,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const tarball = readdirSync(tarballDir).find((name) => !before.has(name));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
  const path = join(tarballDir, tarball);
  const packed = JSON.parse(
    execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
  );
  packages.push({ name: manifest.name, dir: cwd, version: packed.version, path, packed });
  console.info(`${manifest.name}@${packed.version}: ${tarball}`);
}

step('packed manifests resolve on a consumer machine');
const versions = new Map(packages.map((p) => [p.name, p.version]));
for (const { name, packed } of packages) {
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dependency, range] of Object.entries(packed[field] ?? {})) {
      if (typeof range !== 'string' || range.trim() === '' || UNRESOLVED.test(range)) {
        problems.push(`${name}: ${field}.${dependency} is "${range}", which npm cannot resolve`);
        continue;
      }
      // A sibling must be pinned to the version released with it (the packages share one version).
      const sibling = versions.get(dependency);
      if (sibling !== undefined && field !== 'devDependencies' && range.replace(/^[\^~]/, '') !== sibling) {
        problems.push(`${name}: ${field}.${dependency} is "${range}", not the released ${sibling}`);
      }
    }
  }
}
if (problems.length > 0) fail();
console.info(`${packages.length} manifests: no workspace:, catalog: or local ranges`);

step("each package's README install command, as a helpdesk engineer runs it");
{
  const readmeApp = join(work, 'readme-install');
  mkdirSync(readmeApp);
  writeFileSync(
    join(readmeApp, 'package.json'),
    `${JSON.stringify({ name: 'pagedesk-readme-install', private: true, type: 'module' }, null, 2)}\n`,
  );
  // A host's own test runner, older than the one this repository tests with: the optional peer of
  // @pagedesk/core/testing must not keep it from installing the packages it runs in production.
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--save-dev', 'vitest@3'], {
    cwd: readmeApp,
    stdio: 'inherit',
    env,
  });
  const tarballs = new Map(packages.map((p) => [p.name, p.path]));
  for (const { name, dir } of packages) {
    const command = readFileSync(join(dir, 'README.md'), 'utf8').match(/^npm install (.+)$/m);
    if (!command) {
      problems.push(`${name}: its README has no \`npm install\` line`);
      continue;
    }
    const args = command[1].trim().split(/\s+/);
    console.info(`npm install ${args.join(' ')}`);
    try {
      execFileSync(
        npm,
        ['install', '--no-audit', '--no-fund', ...args.map((arg) => tarballs.get(arg) ?? arg)],
        { cwd: readmeApp, stdio: 'inherit', env },
      );
    } catch {
      problems.push(`${name}: \`npm install ${args.join(' ')}\` failed (output above)`);
    }
  }
  try {
    execFileSync(npm, ['ls', '--all'], { cwd: readmeApp, stdio: ['ignore', 'ignore', 'pipe'], env });
  } catch (error) {
    problems.push(`npm ls after the README installs: ${String(error.stderr).trim()}`);
  }
  if (problems.length > 0) fail();
  console.info('every README install command succeeds and leaves each peer range met');
}

step('npm install the tarballs into a fresh project');
writeFileSync(
  join(app, 'package.json'),
  `${JSON.stringify({ name: 'pagedesk-packed-smoke', private: true, type: 'module' }, null, 2)}\n`,
);
const devRange = (dependency) => rootManifest.devDependencies[dependency];
const nextExample = join(root, 'examples', 'nextjs');
const nextManifest = JSON.parse(readFileSync(join(nextExample, 'package.json'), 'utf8'));
execFileSync(
  npm,
  [
    'install',
    '--no-audit',
    '--no-fund',
    ...packages.map((p) => p.path),
    `react@${devRange('react')}`,
    `react-dom@${devRange('react-dom')}`,
    `@tanstack/react-query@${devRange('@tanstack/react-query')}`,
    // The optional peer of @pagedesk/core/testing (its store contract suite).
    `vitest@${devRange('vitest')}`,
    // examples/nextjs, built from the tarballs below.
    ...['next', 'server-only'].map((name) => `${name}@${nextManifest.dependencies[name]}`),
    ...['typescript', '@types/react', '@types/react-dom', '@types/node'].map(
      (name) => `${name}@${devRange(name)}`,
    ),
  ],
  { cwd: app, stdio: 'inherit', env },
);

step('smoke tests: every entry as ESM and CJS, a signed webhook, server rendering');
for (const file of ['smoke.mjs', 'rsc.mjs'])
  copyFileSync(join(root, 'scripts', 'packed', file), join(app, file));
const names = JSON.stringify(packages.map((p) => p.name));
run([join(app, 'smoke.mjs'), names]);

step('React Server Components: the react-server condition, client modules as client references');
run([
  '--conditions=react-server',
  '--import',
  pathToFileURL(join(root, 'scripts', 'packed', 'rsc-register.mjs')).href,
  join(app, 'rsc.mjs'),
]);

step('edge runtimes and browsers: which @pagedesk/core entry each bundler gets');
{
  // esbuild is core's own dev dependency (pnpm does not hoist it to the root).
  const esbuild = createRequire(join(root, 'packages', 'core', 'package.json'))('esbuild');
  const bundlers = [
    { name: 'Cloudflare wrangler', conditions: ['workerd', 'worker', 'browser'], entry: 'index.js' },
    { name: 'Next.js edge runtime', conditions: ['edge-light', 'worker', 'browser'], entry: 'index.js' },
    { name: 'a browser page', conditions: [], entry: 'browser.js' },
  ];
  for (const { name, conditions, entry } of bundlers) {
    const contents =
      entry === 'index.js'
        ? "export { createInbox, memoryStore, evaluateWindow } from '@pagedesk/core';"
        : "export { evaluateWindow } from '@pagedesk/core';";
    try {
      const { metafile } = await esbuild.build({
        stdin: { contents, resolveDir: app, loader: 'js' },
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'browser',
        conditions,
        logLevel: 'silent',
      });
      const inputs = Object.keys(metafile.inputs);
      const core = inputs.filter((input) => input.includes('node_modules/@pagedesk/core/dist/'));
      const builtins = Object.values(metafile.inputs)
        .flatMap((input) => input.imports)
        .filter((imported) => imported.path.startsWith('node:'));
      if (!core.some((input) => input.endsWith(`/dist/${entry}`)))
        problems.push(
          `${name} (${conditions.join(', ') || 'browser'}): not dist/${entry} but ${core.join(', ')}`,
        );
      else if (builtins.length > 0)
        problems.push(`${name}: Node built-ins in the bundle: ${builtins.map((b) => b.path).join(', ')}`);
      else console.info(`${name}: dist/${entry}, no Node built-ins`);
    } catch (error) {
      problems.push(`${name} (${conditions.join(', ')}): ${error.message}`);
    }
  }
  if (problems.length > 0) fail();
}

step('examples/nextjs: next build on the tarballs, then end to end in Chromium');
cpSync(join(nextExample, 'src'), join(app, 'src'), { recursive: true });
copyFileSync(join(nextExample, 'next.config.mjs'), join(app, 'next.config.mjs'));
// The example's tsconfig extends the repository's; the copy gets a standalone one with the same rules.
writeFileSync(
  join(app, 'tsconfig.json'),
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        jsx: 'preserve',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        skipLibCheck: true,
        allowJs: true,
        noEmit: true,
        incremental: true,
        plugins: [{ name: 'next' }],
      },
      include: ['next-env.d.ts', 'src', '.next/types/**/*.ts'],
      exclude: ['node_modules'],
    },
    null,
    2,
  )}\n`,
);
const nextEnv = { ...env, NEXT_TELEMETRY_DISABLED: '1' };
try {
  execFileSync(process.execPath, [join(app, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: app,
    stdio: 'inherit',
    env: nextEnv,
  });
} catch {
  problems.push('next build of examples/nextjs on the tarballs failed (output above)');
  fail();
}
run([join(root, 'scripts', 'packed', 'nextjs-e2e.mjs'), app]);

if (keep) console.info(`\nkept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.info('\npacked packages install and work');

function run(args) {
  try {
    execFileSync(process.execPath, args, { cwd: app, stdio: 'inherit', env });
  } catch {
    problems.push(`node ${args.join(' ')} failed (output above)`);
    fail();
  }
}

function fail() {
  console.error(`\n${problems.join('\n')}`);
  console.error(`\nthe temporary project is kept in ${work}`);
  process.exit(1);
}
