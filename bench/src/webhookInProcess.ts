import type { BenchOptions } from './options.js';
import { batchBody, oneEventBody, type SignedBody } from './payloads.js';
import { botbuilder } from './peers/botbuilder.js';
import { bottender } from './peers/bottender.js';
import { messengerBot } from './peers/messengerBot.js';
import { minimal } from './peers/minimal.js';
import { pagedesk } from './peers/pagedesk.js';
import type { InProcessContender } from './peers/types.js';
import { warriorteam } from './peers/warriorteam.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { startChild } from './servers/child.js';
import { median } from './stats.js';

const CONTENDERS: InProcessContender[] = [pagedesk, bottender, botbuilder, warriorteam, messengerBot];

function tampered(body: SignedBody): SignedBody {
  const raw = Buffer.from(body.raw);
  raw[raw.length - 3] = (raw[raw.length - 3] as number) ^ 1;
  return { ...body, raw };
}

// A contender counts only if it accepts the genuine body and refuses a tampered one: otherwise it
// would be measuring something other than a correct handler.
async function check(handler: (b: SignedBody) => unknown, body: SignedBody): Promise<void> {
  await handler(body);
  let refused = false;
  try {
    await handler(tampered(body));
  } catch {
    refused = true;
  }
  if (!refused) throw new Error('accepted a tampered body');
}

/**
 * Calls the limit and the contender alternately, call by call, for `sliceMs` (at least 3 pairs), and
 * returns each one's deliveries/s over the same stretch of time: a burst of load from other processes
 * lands on both, which slice-by-slice benchmarking (A for a while, then B) cannot promise on a shared
 * machine. Which of the two goes first alternates, so neither always pays for the other's garbage.
 */
async function paired(
  limit: (b: SignedBody) => unknown,
  handler: (b: SignedBody) => unknown,
  body: SignedBody,
  sliceMs: number,
): Promise<{ limit: number; contender: number }> {
  let limitMs = 0;
  let contenderMs = 0;
  let pairs = 0;
  const start = performance.now();
  while ((pairs < 3 || performance.now() - start < sliceMs) && pairs < 1_000_000) {
    if (pairs % 2 === 0) {
      const t0 = performance.now();
      limit(body);
      const t1 = performance.now();
      await handler(body);
      const t2 = performance.now();
      limitMs += t1 - t0;
      contenderMs += t2 - t1;
    } else {
      const t0 = performance.now();
      await handler(body);
      const t1 = performance.now();
      limit(body);
      const t2 = performance.now();
      contenderMs += t1 - t0;
      limitMs += t2 - t1;
    }
    pairs++;
  }
  return { limit: pairs / (limitMs / 1000), contender: pairs / (contenderMs / 1000) };
}

/**
 * Section 1, run in a child process on plain node (see inProcessWorker.ts): the tsx loader of the bench
 * process would otherwise sit in the path of peers that `import()` at call time.
 */
export async function webhookInProcess(options: BenchOptions): Promise<Section> {
  const child = await startChild('inProcessWorker.ts', [JSON.stringify(options)], {
    timeoutMs: options.quick ? 110_000 : 580_000,
  });
  await child.stop();
  return child.hello as unknown as Section;
}

