import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BenchOptions } from './options.js';
import { type PageResult, RESULT_PREFIX } from './pages/measure.js';
import { versionOf } from './peers/versions.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { benchDir } from './servers/child.js';

type Kind = 'pagedesk' | 'chatscope';

const CHROMIUM = process.env.PAGEDESK_BENCH_CHROMIUM ?? '/usr/bin/chromium';

async function bundle(kind: Kind, outdir: string): Promise<void> {
  await build({
    entryPoints: { [kind]: join(benchDir, 'src', 'pages', `${kind}.tsx`) },
    bundle: true,
    outdir,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // Production React: what users run, and what the timings should reflect.
    define: { 'process.env.NODE_ENV': '"production"' },
    conditions: ['@pagedesk/source', 'browser', 'import', 'module'],
    minify: true,
    logLevel: 'silent',
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
  });
}

function html(kind: Kind): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${kind}</title>
<link rel="stylesheet" href="/${kind}.css"><style>html,body{margin:0}#root{height:800px;width:420px;display:flex;flex-direction:column}#root>*{flex:1;min-height:0}</style></head>
<body><div id="root"></div><script type="module" src="/${kind}.js"></script></body></html>`;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

/** Rows of the long-message scenario: opening it against a short one, and showing all of it against plain text. */
function longMessageRows(results: PageResult[], failure: string | undefined): Row[] {
  const name = 'Pagedesk — <MessageList> opening a 20,000-character message';
  const pick = (f: (r: PageResult) => number | null | undefined) => results.map((r) => f(r) ?? Number.NaN);
  const metrics = [
    {
      metric: 'open ms (vs a 200-character message)',
      values: pick((r) => r.firstRenderMs),
      baselines: pick((r) => r.baselineMs),
      // The length may add at most half of what opening a conversation costs anyway.
      target: { text: 'ratio ≥ 0.67', pass: (ratio: number) => ratio >= 0.67 },
    },
    {
      metric: 'show whole ms (vs plain text)',
      values: pick((r) => r.expandMs),
      baselines: pick((r) => r.plainTextMs),
    },
  ];
  return metrics.map(({ metric, values, baselines, target }) =>
    failure
      ? notMeasured(name, metric, failure, target?.text)
      : pairedRow(name, metric, values, baselines, {
          higherIsBetter: false,
          ...(target
            ? { target: (_value: number, ratio: number) => ({ text: target.text, pass: target.pass(ratio) }) }
            : {}),
        }),
  );
}

/** Section 5: first render, DOM size, new-message latency and scroll frames in headless Chromium. */
export async function reactBench(options: BenchOptions): Promise<Section> {
  const runs = options.quick ? 1 : Math.min(options.runs, 3);
  const frames = options.quick ? 20 : 120;
  // Quick runs are a smoke test: chatscope takes tens of seconds to render 10,000 conversations.
  const size = options.quick
    ? { conversations: 1_000, messages: 500 }
    : { conversations: 10_000, messages: 5_000 };
  // chatscope renders every item, so one run of each of its scenarios is enough for a baseline and keeps
  // the bench bounded; Pagedesk's runs each use it.
  const peerRuns = 1;
  const outdir = mkdtempSync(join(tmpdir(), 'pagedesk-bench-react-'));
  const built = new Map<Kind, string | null>();
  for (const kind of ['pagedesk', 'chatscope'] as const) {
    try {
      await bundle(kind, outdir);
      built.set(kind, null);
    } catch (error) {
      built.set(kind, reason(error));
    }
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const kind = path.slice(1) as Kind;
    if (built.has(kind)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html(kind));
      return;
    }
    try {
      const file = readFileSync(join(outdir, path.slice(1)));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(file);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const results = new Map<string, PageResult[]>();
  const failures = new Map<string, string>();
  const launch = () =>
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  let browser = await launch();
  try {
    for (let run = 0; run < runs; run++) {
      for (const scenario of ['list', 'messages', 'long'] as const) {
        for (const kind of ['chatscope', 'pagedesk'] as const) {
          // The long message is Pagedesk's own comparison (against a short one in the same page).
          if (scenario === 'long' && kind === 'chatscope') continue;
          const key = `${kind}:${scenario}`;
          const buildError = built.get(kind);
          if (buildError) {
            failures.set(key, `page did not build: ${buildError}`);
            continue;
          }
          if (failures.has(key) || (kind === 'chatscope' && run >= peerRuns)) continue;
          // A crashed renderer or browser must not take the remaining measurements with it.
          if (!browser.isConnected()) browser = await launch();
          const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
          const page = await context.newPage();
          try {
            // The page logs its result: waiting for that line evaluates nothing in the page, whereas
            // polling with waitForFunction compiled Playwright's injected script (7-23 ms in traces)
            // inside the measured first render, and ran the poll every 100 ms during the scroll frames.
            const message = page.waitForEvent('console', {
              predicate: (m) => m.text().startsWith(RESULT_PREFIX),
              timeout: 120_000,
            });
            // Handled below when awaited; this keeps a failed goto from leaving it unhandled.
            message.catch(() => {});
            await page.goto(
              `http://127.0.0.1:${port}/${kind}?scenario=${scenario}&conversations=${size.conversations}&messages=${size.messages}&frames=${frames}`,
            );
            const result = JSON.parse((await message).text().slice(RESULT_PREFIX.length)) as PageResult;
            if (result.error) throw new Error(result.error);
            results.set(key, [...(results.get(key) ?? []), result]);
          } catch (error) {
            failures.set(key, reason(error));
          } finally {
            await context.close().catch(() => {});
          }
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(outdir, { recursive: true, force: true });
  }

  const rows: Row[] = [];
  const label = {
    list: `<ConversationList> ${size.conversations.toLocaleString('en-US')} conversations`,
    messages: `<MessageList> ${size.messages.toLocaleString('en-US')} messages`,
  };
  for (const scenario of ['list', 'messages'] as const) {
    const ours = results.get(`pagedesk:${scenario}`) ?? [];
    const peer = results.get(`chatscope:${scenario}`) ?? [];
    const ourFailure = failures.get(`pagedesk:${scenario}`);
    const peerFailure = failures.get(`chatscope:${scenario}`);
    const metrics: Array<{
      metric: string;
      pick: (r: PageResult) => number | null;
      target?: (v: number) => { text: string; pass: boolean };
    }> = [
      {
        metric: 'first render ms',
        pick: (r) => r.firstRenderMs,
        ...(scenario === 'list' ? { target: (v: number) => ({ text: '< 200 ms', pass: v < 200 }) } : {}),
      },
      {
        metric: 'DOM nodes',
        pick: (r) => r.domNodes,
        ...(scenario === 'list'
          ? { target: (v: number) => ({ text: '< 1,500 nodes', pass: v < 1500 }) }
          : {}),
      },
      ...(scenario === 'messages'
        ? [
            {
              metric: 'new message shown ms',
              pick: (r: PageResult) => r.newMessageMs,
              target: (v: number) => ({ text: '< 50 ms', pass: v < 50 }),
            },
          ]
        : []),
      {
        metric: 'longest scroll frame ms',
        pick: (r) => r.frames.maxMs,
        target: (v: number) => ({ text: 'no frame > 50 ms', pass: v <= 50 }),
      },
      { metric: 'p95 scroll frame ms', pick: (r) => r.frames.p95Ms },
    ];
    // chatscope first, as the baseline row of each scenario.
    for (const m of metrics) {
      const peerValues = peer.map((r) => m.pick(r) ?? Number.NaN);
      rows.push(
        peerFailure
          ? notMeasured(`@chatscope/chat-ui-kit-react — ${label[scenario]}`, m.metric, peerFailure)
          : pairedRow(`@chatscope/chat-ui-kit-react — ${label[scenario]}`, m.metric, peerValues, peerValues, {
              higherIsBetter: false,
            }),
      );
      const name = `Pagedesk — ${label[scenario]}`;
      if (ourFailure) {
        rows.push(notMeasured(name, m.metric, ourFailure, m.target ? m.target(0).text : undefined));
        continue;
      }
      const values = ours.map((r) => m.pick(r) ?? Number.NaN);
      // chatscope ran once: every Pagedesk run is compared with that run.
      const peerBaseline = peerValues[0] ?? Number.NaN;
      rows.push(
        pairedRow(
          name,
          m.metric,
          values,
          values.map((_, i) => (peerFailure ? Number.NaN : (peerValues[i] ?? peerBaseline))),
          {
            higherIsBetter: false,
            ...(m.target
              ? { target: (v: number) => (m.target as (v: number) => { text: string; pass: boolean })(v) }
              : {}),
          },
        ),
      );
    }
  }
  rows.push(...longMessageRows(results.get('pagedesk:long') ?? [], failures.get('pagedesk:long')));
  return {
    id: 'react',
    title: '5. React in headless Chromium',
    method:
      `esbuild bundles a page per library (production React ${versionOf('react')}, minified), served from 127.0.0.1 to ` +
      `/usr/bin/chromium (headless, --disable-gpu) through playwright-core; a fresh browser context per measurement, ` +
      `${runs} run(s) per scenario for Pagedesk and ${peerRuns} for chatscope (its 10,000-item list takes tens of seconds ` +
      `to render here), medians. Inside the page: first render = from root.render() until the first row is in ` +
      `the DOM plus one animation frame (Pagedesk's includes loading the first page from the in-memory fake transport); ` +
      `DOM nodes = every element in the document after it; new message = from the customer's message arriving (live ` +
      `event / state update) until its text is in the DOM plus one frame; scrolling = ${frames} frames of 150 px ` +
      `programmatic scroll, frame times from requestAnimationFrame. Ratios are chatscope / Pagedesk (above 1 = Pagedesk ` +
      `better). The list box is 420×800 px.${options.quick ? ' Quick run: reduced sizes, so the targets do not apply.' : ''}`,
    baselineName: `@chatscope/chat-ui-kit-react ${versionOf('@chatscope/chat-ui-kit-react')}`,
    rows,
    notes: [
      'Pagedesk: <PagedeskProvider transport={createFakeTransport(...)}> with <ConversationList /> (10,000 conversations, virtualised, loaded page by page) or <MessageList /> (one conversation of 5,000 messages); the new message comes through transport.receive(), i.e. the live-event path.',
      '@chatscope/chat-ui-kit-react: <ConversationList> of 10,000 <Conversation> and <MainContainer><ChatContainer><MessageList> of 5,000 <Message>, as its docs show; it renders every item (no virtualisation). Same counts and text lengths; the new message is a state update.',
      'Long message: opening a conversation whose newest message has 20,000 characters (words, links, e-mail addresses, emoji, Arabic) beside opening it with a 200-character one, alternately three times in one page after a warm-up (medians per run); the ratio is short / long, 1 when the length costs nothing. Such a text shows its first 2,000 characters and "Show the whole message"; "show whole" is the click until the end is shown, beside the browser laying out the same text as one plain paragraph.',
      "Headless Chromium on a shared 2-core machine without a GPU: frame times include other processes' load.",
    ],
  };
}
