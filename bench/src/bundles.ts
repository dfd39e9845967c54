import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import type { BenchOptions } from './options.js';
import { notMeasured, type Row, reason, type Section } from './report.js';

/**
 * The browser entries, with the budgets that `.size-limit.cjs` enforces in CI (same externals, same condition).
 * `split`: the entry loads parts of itself on demand (`import()`), so it is bundled with code splitting
 * and judged on its initial load (below).
 */
export const ENTRIES = [
  {
    name: '@pagedesk/core (browser entry, with its dependencies)',
    entry: '@pagedesk/core',
    external: [] as string[],
    budget: 20_000,
    split: false,
  },
  {
    name: '@pagedesk/react, initial load (without react, react-dom, @tanstack/react-query)',
    entry: '@pagedesk/react',
    external: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    budget: 40_000,
    split: true,
  },
  {
    name: '@chatscope/chat-ui-kit-react (peer, same externals; no budget)',
    entry: '@chatscope/chat-ui-kit-react',
    external: ['react', 'react/*', 'react-dom', 'react-dom/*'],
    budget: 0,
    split: false,
  },
];

/** Sizes of one bundled entry: `initial` is what loads before any `import()` runs. */
export interface BundleSizes {
  initial: { min: number; gzip: number; files: number };
  /** The chunks that only `import()` reaches (empty without code splitting). */
  onDemand: { min: number; gzip: number; files: number };
}

/**
 * The output files that load with the entry: the entry chunk and, transitively, the chunks it imports
 * statically. Chunks reached only through `import()` load when the code that imports them runs.
 */
export function initialFiles(metafile: Metafile): Set<string> {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === '<stdin>');
  const seen = new Set<string>();
  const pending = entry ? [entry] : [];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) pending.push(imported.path);
  }
  return seen;
}

/**
 * Bundles an entry for the browser (minified ESM, `@pagedesk/source` condition) and returns min and gzip
 * sizes. With `split`, esbuild splits the bundle into chunks (`splitting: true`) and each output file is
 * gzipped on its own, as a browser fetches it.
 */
export async function measureBundle(entry: string, external: string[], split = false): Promise<BundleSizes> {
  const outdir = await mkdtemp(join(tmpdir(), 'pagedesk-bundle-'));
  try {
    const result = await build({
      stdin: { contents: `export * from '${entry}';`, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@pagedesk/source', 'browser', 'import', 'module'],
      external,
      splitting: split,
      outdir,
      metafile: true,
      write: true,
      logLevel: 'silent',
      loader: { '.css': 'empty' },
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const initial = initialFiles(result.metafile);
    const sizes: BundleSizes = {
      initial: { min: 0, gzip: 0, files: 0 },
      onDemand: { min: 0, gzip: 0, files: 0 },
    };
    for (const file of Object.keys(result.metafile.outputs)) {
      if (!file.endsWith('.js')) continue;
      const code = await readFile(file);
      const part = initial.has(file) ? sizes.initial : sizes.onDemand;
      part.min += code.byteLength;
      part.gzip += gzipSync(code, { level: 9 }).byteLength;
      part.files += 1;
    }
    return sizes;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const bytes = (n: number) => n.toLocaleString('en-US');

/** A row without a target: a figure reported beside the judged one. */
function infoRow(name: string, gzip: number, note: string): Row {
  return { name, metric: 'bytes min+gz', value: gzip, baseline: null, ratio: null, runs: [gzip], note };
}

/** Section 6: min+gzip of each browser-facing entry, beside its budget. */
export async function bundles(_options: BenchOptions): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const e of ENTRIES) {
    const target =
      e.budget > 0 ? `< ${e.budget / 1000} KB gz (1 KB = 1,000 bytes, as size-limit counts)` : undefined;
    try {
      const { initial, onDemand } = await measureBundle(e.entry, e.external, e.split);
      const gzip = initial.gzip;
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
        `${e.name}: ${bytes(initial.min)} bytes minified, ${bytes(gzip)} bytes gzip` +
          (e.split
            ? ` in ${initial.files} files (the entry chunk and the chunks it imports statically).`
            : '.'),
      );
      if (e.split) {
        const kit = e.entry;
        rows.push(
          infoRow(
            `${kit}, on-demand chunks (sum; no target)`,
            onDemand.gzip,
            `${onDemand.files} ${onDemand.files === 1 ? 'chunk' : 'chunks'}, loaded when a lazy part first shows`,
          ),
          infoRow(
            `${kit}, whole kit (every chunk; no target)`,
            gzip + onDemand.gzip,
            'what a host ships in all, initial and on-demand',
          ),
        );
        notes.push(
          `${kit} on demand: ${bytes(onDemand.min)} bytes minified, ${bytes(onDemand.gzip)} bytes gzip in ` +
            `${onDemand.files} ${onDemand.files === 1 ? 'chunk' : 'chunks'}; the whole kit ${bytes(initial.min + onDemand.min)} bytes minified, ` +
            `${bytes(gzip + onDemand.gzip)} bytes gzip.`,
        );
      }
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
      '(level 9). @pagedesk/react loads its admin and toolkit panels on first use (`import()`), so it is bundled ' +
      'with code splitting (`splitting: true`): its target is judged on the initial load, the entry chunk plus the ' +
      'chunks it imports statically (each file gzipped on its own, as a browser fetches it); the on-demand chunks ' +
      'and the whole kit are reported beside it without a target. One run: sizes are deterministic. The baseline ' +
      'column is the budget, and the ratio is budget / size (above 1 = under budget). `pnpm --filter @pagedesk/bench ' +
      'size` (size-limit, bench/.size-limit.cjs) gates the same entries in CI.',
    baselineName: 'budget',
    rows,
    notes,
  };
}
