import autocannon from 'autocannon';
import type { BenchOptions } from './options.js';
import { oneEventBody, WEBHOOK_PATH } from './payloads.js';
import { versionOf } from './peers/versions.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { type Child, startChild } from './servers/child.js';

interface HttpContender {
  kind: 'minimal' | 'pagedesk' | 'bottender' | 'botkit';
  name: string;
}

const CONTENDERS: HttpContender[] = [
  { kind: 'minimal', name: 'minimal node:http server (baseline)' },
  { kind: 'pagedesk', name: 'Pagedesk createWebhook().node' },
  { kind: 'bottender', name: `bottender ${versionOf('bottender')} (Server.run path)` },
  {
    kind: 'botkit',
    name: `Botkit ${versionOf('botkit')} + botbuilder-adapter-facebook ${versionOf('botbuilder-adapter-facebook')}`,
  },
];

interface Load {
  rps: number;
  p99: number;
}

async function load(port: number, seconds: number, connections: number): Promise<Load> {
  const body = oneEventBody();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    method: 'POST',
    headers: body.headers,
    body: body.raw,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/** Section 2: requests/s and p99 of each webhook server on 127.0.0.1, beside the minimal node:http one. */
export async function webhookHttp(options: BenchOptions): Promise<Section> {
  // 4 s per run: every contender run now has its own baseline run beside it.
  const seconds = options.quick ? 2 : 4;
  const warmup = options.quick ? 1 : 2;
  const connections = 10;
  const servers = new Map<HttpContender, Child>();
  const failures = new Map<HttpContender, string>();
  const rps = new Map<HttpContender, number[]>();
  const p99 = new Map<HttpContender, number[]>();
  // The baseline run paired with each contender run, in the same order as that contender's runs.
  const pairedRps = new Map<HttpContender, number[]>();
  const pairedP99 = new Map<HttpContender, number[]>();
  try {
    for (const contender of CONTENDERS) {
      try {
        const child = await startChild('servers/serve.ts', [contender.kind]);
        servers.set(contender, child);
        await load(Number(child.hello.port), warmup, connections);
      } catch (error) {
        failures.set(contender, reason(error));
      }
    }
    if (!servers.has(CONTENDERS[0] as HttpContender))
      throw new Error(`baseline failed: ${failures.get(CONTENDERS[0] as HttpContender)}`);
    // Paired runs: each contender is measured right beside a baseline run of its own (which goes first
    // alternates by round), so the machine's load drifting over the section cancels out of the ratio
    // instead of favouring whoever runs in a quiet moment.
    const baseline = CONTENDERS[0] as HttpContender;
    const baseChild = servers.get(baseline) as Child;
    for (let run = 0; run < options.runs; run++) {
      const others = CONTENDERS.slice(1).filter((c) => servers.has(c));
      for (let k = 0; k < run % Math.max(1, others.length); k++) others.push(others.shift() as HttpContender);
      for (const contender of others) {
        const child = servers.get(contender);
        if (!child || failures.has(contender)) continue;
        const order: Array<[HttpContender, Child]> = [
          [baseline, baseChild],
          [contender, child],
        ];
        if (run % 2 === 1) order.reverse();
        const pair = new Map<HttpContender, Load>();
        try {
          for (const [who, server] of order) {
            pair.set(who, await load(Number(server.hello.port), seconds, connections));
          }
        } catch (error) {
          failures.set(contender, reason(error));
          continue;
        }
        const ours = pair.get(contender) as Load;
        const base = pair.get(baseline) as Load;
        for (const [map, value] of [
          [rps, ours.rps],
          [p99, ours.p99],
          [pairedRps, base.rps],
          [pairedP99, base.p99],
        ] as const) {
          map.set(contender, [...(map.get(contender) ?? []), value]);
        }
        rps.set(baseline, [...(rps.get(baseline) ?? []), base.rps]);
        p99.set(baseline, [...(p99.get(baseline) ?? []), base.p99]);
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((c) => c.stop()));
  }

  const baseline = CONTENDERS[0] as HttpContender;
  const rows: Row[] = [];
  for (const contender of CONTENDERS) {
    const target = contender.kind === 'pagedesk' ? '≥ 0.85x baseline req/s' : undefined;
    const failed = failures.get(contender);
    const values = rps.get(contender) ?? [];
    const isBaseline = contender === baseline;
    const baseRps = isBaseline ? values : (pairedRps.get(contender) ?? []);
    const baseP99 = isBaseline ? (p99.get(contender) ?? []) : (pairedP99.get(contender) ?? []);
    if (failed || values.length === 0 || (!isBaseline && values.length < options.runs)) {
      rows.push(notMeasured(contender.name, 'req/s', failed ?? 'incomplete runs', target));
      continue;
    }
    rows.push(
      pairedRow(contender.name, 'req/s', values, baseRps, {
        higherIsBetter: true,
        ...(target ? { target: (_v: number, ratio: number) => ({ text: target, pass: ratio >= 0.85 }) } : {}),
      }),
    );
    rows.push(
      pairedRow(contender.name, 'ms p99', p99.get(contender) ?? [], baseP99, { higherIsBetter: false }),
    );
  }
  return {
    id: 'webhook-http',
    title: '2. Webhook over HTTP',
    method:
      `Each server runs in its own Node process on 127.0.0.1 (port 0); autocannon in the bench process POSTs the signed ` +
      `~1 KB one-event body with ${connections} connections, no pipelining, ${seconds} s per run after a ${warmup} s warmup; ` +
      `${options.runs} rounds, contender order rotated each round. Paired runs: every contender run has a baseline run right ` +
      `beside it (baseline first in even rounds, second in odd ones), and a ratio is the median of the per-pair ratios, so ` +
      `load drifting during the section cancels out; the baseline row lists all its runs. Any non-2xx answer invalidates a ` +
      `run. Latency ratios are baseline p99 / contender p99.`,
    baselineName: baseline.name,
    rows,
    notes: [
      'Pagedesk: createWebhook({ appSecret, verifyToken, onEvents: () => {}, dedupe: false }).node on node:http: dedupe is off because every request repeats the same body and no other contender dedupes.',
      'bottender: MessengerBot with a MemorySessionStore and an empty onEvent handler, driven exactly like bottender Server.run(): connector.preprocess() (HMAC-SHA1) then bot.createRequestHandler() (camelCase, events, sessions, handler).',
      "Botkit: new Botkit({ adapter: FacebookAdapter, webserver }) with Botkit's own express middleware chain (raw-body capture + body-parser json/urlencoded), an empty 'message' handler; bound to 127.0.0.1.",
    ],
  };
}
