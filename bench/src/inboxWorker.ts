// Runs in its own process with --expose-gc (see inboxApply.ts): prints one JSON line with the figures.
// Usage: inboxWorker.ts <throughput|memory> <events> <conversations> <pagedesk|baseline>
import { loadPagedesk, type PagedeskModules } from './pagedeskBuild.js';

const PAGE_ID = '104857600012345';
const T0 = 1_763_769_600_000;
const BATCH = 100;

interface BenchEvent {
  id: string;
  kind: string;
  pageId: string;
  customerId?: string;
}

/** The i-th customer text message as Meta sends it; event i goes to conversation i % conversations. */
function messagingItem(i: number, conversations: number) {
  const customerId = String(7_000_000_000_000_000 + (i % conversations) * 7919);
  const mid = `m_bench${i.toString(36).padStart(8, '0')}Qx7aLr2vTz0b9yWmE4kS1nHj`;
  const text = `Hello, I have a question about order #${100_000 + i}: when will it ship? Thanks!`;
  return {
    sender: { id: customerId },
    recipient: { id: PAGE_ID },
    timestamp: T0 + i * 10,
    message: { mid, text },
  };
}

/**
 * The events as the webhook hands them to apply(): parseWebhook of one delivery's JSON body per batch,
 * so mids, customer ids and texts are flat strings from JSON.parse and event ids the parser's own, as in
 * production (concatenated here, V8 would flatten them on their first hash, a cost no delivery has).
 */
function makeEvents(total: number, conversations: number, parse: PagedeskModules['parseWebhook']) {
  const events: BenchEvent[] = [];
  for (let start = 0; start < total; start += BATCH) {
    const messaging = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++)
      messaging.push(messagingItem(i, conversations));
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE_ID, time: T0 + start * 10, messaging }],
    });
    for (const event of parse(Buffer.from(body)) as BenchEvent[]) {
      if (event.kind !== 'message') throw new Error(`expected a message event, got ${event.kind}`);
      events.push(event);
    }
  }
  if (events.length !== total) throw new Error(`expected ${total} events, got ${events.length}`);
  return events;
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
  return createInbox({ store: memoryStore() }) as { apply(events: readonly BenchEvent[]): Promise<unknown> };
}

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
  const events = makeEvents(total, conversations, (await loadPagedesk()).parseWebhook);
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
