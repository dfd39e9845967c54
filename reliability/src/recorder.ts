import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

// Figures of one reliability run. Vitest runs each test file in its own worker, so every file writes
// its own part (results/run/parts/<area>.json); the global teardown merges the parts into
// results/run/latest.json and renders results/run/RELIABILITY.md from it (report.ts). results/run/ is
// ignored by git: a test run never changes a tracked file. `pnpm reliability:report` publishes a complete run.

/** Where the published figures are kept (tracked): latest.json. */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
/** Where a run writes (ignored by git). */
export const runDir = join(resultsDir, 'run');
export const partsDir = join(runDir, 'parts');

/** One figure: a count or a measurement with its unit. */
export interface Figure {
  label: string;
  value: number | string;
  unit?: string;
}

/** What one area of the suite tried and found. */
export interface AreaResult {
  area: string;
  title: string;
  figures: Figure[];
  /** Cases or scenarios, one line each. */
  cases: string[];
  durationMs: number;
  /** Tests of the area that failed: a report with failures is not written as RELIABILITY.md. */
  failedTests: number;
}

/**
 * Collects one area's figures; `flush()` writes them (call it in afterAll). Counts the file's failed
 * tests too, unless `expectFailures` (a file of `it.fails` bug reports).
 */
export function createRecorder(area: string, title: string, options: { expectFailures?: boolean } = {}) {
  const started = performance.now();
  const figures = new Map<string, Figure>();
  const cases: string[] = [];
  let failedTests = 0;
  if (!options.expectFailures)
    afterEach(({ task }) => {
      if (task.result?.state === 'fail' || (task.result?.errors?.length ?? 0) > 0) failedTests++;
    });
  return {
    /** Sets a figure (the last value wins). */
    set(label: string, value: number | string, unit?: string) {
      figures.set(label, { label, value, ...(unit === undefined ? {} : { unit }) });
    },
    /** Adds to a counted figure. */
    add(label: string, by = 1) {
      const current = figures.get(label);
      const value = (typeof current?.value === 'number' ? current.value : 0) + by;
      figures.set(label, { label, value });
    },
    get(label: string): number | string | undefined {
      return figures.get(label)?.value;
    },
    case(line: string) {
      cases.push(line);
    },
    flush() {
      const result: AreaResult = {
        area,
        title,
        figures: [...figures.values()],
        cases,
        durationMs: Math.round(performance.now() - started),
        failedTests,
      };
      mkdirSync(partsDir, { recursive: true });
      writeFileSync(join(partsDir, `${area}.json`), `${JSON.stringify(result, null, 2)}\n`);
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

/** Removes the parts of an earlier run, so the report only shows this one. */
export function resetParts(): void {
  rmSync(partsDir, { recursive: true, force: true });
  mkdirSync(partsDir, { recursive: true });
}

/** Reads every part written so far, sorted by area. */
export function readParts(): AreaResult[] {
  let names: string[];
  try {
    names = readdirSync(partsDir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((n) => JSON.parse(readFileSync(join(partsDir, n), 'utf8')) as AreaResult)
    .sort((a, b) => a.area.localeCompare(b.area));
}
