import { fmt, median, round } from './stats.js';

// What every measurement module returns; run.ts turns these into BENCHMARKS.md and latest.json.

/** A target line: `figure <op> value`, checked on the median. */
export interface Target {
  /** Human text, e.g. "≥ 0.7x the minimal handler". */
  text: string;
  pass: boolean;
}

/** One row of a table: a contender's figure beside its same-run baseline. */
export interface Row {
  name: string;
  /** What is measured, e.g. "ops/s", "req/s", "ms p99". */
  metric: string;
  /** The median figure; null when not measured. */
  value: number | null;
  /** The median of the same-run baseline figure. */
  baseline: number | null;
  /** Median of the per-run ratios to the baseline (for throughput, contender / baseline; for time, baseline / contender unless `ratioNote` says otherwise). */
  ratio: number | null;
  /** The per-run figures the median was taken over. */
  runs: number[];
  target?: Target;
  /** Why it was not measured. */
  notMeasured?: string;
  note?: string;
}

/** One measurement section (one file of src/). */
export interface Section {
  id: string;
  title: string;
  /** How it was measured: contenders, durations, repetitions. */
  method: string;
  baselineName: string;
  rows: Row[];
  notes: string[];
}

/** A row for something that could not be measured, with the reason. */
export function notMeasured(name: string, metric: string, reason: string, target?: string): Row {
  return {
    name,
    metric,
    value: null,
    baseline: null,
    ratio: null,
    runs: [],
    notMeasured: reason,
    ...(target ? { target: { text: target, pass: false } } : {}),
  };
}

/**
 * A row from paired per-run figures: `ratio` is the median of the per-run ratios, so machine drift
 * between runs cancels out (each contender is compared with the baseline measured beside it).
 */
export function pairedRow(
  name: string,
  metric: string,
  values: number[],
  baselines: number[],
  opts: { higherIsBetter: boolean; target?: (value: number, ratio: number) => Target; note?: string },
): Row {
  const ratios = values.map((v, i) => {
    const b = baselines[i] ?? Number.NaN;
    return opts.higherIsBetter ? v / b : b / v;
  });
  const value = median(values);
  const ratio = median(ratios);
  const baseline = median(baselines);
  return {
    name,
    metric,
    value: round(value),
    baseline: Number.isFinite(baseline) ? round(baseline) : null,
    ratio: Number.isFinite(ratio) ? round(ratio) : null,
    runs: values.map((v) => round(v)),
    ...(opts.target ? { target: opts.target(value, ratio) } : {}),
    ...(opts.note ? { note: opts.note } : {}),
  };
}

/** Error text without stack, short enough for a table cell. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}

function cell(value: number | null, suffix = ''): string {
  return value === null ? '—' : `${fmt(value)}${suffix}`;
}

/** Renders one section as Markdown. */
export function sectionMarkdown(section: Section): string {
  const lines = [`## ${section.title}`, '', section.method, ''];
  lines.push(
    `| contender | metric | median | baseline (${section.baselineName}) | ratio | runs | target | result |`,
  );
  lines.push('|---|---|---:|---:|---:|---|---|---|');
  for (const row of section.rows) {
    if (row.notMeasured) {
      lines.push(
        `| ${row.name} | ${row.metric} | not measured: ${row.notMeasured.replaceAll('|', '\\|')} | — | — | — | ${row.target?.text ?? ''} | ${row.target ? 'NOT MEASURED' : ''} |`,
      );
      continue;
    }
    const result = row.target ? (row.target.pass ? 'PASS' : 'FAIL') : '';
    lines.push(
      `| ${row.name} | ${row.metric} | ${cell(row.value)} | ${cell(row.baseline)} | ${cell(row.ratio, 'x')} | ${row.runs.length}: ${row.runs.map(fmt).join(', ')} | ${row.target?.text ?? ''} | ${result} |`,
    );
  }
  if (section.notes.length > 0) {
    lines.push('', ...section.notes.map((n) => `- ${n}`));
  }
  return lines.join('\n');
}
