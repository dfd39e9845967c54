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
    'Paired runs (2026-12-06, this store against the previous one in the same process, same 1,000,000-message seed, ' +
    '5,000 events per round in deliveries of 100, order alternating, load average 13–15 on the 2 cores): 8 rounds, ' +
    'median 2,650 against 1,910 events/s and 0.177x against 0.123x the bulk insert of the same round; CPU per 1,000 ' +
    'events 59 against 76 ms in Node and 84 against 110 ms in the PostgreSQL backend. On a fresh seed (4 rounds): ' +
    '0.151x against 0.046x, the backend at 68–78 ms per 1,000 events against 106–370 ms. Two changes: ' +
    "findLatestMany reads each customer's newest conversation as a LIMIT 1 index range (it read and sorted " +
    "every conversation of the batch's customers), and bulk writes send their rows as one jsonb array (pg's " +
    'array encoding escaped every JSON text and the backend parsed arrays before jsonb). Why 0.25x is still missed: ' +
    'the bulk insert costs 15–30 ms of CPU per 1,000 events (one table, one index, one round trip per delivery), ' +
    'the inbox about 140 ms: the backend spends ~45 ms on the messages upsert (5 B-tree indexes and the trigram index of ' +
    'message bodies) and ~45 ms on the conversations upsert (every new message moves last_message_at, which 8 of ' +
    'its 11 indexes hold, so no update is HOT); Node spends it on zod checks of every entity written (~16 ms), ' +
    "pg's protocol (~25 ms), garbage collection (~30 ms) and the inbox itself. A delivery also takes five round " +
    'trips (the channel read, BEGIN and the lock, the reads, the writes, COMMIT) against one, which is what a ' +
    'loaded machine charges for most. Sending BEGIN with the first reads was tried and dropped: it lets the ' +
    "unit's own code start before the lock is granted, which atomic() promises it never does. " +
    "The organisations' page: its plan reads 7 buffers of conversations_org_activity (0.02–0.04 ms in the " +
    'server); 200 samples at load 12–15 measured p50 1.6–2.7 ms and p99 11–16 ms, the rest being the client and ' +
    'the scheduling of a loaded machine.',
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
