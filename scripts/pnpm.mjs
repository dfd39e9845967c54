#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's `packageManager` through npx, so a machine with only
// Node and npm can use the repo (corepack cannot verify pnpm's signatures on every network).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../package.json', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(root, 'utf8'));
const version = /^pnpm@([\w.-]+)/.exec(packageManager ?? '')?.[1];
if (!version) {
  console.error('package.json must pin pnpm in "packageManager", e.g. "pnpm@12.21.0"');
  process.exit(1);
}
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, ['-y', `pnpm@${version}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, npm_config_update_notifier: 'false' },
});
process.exit(result.status ?? 1);
