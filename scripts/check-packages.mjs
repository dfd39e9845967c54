#!/usr/bin/env node
// publint --strict and are-the-types-wrong on every publishable package (after `pnpm build`).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const cwd = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  console.info(`\n--- ${pkg.name}`);
  // Entries without a `require` condition are ESM-only on purpose (@pagedesk/core/testing imports
  // vitest, which cannot be required); scripts/check-packed.mjs checks that require refuses them.
  const esmOnly = Object.entries(pkg.exports)
    .filter(
      ([subpath, target]) =>
        typeof target === 'object' && !('require' in target) && !subpath.endsWith('.css'),
    )
    .map(([subpath]) => subpath);
  for (const [cmd, args] of [
    [bin('publint'), ['--strict', '--pack', 'npm']],
    // Every resolution, TypeScript's legacy `moduleResolution: "node"` too (common in CommonJS servers on
    // Node 20: `typesVersions` serves it the subpaths' types); a stylesheet has no types.
    [bin('attw'), ['--pack', '.', '--exclude-entrypoints', 'styles.css', ...esmOnly]],
  ]) {
    try {
      execFileSync(cmd, args, { cwd, stdio: 'inherit' });
    } catch {
      failed++;
    }
  }
}
if (failed > 0) {
  console.error(`\n${failed} package check(s) failed`);
  process.exit(1);
}
