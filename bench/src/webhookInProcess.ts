import { measure } from 'mitata';
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

async function opsPerSecond(
  handler: (b: SignedBody) => unknown,
  body: SignedBody,
  cpuMs: number,
): Promise<number> {
  const stats = await measure(() => handler(body), { min_cpu_time: cpuMs * 1e6, max_samples: 1e9 });
  // The mean, not the median sample: mitata times fast sync functions in batches but async ones call by
  // call, so only the mean (GC pauses included) compares them fairly. Noise is handled by many short rounds.
  return 1e9 / stats.avg;
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
  const cpuMs = options.quick ? 25 : 150;
  // Many short interleaved rounds rather than a few long ones: load on a shared machine comes in bursts.
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
    const contenderRuns = new Map<InProcessContender, number[]>();
    for (let run = 0; run < rounds; run++) {
      // Rotate the order each run so no contender always goes first (JIT and GC state).
      const order = [...handlers.keys()];
      for (let k = 0; k < run % Math.max(1, order.length); k++)
        order.push(order.shift() as InProcessContender);
      limitRuns.push(await opsPerSecond(limit, body, cpuMs));
      for (const contender of order) {
        const list = contenderRuns.get(contender) ?? [];
        list.push(await opsPerSecond(handlers.get(contender) as (b: SignedBody) => unknown, body, cpuMs));
        contenderRuns.set(contender, list);
      }
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
      const values = contenderRuns.get(contender) ?? [];
      const row = pairedRow(name, 'deliveries/s', values, limitRuns, { higherIsBetter: true });
      if (contender === pagedesk) pagedeskRows.push({ body, row, values, baselines: limitRuns });
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
      `Each contender verifies the signature and parses the same signed bytes the way its own code does. mitata measures ` +
      `${cpuMs} ms of CPU per contender per round (mean time per call); ${rounds} rounds, contender order rotated each round; the figure is the ` +
      `median of per-run deliveries/s and the ratio is the median of per-run ratios to the minimal handler measured in the ` +
      `same run. Bodies: ${bodies.map((b) => `${b.name} = ${b.raw.length} bytes`).join(', ')}. Each contender must accept ` +
      `the genuine body and refuse a tampered one before it is measured.`,
    baselineName: minimal.name,
    rows,
    notes: [minimal, ...CONTENDERS].map((c) => `${c.name} ${c.version}: ${c.validates}.`),
  };
}