/** Verify + parse in-process, every contender beside the minimal handler, per body. */
export async function measureWebhookInProcess(options: BenchOptions): Promise<Section> {
  const sliceMs = options.quick ? 100 : 400;
  // Many short rounds rather than a few long ones: load on a shared machine comes in bursts.
  const rounds = options.runs * 2;
  const bodies = [oneEventBody(), batchBody()];
  const limit = await minimal.create();
  const handlers = new Map<InProcessContender, (b: SignedBody) => unknown>();
  const failures = new Map<InProcessContender, string>();
  for (const contender of CONTENDERS) {
    try {
      const handler = await contender.create();
      for (const body of bodies) await check(handler, body);
      handlers.set(contender, handler);
    } catch (error) {
      failures.set(contender, reason(error));
    }
  }

  const rows: Row[] = [];
  const peersRatios = new Map<string, number>();
  const pagedeskRows: Array<{ body: SignedBody; row: Row; values: number[]; baselines: number[] }> = [];
  for (const body of bodies) {
    const limitRuns: number[] = [];
    const contenderRuns = new Map<InProcessContender, { values: number[]; limits: number[] }>();
    // Warm every contender's JIT before anything is timed.
    for (const handler of handlers.values()) await paired(limit, handler, body, sliceMs / 4);
    for (let run = 0; run < rounds; run++) {
      // Rotate the order each round so no contender always goes first (JIT and GC state).
      const order = [...handlers.keys()];
      for (let k = 0; k < run % Math.max(1, order.length); k++)
        order.push(order.shift() as InProcessContender);
      const roundLimits: number[] = [];
      for (const contender of order) {
        const figures = await paired(
          limit,
          handlers.get(contender) as (b: SignedBody) => unknown,
          body,
          sliceMs,
        );
        const entry = contenderRuns.get(contender) ?? { values: [], limits: [] };
        entry.values.push(figures.contender);
        entry.limits.push(figures.limit);
        contenderRuns.set(contender, entry);
        roundLimits.push(figures.limit);
      }
      limitRuns.push(median(roundLimits));
    }
    rows.push({
      ...pairedRow(`${minimal.name} — ${body.name}`, 'deliveries/s', limitRuns, limitRuns, {
        higherIsBetter: true,
      }),
    });
    for (const contender of CONTENDERS) {
      const name = `${contender.name} ${contender.version} — ${body.name}`;
      const failed = failures.get(contender);
      if (failed) {
        rows.push(
          notMeasured(
            name,
            'deliveries/s',
            failed,
            contender === pagedesk ? '≥ 0.7x limit, ahead of typed peers' : undefined,
          ),
        );
        continue;
      }
      const { values, limits } = contenderRuns.get(contender) ?? { values: [], limits: [] };
      const row = pairedRow(name, 'deliveries/s', values, limits, { higherIsBetter: true });
      if (contender === pagedesk) pagedeskRows.push({ body, row, values, baselines: limits });
      else if (contender.typesEvents) peersRatios.set(`${contender.name}|${body.name}`, row.ratio ?? 0);
      rows.push(row);
    }
  }
  // Targets need every peer's ratio, so they are attached once all bodies ran.
  for (const { body, row } of pagedeskRows) {
    const ratio = row.ratio ?? 0;
    const typedPeers = CONTENDERS.filter((c) => c !== pagedesk && c.typesEvents && handlers.has(c));
    const best = Math.max(0, ...typedPeers.map((c) => peersRatios.get(`${c.name}|${body.name}`) ?? 0));
    row.target = {
      text: `≥ 0.7x limit and ahead of typed peers (best ${best.toFixed(2)}x)`,
      pass: ratio >= 0.7 && ratio > best,
    };
  }

  return {
    id: 'webhook-inprocess',
    title: '1. Webhook in-process: verify + parse',
    method:
      `Each contender verifies the signature and parses the same signed bytes the way its own code does, in a Node ` +
      `process of its own (plain node, no TypeScript loader). Paired timing: the minimal handler and the contender are ` +
      `called alternately, call by call, for ${sliceMs} ms per contender per round, so both see the same machine load; ` +
      `${rounds} rounds, contender order rotated each round, after an untimed warmup. The figure is the median of the ` +
      `per-round deliveries/s and the ratio the median of the per-round ratios to the minimal handler timed beside it ` +
      `(the baseline column shows the median of those limit figures). Bodies: ` +
      `${bodies.map((b) => `${b.name} = ${b.raw.length} bytes`).join(', ')}. Each contender must accept the genuine body ` +
      `and refuse a tampered one before it is measured.`,
    baselineName: minimal.name,
    rows,
    notes: [minimal, ...CONTENDERS].map((c) => `${c.name} ${c.version}: ${c.validates}.`),
  };
}
