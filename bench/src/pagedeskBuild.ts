import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { benchDir } from './servers/child.js';

// Pagedesk is measured as users run it: bundled to plain ESM like its tsup build (no minification, no
// dev-transpiler helpers such as tsx's keepNames `__name` wrappers, which cost a few percent in hot
// paths), from the source through the `@pagedesk/source` condition so no package build is needed.
// One bundle holds core and node-webhook together, so the inbox and the webhook share one copy of core;
// dependencies (zod, eventemitter3, lru-cache...) are inlined too, since pnpm keeps them out of bench's reach.

/** Where the bundle is written (bench/.cache is git-ignored). */
export const PAGEDESK_BUNDLE = join(benchDir, '.cache', 'pagedesk.mjs');

const ENTRY = `
export { createInbox, defaultChannelSettings, memoryStore } from '@pagedesk/core';
export { createInboxApi, createWebhook, parseWebhook, verifySignature } from '@pagedesk/node-webhook';
`;

/** Builds the bundle; rejects with esbuild's first error when a module is missing or broken. */
export async function buildPagedesk(): Promise<void> {
  mkdirSync(join(benchDir, '.cache'), { recursive: true });
  // Never measure a stale bundle: a failed build leaves no file, and every Pagedesk row says why.
  rmSync(PAGEDESK_BUNDLE, { force: true });
  await build({
    stdin: { contents: ENTRY, resolveDir: benchDir, loader: 'ts' },
    bundle: true,
    outfile: PAGEDESK_BUNDLE,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@pagedesk/source'],
    logLevel: 'silent',
  });
}

/** What the bench uses from Pagedesk. */
export interface PagedeskModules {
  verifySignature(raw: Buffer, header: string | undefined, appSecret: string): boolean;
  parseWebhook(raw: Buffer): unknown[];
  createWebhook(options: Record<string, unknown>): {
    node(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void;
  };
  createInboxApi(options: Record<string, unknown>): {
    node(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void;
  };
  createInbox(options: Record<string, unknown>): { apply(events: readonly unknown[]): Promise<unknown> };
  memoryStore(): { channels: { put(channel: Record<string, unknown>): Promise<void> } };
  defaultChannelSettings: Record<string, unknown>;
}

/** Loads the bundle (built by run.ts before any section runs), checking the exports the bench needs. */
export async function loadPagedesk(): Promise<PagedeskModules> {
  if (!existsSync(PAGEDESK_BUNDLE)) {
    throw new Error(`Pagedesk did not build: ${process.env.PAGEDESK_BENCH_BUILD_ERROR ?? 'no bundle'}`);
  }
  const mod = (await import(pathToFileURL(PAGEDESK_BUNDLE).href)) as Partial<PagedeskModules>;
  for (const name of [
    'verifySignature',
    'parseWebhook',
    'createWebhook',
    'createInboxApi',
    'createInbox',
    'memoryStore',
  ] as const) {
    if (typeof mod[name] !== 'function') throw new Error(`${name} is not exported yet`);
  }
  return mod as PagedeskModules;
}
