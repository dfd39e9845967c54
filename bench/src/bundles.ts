import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchOptions } from './options.js';
import { notMeasured, type Row, reason, type Section } from './report.js';

/** The browser entries, with the budgets that `.size-limit.cjs` enforces in CI (same externals, same condition). */
export const ENTRIES = [
  {
    name: '@pagedesk/core (browser entry, with its dependencies)',
    entry: '@pagedesk/core',
    external: [] as string[],
    budget: 20_000,
  },
  {
    name: '@pagedesk/react (without react, react-dom, @tanstack/react-query)',
    entry: '@pagedesk/react',
    external: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    budget: 40_000,
  },
  {
    name: '@chatscope/chat-ui-kit-react (peer, same externals; no budget)',
    entry: '@chatscope/chat-ui-kit-react',
    external: ['react', 'react/*', 'react-dom', 'react-dom/*'],
    budget: 0,
  },
];

/** Bundles an entry for the browser (minified ESM, `@pagedesk/source` condition) and returns min and gzip sizes. */
export async function measureBundle(
  entry: string,
  external: string[],
): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@pagedesk/source', 'browser', 'import', 'module'],
    external,
    write: false,
    logLevel: 'silent',
    loader: { '.css': 'empty' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

/** Section 6: min+gzip of each browser-facing entry, beside its budget. */
export async function bundles(_options: BenchOptions): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const e of ENTRIES) {
    const target =
      e.budget > 0 ? `< ${e.budget / 1000} KB gz (1 KB = 1,000 bytes, as size-limit counts)` : undefined;
    try {
      const { min, gzip } = await measureBundle(e.entry, e.external);
      rows.push({
        name: e.name,
        metric: 'bytes min+gz',
        value: gzip,
        baseline: e.budget > 0 ? e.budget : null,
        ratio: e.budget > 0 ? Math.round((e.budget / gzip) * 1000) / 1000 : null,
        runs: [gzip],
        ...(target ? { target: { text: target, pass: gzip < e.budget } } : {}),
      });
      notes.push(
        `${e.name}: ${min.toLocaleString('en-US')} bytes minified, ${gzip.toLocaleString('en-US')} bytes gzip.`,
      );
    } catch (error) {
      rows.push(notMeasured(e.name, 'bytes min+gz', reason(error), target));
    }
  }
  return {
    id: 'bundles',
    title: '6. Bundle size',
    method:
      'esbuild bundles `export * from "<entry>"` for the browser (ESM, minified, NODE_ENV=production, the ' +
      '`@pagedesk/source` condition so the figure is the source as published, CSS excluded) and node:zlib gzips it ' +
      '(level 9). One run: sizes are deterministic. The baseline column is the budget, and the ratio is budget / size ' +
      '(above 1 = under budget). The same budgets are enforced by `pnpm --filter @pagedesk/bench size` (size-limit, ' +
      'bench/.size-limit.cjs).',
    baselineName: 'budget',
    rows,
    notes,
  };
}
