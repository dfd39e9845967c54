// Runs in its own process with --expose-gc (see inboxApply.ts): prints one JSON line with the figures.
// Usage: inboxWorker.ts <throughput|memory> <events> <conversations> <pagedesk|baseline>
import { loadPagedesk } from './pagedeskBuild.js';

const PAGE_ID = '104857600012345';
const T0 = 1_763_769_600_000;

interface BenchEvent {
  id: string;
  kind: 'message';
  platform: 'messenger';
  pageId: string;
  customerId: string;
  timestamp: number;
  mid: string;
  text: string;
  attachments: never[];
  raw: unknown;
}

/** The i-th customer text message; event i goes to conversation i % conversations. */
function makeEvent(i: number, conversations: number): BenchEvent {
  const customerId = String(7_000_000_000_000_000 + (i % conversations) * 7919);
  const mid = `m_bench${i.toString(36).padStart(8, '0')}Qx7aLr2vTz0b9yWmE4kS1nHj`;
  const timestamp = T0 + i * 10;
  const text = `Hello, I have a question about order #${100_000 + i}: when will it ship? Thanks!`;
  return {
    id: `message:${mid}`,
    kind: 'message',
    platform: 'messenger',
    pageId: PAGE_ID,
    customerId,
    timestamp,
    mid,
    text,
    attachments: [],
    raw: { sender: { id: customerId }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text } },
  };
}

/** The least an idempotent inbox can do: an id set for dedupe and an append to the conversation's list. */
function bareStore() {
  const seen = new Set<string>();
  const conversations = new Map<string, BenchEvent[]>();
  return {
    async apply(events: readonly BenchEvent[]) {
      for (const e of events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        const key = `${e.pageId}:${e.customerId}`;
        const list = conversations.get(key);
        if (list) list.push(e);
        else conversations.set(key, [e]);
      }
    },
  };
}

async function pagedeskInbox(): Promise<{ apply(events: readonly BenchEvent[]): Promise<unknown> }> {
  const { createInbox, memoryStore } = await loadPagedesk();
  return createInbox({ store: memoryStore() });
}

const BATCH = 100;

/** Applies `events` in batches; returns the wall time and the process's CPU time it took, in ms. */
async function applyAll(
  inbox: { apply(e: readonly BenchEvent[]): Promise<unknown> },
  events: BenchEvent[],
): Promise<{ wallMs: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < events.length; i += BATCH) await inbox.apply(events.slice(i, i + BATCH));
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const [mode, eventsArg, conversationsArg, who] = process.argv.slice(2);
  const total = Number(eventsArg);
  const conversations = Number(conversationsArg);
  const events = Array.from({ length: total }, (_, i) => makeEvent(i, conversations));
  const make = who === 'baseline' ? async () => bareStore() : pagedeskInbox;
  if (mode === 'throughput') {
    const inbox = await make();
    const { wallMs, cpuMs } = await applyAll(inbox, events);
    // CPU time (this process, GC threads included) barely moves when other processes load the machine;
    // wall time follows the load.
    process.stdout.write(
      `${JSON.stringify({ eventsPerSecond: total / (wallMs / 1000), cpuEventsPerSecond: total / (cpuMs / 1000) })}\n`,
    );
    return;
  }
  // Memory: the first `conversations` events open one conversation each (customer + conversation + first
  // message); the rest are further messages in them. Events are made before the first heap reading, so
  // the figures count only what the inbox keeps (its copies of the texts and the raw items included).
  const first = events.slice(0, conversations);
  const rest = events.slice(conversations);
  const before = heap();
  const inbox = await make();
  await applyAll(inbox, first);
  const afterConversations = heap();
  await applyAll(inbox, rest);
  const afterMessages = heap();
  // Keep the inbox and the events alive until the last reading.
  if (!inbox || events.length === 0) throw new Error('unreachable');
  process.stdout.write(
    `${JSON.stringify({
      bytesPerConversation: (afterConversations - before) / conversations,
      bytesPerMessage: (afterMessages - afterConversations) / rest.length,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(1);
  },
);
