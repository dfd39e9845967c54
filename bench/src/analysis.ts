// Why a target is missed, from CPU profiles of the Pagedesk code as measured (node --cpu-prof on the
// bench bundle, Chromium traces for the React pages). Printed under "Targets" only while the target is
// missed; refresh after changing the code.

/** Profile findings per section id, dated. */
export const ANALYSIS: Record<string, string> = {
  'webhook-inprocess':
    'Profile (2026-12-06, 100-event batch): HMAC and JSON.parse are the work the minimal handler does too; the rest ' +
    'is checking each messaging item against its schema (a hand-written check per shape, zod only to name what is ' +
    'wrong) and building the normalised events with their deterministic ids. That keeps Pagedesk near 0.9x the ' +
    'limit on the batch, about level with @warriorteam/messenger-sdk, which verifies, parses and lists the items ' +
    'with TypeScript types only (no field is checked at run time): the two swap places from run to run.',
  'webhook-http':
    'Paired runs (the Pagedesk server and the bare node:http server take turns, same body, same autocannon ' +
    'settings): createWebhook().node reads the body once, verifies and parses it, and answers with a ' +
    'Content-Length; what remains is the schema checks of the events.',
  'end-to-end':
    'The p99 follows the machine load: the same loopback path measured 9–25 ms in quiet moments and over 100 ms while ' +
    'other test suites ran on the 2 cores; the p50 stays within a few ms of the baseline.',
  inbox:
    'Profile (2026-12-06, 100,000 events; medians of 72,900 and 91,400 events/s in two runs that day, the ratio to the baseline 0.10x in both): garbage collection ~18% ' +
    '(scavenges of the stored records), messages.put 13%, messages.getByMid 10%, events.has 8%, copying the ' +
    'conversation 5%, customers.get 4%, findLatest 4%, hashId 2.5%, validation 1.4%: about a dozen lookups and ' +
    'inserts in maps of 10,000–100,000 entries per event, each behind an awaited Store call. Those promises and ' +
    'async frames are most of the 6.7 KB allocated per event. A synchronous twin of the message path for the ' +
    'memory store measured 104,000–113,000 events/s but was not kept: it doubled the inbox code every store ' +
    'change must keep in step, for the in-memory store only. Answering with settled promises instead of async ' +
    'methods in the memory store changed nothing measurable (6 paired runs: 75,900 before, 74,400 after; tried ' +
    'again with batched units, same result). Batched units take one processed-ids lookup and one insert per ' +
    'delivery instead of two awaited calls per event; paired against main by CPU time (4 runs each, 100,000 events) ' +
    'the two are level (75,000–89,000 events/s of CPU), so the figure follows the load: 100,590 events/s (0.108x) in a ' +
    'run at load average 7, 41,000–56,000 (0.063–0.084x) in runs at load 6–20 the same morning, 5,900–11,200 ' +
    '(0.075x) at load 12–13 that afternoon (the bare-Map baseline fell from 820,000 to 98,000 with it).',
  postgres:
    'Per-statement figures (2026-12-06, 5,000 events in deliveries of 100 on a 50,000-conversation seed, load average ' +
    "12–17 on the 2 cores): the server executes a delivery's statements in ~3 ms (EXPLAIN ANALYZE: messages upsert " +
    '~1.4 ms, conversations ~0.35 ms, each read under 0.3 ms); the rest is CPU on both sides and the scheduling of ' +
    "each round trip. CPU per 1,000 events: ~80 ms in Node (pg's array encoding of the unnest parameters, zod " +
    'checks of each row written and read, the inbox) and ~70 ms in the PostgreSQL backend (parsing the jsonb, ' +
    'updating the 10 conversation indexes: every new message moves last_message_at, which 8 of them hold, so no ' +
    'update is HOT). Pipelining the unit (its reads in one round trip, its writes in another: 4 a delivery instead ' +
    'of 11, plus the channel read) raised the ratio to the bulk insert from 0.083x to 0.137x in runs at the same ' +
    'loads; the bulk-insert baseline writes one table with one index and itself fell from 40,700 to 10,900 events/s ' +
    'as the load rose. Per-event units measured 550 events/s; quieter runs of batched units measured up to 5,900 events/s. ' +
    "The organisations' page p99 follows the load as well (runs 4.4–60 ms at load 12–13; 2.6–6.9 ms at load 6–15 " +
    'the same morning): its query and index are unchanged.',
  react:
    'Chromium traces (2026-12-06): no scroll frame used more than ~14 ms of main-thread CPU (ConversationList ' +
    'median 5.5–6 ms, MessageList ~3 ms); the long frames are gaps in which the page is not scheduled at all while ' +
    'other processes load the 2 cores (load average 2–6). First render of 10,000 conversations is ~75 ms of CPU: ' +
    'first React mount and the fake transport 22–30 ms, the first Intl.DateTimeFormat of a fresh page 12–35 ms, ' +
    'two layouts ~40 ms; in quiet moments it measures 99–125 ms.',
  bundles:
    'esbuild metafile (2026-12-06): the core browser entry leaves out createInbox and memoryStore (server-side), ' +
    'and its largest part is zod/mini for the transport schemas; the React kit brings its own small virtualiser ' +
    '(useVirtualRows) and link finder (findLinks) instead of @tanstack/react-virtual and linkifyjs.',
};
