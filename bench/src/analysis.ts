// Why a target is missed, from CPU profiles of the Pagedesk code as measured (node --cpu-prof on the
// bench bundle). Printed under "Targets" only while the target is missed; refresh after changing the code.

/** Profile findings per section id, dated. */
export const ANALYSIS: Record<string, string> = {
  'webhook-inprocess':
    'Profile (2026-11-22, 100-event batch): JSON.parse and the HMAC are the same work the minimal handler does; the ' +
    "rest is zod's validation of every event (its compiled object parsers), building the normalised events with " +
    'their deterministic ids, and the garbage collection those allocations cause: about 0.68x the limit on the batch, ' +
    'just under 0.7x. @warriorteam/messenger-sdk is level with the limit on the batch because it only verifies, parses ' +
    'and lists the messaging items (TypeScript types, no runtime check of any field); Pagedesk is ahead of every peer ' +
    'on the one-event body.',
  'webhook-http':
    'Profile (2026-11-22, createWebhook().node under autocannon): the server process was idle about 45% of the time ' +
    'while serving a quarter to a fifth of the baseline requests/s, so requests wait rather than compute. Visible costs: converting ' +
    'each node:http request into a web Request (undici Request, AbortSignal, ReadableStream of the body, ' +
    'makeTransferable) and writing the web Response back (writev was 14% of the profile), where the baseline reads ' +
    'the body and calls res.end() once.',
  'end-to-end':
    'The p99 follows the machine load: the same loopback path measured 9–25 ms in quiet moments and over 100 ms while ' +
    'other test suites ran on the 2 cores; the p50 stays within a few ms of the baseline.',
  inbox:
    'Profile (2026-11-22, 100,000 events): about 28,000 events/s in a quiet moment, linear in the number of events. ' +
    'Time goes to garbage collection (~20%), memoryStore.put storing a frozen copy of every record it writes (~14%), ' +
    'several awaited store calls per event (events.has, getByMid, findLatest, get, put), and hashing ids (~4%). ' +
    'Reaching 100,000 events/s needs fewer copies and fewer awaits per event in the memory store path.',
  react:
    'Timed in headless Chromium without a GPU on a loaded 2-core machine: frame times of 67–133 ms appear for both ' +
    'libraries while other processes run, and first render includes loading the first page of conversations through ' +
    'the transport. The DOM-size targets do not depend on load.',
  bundles:
    "esbuild metafile (2026-11-22, minified, before gzip): of the 78 KB core browser bundle, 48 KB is core's own code " +
    '(inbox, memory store, rules, window, transport schemas) and 29 KB zod/mini; of the 176 KB React bundle, 72 KB is ' +
    "the kit's components and hooks, 33 KB @tanstack/virtual-core, 29 KB zod, 20 KB core and 19 KB linkifyjs.",
};
