// Why a target is missed, from CPU profiles of the Pagedesk code as measured (node --cpu-prof on the
// bench bundle, Chromium traces for the React pages). Printed under "Targets" only while the target is
// missed; refresh after changing the code.

/** Profile findings per section id, dated. */
export const ANALYSIS: Record<string, string> = {
  'webhook-inprocess':
    'Profile (2026-12-06, 100-event batch): HMAC and JSON.parse are the work the minimal handler does too; the rest ' +
    'is checking each messaging item against its schema (a hand-written check per shape, zod only to name what is ' +
    'wrong), building the normalised events with their deterministic ids, and since the 100,000-body fuzz run the ' +
    "inbox's own check of every event built (core's validateEvent, so an event the inbox would refuse becomes " +
    '`unknown` instead of failing its whole delivery on every retry). Timed apart (5 × 8,000 batches, before and ' +
    'after, same process), the parser alone costs 15–17 µs per 100-event batch without that check and 30–38 µs ' +
    'with it, against ~165 µs of HMAC and JSON.parse: about 0.04x of the ratio. @warriorteam/messenger-sdk ' +
    'verifies, parses and lists the items with TypeScript types only (no field is checked at run time), so it sits ' +
    'at the limit less its noise: 0.878x in the previous full run (Pagedesk 0.913x, ahead) and 0.964x in this one ' +
    '(Pagedesk 0.876x). Being ahead of it needs a parser cheaper than its listing; the check stays, as the ' +
    'reliability suite showed what it prevents.',
  'webhook-http':
    'Runs (2026-12-06): 0.746–0.779x in three full runs before the `dedupe: false` path changed, 0.882x in the ' +
    'first after it; the ratio moves by a few hundredths from run to run with no code change. The server is the ' +
    'bottleneck in both cases (its main thread at 100% of a core in /proc while autocannon takes about 55% of the ' +
    'other): 57.7 µs of CPU per request for the minimal server and 68.2 µs for Pagedesk before the change. What ' +
    'Pagedesk does beyond the minimal handler is its contract: the body read with a size cap and an abort check, the ' +
    "event's schema check and normalisation (parseWebhook 8 µs per request with the JSON.parse the minimal server " +
    'does too), the bounded hand-off and the error reporting. `dedupe: false` used to set up the bookkeeping that ' +
    'only a dedupe store needs (the claim of each id, a promise per delivery and an async step); without it, paired ' +
    'runs of 4 s went from 0.84–0.87x to 0.85–0.89x.',
  'end-to-end':
    'The p99 follows the machine load: the same loopback path measured 9–25 ms in quiet moments and over 100 ms while ' +
    'other test suites ran on the 2 cores; the p50 stays within a few ms of the baseline.',
  inbox:
    'Events as the webhook hands them over (2026-12-06, session 18): the section used to build its events by ' +
    'hand: the bench concatenated the mids and texts itself, which V8 keeps as rope strings and flattens on ' +
    'their first hash, where a delivery has them flat from JSON.parse (only the event id is built by ' +
    'concatenation, by the parser, in both). Built by parseWebhook from one Meta body per batch instead, ' +
    'interleaved runs on plain node measured medians of 99,000 (hand-built) and 105,000 (parsed) events/s, and ' +
    'the full section 100,677–116,229. Profile (100,000 events): garbage collection ' +
    '12–15%, then the memory store itself (messages.put, events.hasMany and addMany, customers.get: the first hash ' +
    'of each fresh id in Maps of 100,000 entries); the inbox code is spread thin (no function above 5%). The await ' +
    'per store call adds ~15%; a synchronous twin of the message path measured 104,000–113,000 events/s on the ' +
    'hand-built events but was not kept (it doubled the inbox code).',
  postgres:
    'Where a delivery of 100 events goes (2026-12-07, log_min_duration_statement = 0, 100 deliveries on the seeded ' +
    "schema): the backend spends about 9 ms binding and executing the unit's statements — the messages upsert " +
    '3.5 ms (the trigram index of message bodies 0.6 ms of it, the other secondary indexes 0.8 ms), the ' +
    'conversations upsert 3.0 ms (every new message moves last_message_at, which 8 of the 11 indexes hold, so no ' +
    'update is HOT; 1.0 ms without its secondary indexes), processed ids 0.8 ms, the bulk reads 1.5 ms — and Node ' +
    "about 4–5 ms (zod checks of every row read and written, pg's protocol, garbage collection, the inbox). Quiet " +
    'runs measure 6,200–7,500 events/s; the rate follows the load of the 2 shared cores (runs while other suites ' +
    'ran measured 4,800–5,300). Earlier this month the rate fell run after run (6,625 to 1,782 events/s) while a ' +
    'generic plan cached on each connection scanned processed_events whole; units now plan at every run ' +
    "(plan_cache_mode) and send the queries of one tick in one socket write. The organisations' page: its plan " +
    'reads 7 buffers of conversations_org_activity (0.02–0.04 ms in the server); the rest of its p99 is the client ' +
    'and the scheduling of the machine.',
  react:
    'Chromium traces (2026-12-06): no scroll frame used more than ~14 ms of main-thread CPU (ConversationList ' +
    'median 5.5–6 ms, MessageList ~3 ms); the long frames are gaps in which the page is not scheduled at all while ' +
    'other processes load the 2 cores (load average 2–6). First render of 10,000 conversations is ~75 ms of CPU: ' +
    'first React mount and the fake transport 22–30 ms, the first Intl.DateTimeFormat of a fresh page 12–35 ms, ' +
    'two layouts ~40 ms; in quiet moments it measures 99–125 ms.',
  bundles:
    'esbuild metafile (2026-12-07): what the React kit loads first holds no zod. The zod checks of server ' +
    "answers, live events, this browser's stored replies and the composer's drafts are a chunk of their own " +
    '(browserChecks.ts, 0.5 KB, with zod and the schemas in a chunk it shares with the on-demand panels, 12 KB), ' +
    'fetched beside the first read (before the first write); the first load imports the rules it needs from @pagedesk/core/rules, ' +
    "core's zod-free entry (esbuild's code splitting places every module a barrel re-exports with each importer " +
    'of the barrel, so importing the main entry kept the schemas in the first load even when only an import() ' +
    'used them). Initial load 50.1 KB before, 39.8 KB now (size-limit, one bundle: 47.3 KB before, 36.7 KB now); ' +
    'the whole kit grew from 56.8 to 59.1 KB, the price of one more chunk. ' +
    'The core browser entry (under its target) leaves out what only a server calls: createInbox, memoryStore, the ' +
    "upload store's reading and sniffing and the inbox API's request checks.",
};
