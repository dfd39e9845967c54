import type { BenchOptions } from './options.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { startChild } from './servers/child.js';

const FULL = { events: 100_000, conversations: 10_000 };
// Quick runs are a smoke test: a tenth of the events, so the targets do not apply.
const QUICK = { events: 10_000, conversations: 1_000 };

async function worker(
  mode: 'throughput' | 'memory',
  who: 'pagedesk' | 'baseline',
  size: typeof FULL,
): Promise<Record<string, number>> {
  const child = await startChild(
    'inboxWorker.ts',
    [mode, String(size.events), String(size.conversations), who],
    {
      nodeArgs: ['--expose-gc', '--max-old-space-size=4096'],
      timeoutMs: 240_000,
    },
  );
  await child.stop();
  return child.hello as Record<string, number>;
}

/** Section 4: inbox.apply() throughput and memory per conversation and per message, memory store. */
export async function inboxApply(options: BenchOptions): Promise<Section> {
  const runs = options.quick ? 1 : options.runs;
  const size = options.quick ? QUICK : FULL;
  const base: number[] = [];
  const ours: number[] = [];
  const baseCpu: number[] = [];
  const oursCpu: number[] = [];
  const memBase: Array<Record<string, number>> = [];
  const memOurs: Array<Record<string, number>> = [];
  let failure: string | undefined;
  for (let run = 0; run < runs; run++) {
    const bare = await worker('throughput', 'baseline', size);
    base.push(bare.eventsPerSecond as number);
    baseCpu.push(bare.cpuEventsPerSecond as number);
    if (failure) continue;
    try {
      const pagedesk = await worker('throughput', 'pagedesk', size);
      ours.push(pagedesk.eventsPerSecond as number);
      oursCpu.push(pagedesk.cpuEventsPerSecond as number);
    } catch (error) {
      failure = reason(error);
    }
  }
  // Heap figures vary far less than timings: three runs are enough even in a full run.
  const memRuns = Math.min(runs, 3);
  for (let run = 0; run < memRuns; run++) {
    memBase.push(await worker('memory', 'baseline', size));
    if (failure) continue;
    try {
      memOurs.push(await worker('memory', 'pagedesk', size));
    } catch (error) {
      failure = reason(error);
    }
  }

  const rows: Row[] = [
    pairedRow('bare Map append (baseline)', 'events/s', base, base, { higherIsBetter: true }),
  ];
  if (failure) {
    rows.push(
      notMeasured('Pagedesk inbox.apply() on memoryStore()', 'events/s', failure, '≥ 100,000 events/s'),
    );
    rows.push(notMeasured('Pagedesk inbox.apply() on memoryStore(), per CPU second', 'events/s', failure));
    rows.push(notMeasured('Pagedesk memory per stored text message', 'bytes', failure, '< 2 KB per message'));
    rows.push(notMeasured('Pagedesk memory per conversation', 'bytes', failure));
  } else {
    rows.push(
      pairedRow('Pagedesk inbox.apply() on memoryStore()', 'events/s', ours, base, {
        higherIsBetter: true,
        target: (value) => ({ text: '≥ 100,000 events/s', pass: value >= 100_000 }),
      }),
    );
    rows.push(
      pairedRow('Pagedesk inbox.apply() on memoryStore(), per CPU second', 'events/s', oursCpu, baseCpu, {
        higherIsBetter: true,
      }),
    );
    const pick = (list: Array<Record<string, number>>, key: string) => list.map((m) => m[key] as number);
    rows.push(
      pairedRow(
        'Pagedesk memory per stored text message',
        'bytes',
        pick(memOurs, 'bytesPerMessage'),
        pick(memBase, 'bytesPerMessage'),
        {
          higherIsBetter: false,
          target: (value) => ({ text: '< 2 KB (2,048 bytes) per message', pass: value < 2048 }),
        },
      ),
    );
    rows.push(
      pairedRow(
        'Pagedesk memory per conversation (with its customer and first message)',
        'bytes',
        pick(memOurs, 'bytesPerConversation'),
        pick(memBase, 'bytesPerConversation'),
        { higherIsBetter: false },
      ),
    );
  }
  return {
    id: 'inbox',
    title: '4. Inbox apply and memory',
    method:
      `${size.events.toLocaleString('en-US')} customer text messages over ${size.conversations.toLocaleString('en-US')} conversations, ` +
      'as the webhook hands them over: each batch of 100 is one delivery, a Meta body of 100 messaging items parsed by ' +
      '`parseWebhook` (before the clock starts) into MessengerEvents with their raw items, so every string is one the parser ' +
      'builds from JSON as in production; the batches are applied with ' +
      `\`createInbox({ store: memoryStore() })\`, each run in a fresh Node process; ${runs} throughput runs, ${memRuns} memory ` +
      'runs. Events per CPU second divide the events by the CPU time the process used applying them (GC threads ' +
      'included), which the load other processes put on the machine changes less than the wall time. ' +
      `Memory is the heap growth after two forced GCs (--expose-gc): per conversation over the first ${size.conversations.toLocaleString('en-US')} events ` +
      `(one new conversation each), per message over the others. Memory ratios are baseline bytes / Pagedesk bytes.` +
      (options.quick ? ' Quick run: reduced size, so the throughput target does not apply.' : ''),
    baselineName: 'bare Map append',
    rows,
    notes: [
      'Baseline: a Set of event ids (idempotency) and a Map from conversation key to an array the event object is pushed onto: the least an idempotent inbox can do.',
      "Memory counts what each keeps beyond the input: the events (texts, raw items) are allocated before the first heap reading, so strings an implementation keeps by reference are counted for neither, and the baseline's figure is only its index (a Set entry and an array slot per event).",
      'Pagedesk does more per event: customer and conversation records, threading, unread counts, message records with delivery state, change events; the ratio is the price of that model.',
    ],
  };
}
