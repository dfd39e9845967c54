import { createHmac } from 'node:crypto';
import { signWebhookBody } from '@pagedesk/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecorder } from '../src/recorder.js';
import { type Rig, startRig } from '../src/sendRig.js';

// Secrets: a full run against the emulator (connect, sends, every fault kind, a revoked token, a
// reconnect, bad webhooks) with known secret values; every console line, log line, onError report,
// thrown error (message, stack, cause chain, JSON form) and HTTP error answer is captured and
// searched for the access tokens, the app secret and their appsecret_proof values.

const rec = createRecorder('6-secrets', 'Secrets: nothing leaks into logs or errors');
const APP_SECRET = 'secretsAppSecret-0123456789abcdef';
const PAGE_TOKEN = 'EAAsecretsPageToken3001SHOULDNEVERLEAK';
const USER_TOKEN = 'EAAsecretsUserTokenSHOULDNEVERLEAK42';
let rig: Rig;
const captured: string[] = [];

function describeError(error: unknown, depth = 0): string {
  if (depth > 5) return '';
  if (error instanceof Error) {
    const own = JSON.stringify(
      error,
      Object.getOwnPropertyNames(error).filter((k) => k !== 'cause'),
    );
    return `${error.name}: ${error.message}\n${error.stack ?? ''}\n${own}\n${describeError(error.cause, depth + 1)}`;
  }
  if (Array.isArray(error)) return error.map((e) => describeError(e, depth + 1)).join('\n');
  return error === undefined ? '' : String(error);
}

// vitest restores mocks before each test (restoreMocks), so the capture is installed for the setup
// and again for every test.
function capture() {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      captured.push(
        args
          .map((a) => (a instanceof Error ? describeError(a) : typeof a === 'string' ? a : JSON.stringify(a)))
          .join(' '),
      );
    });
}
beforeEach(capture);

beforeAll(async () => {
  capture();
  // The rig logs every Graph request (redacted URL), channel status change and error report, as a host
  // would with console.log: the spy above captures it.
  rig = await startRig({
    appSecret: APP_SECRET,
    pageToken: PAGE_TOKEN,
    userToken: USER_TOKEN,
    timeoutMs: 300,
    log: (line) => console.info(line),
  });
});

afterAll(async () => {
  await rig.close();
  rec.flush();
});

async function attempt(what: string, run: () => Promise<unknown>) {
  try {
    const result = await run();
    captured.push(`${what}: ${JSON.stringify(result)}`);
  } catch (error) {
    captured.push(`${what} threw: ${describeError(error)}`);
  }
}

describe('no secret in any log line or error', () => {
  it('runs a full session with every fault and captures everything', async () => {
    const conversation = await rig.openConversation('Secret keeper');
    await attempt('send', () => rig.channels.send(conversation, { text: 'plain send' }));
    for (const faults of [
      { transient1200: 5 },
      { status5xx: 5 },
      { rateLimit: { count: 1, code: 613 as const, retryAfterMinutes: 5 } },
      { timeout: 1 },
      { latencyMs: 600 },
    ]) {
      rig.emulator.faults.set({ ...faults, scope: { path: '/messages' } });
      await attempt(`send under ${JSON.stringify(faults)}`, () =>
        rig.channels.send(conversation, { text: 'fault send' }),
      );
      rig.emulator.faults.clear();
    }
    // Let the late answer of the latency fault and its echo arrive inside the capture.
    await new Promise((resolve) => setTimeout(resolve, 800));
    await rig.emulator.webhooks.idle();
    await attempt('typing', () => rig.channels.setTyping(conversation, true));
    await attempt('check', () => rig.channels.check('3001'));
    rig.emulator.tokens.revoke('3001', 'app_removed');
    await attempt('send revoked', () => rig.channels.send(conversation, { text: 'revoked send' }));
    await attempt('check revoked', () => rig.channels.check('3001'));
    await attempt('markSeen revoked', () => rig.channels.markSeen(conversation));
    rig.emulator.tokens.reissue('3001');
    await attempt('reauthorize', () => rig.channels.reauthorize('3001', rig.emulator.userToken));
    await attempt('reauthorize with a bad user token', () =>
      rig.channels.reauthorize('3001', `${USER_TOKEN}x`),
    );
    await attempt('connect with a bad user token', () => rig.channels.connect(`${USER_TOKEN}y`, ['3001']));
    await attempt('debug_token', () =>
      rig.channels.graphFor({ appId: rig.emulator.appId }).debugToken(PAGE_TOKEN),
    );
    // Webhooks with bad signatures reach onError (phase signature).
    const body = JSON.stringify({ object: 'page', entry: [] });
    const webhookUrl = rig.emulator.webhooks.deliveries()[0]?.url;
    if (webhookUrl) {
      for (const signature of [
        signWebhookBody(body, 'wrong'),
        'sha256=abc',
        signWebhookBody(`${body} `, APP_SECRET),
      ]) {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        });
        captured.push(`webhook answer ${response.status}: ${await response.text()}`);
      }
    }
    captured.push(...rig.errors, ...rig.graphRequests);
    expect(captured.length).toBeGreaterThan(20);
    expect(rig.graphRequests.some((l) => l.includes('messages'))).toBe(true);
    expect(rig.errors.length).toBeGreaterThan(0);
  });

  it('finds no access token, app secret, app token or appsecret_proof in what it captured', async () => {
    const tokens = new Set<string>([PAGE_TOKEN, USER_TOKEN, rig.emulator.userToken, rig.emulator.appToken]);
    // Tokens issued along the way: the reissued Page token Pagedesk stored, and whatever the emulator holds.
    const stored = await rig.store.credentials.get('3001');
    if (stored) tokens.add(stored.accessToken);
    for (const page of rig.emulator.pages.list()) tokens.add(page.accessToken);
    expect(tokens.size).toBeGreaterThanOrEqual(4);
    const secrets = new Map<string, string>([['app secret', APP_SECRET]]);
    for (const [i, token] of [...tokens].entries()) {
      secrets.set(`token #${i} (${token.slice(0, 6)}…)`, token);
      secrets.set(
        `appsecret_proof of token #${i}`,
        createHmac('sha256', APP_SECRET).update(token).digest('hex'),
      );
    }
    const haystack = captured.join('\n');
    const found = [...secrets].filter(([, value]) => haystack.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
    // The check is not vacuous: the capture holds the redacted Graph URLs and typed error messages.
    expect(haystack).toMatch(/graph (GET|POST) /);
    expect(haystack).toMatch(/token|Token/);
    rec.set('Lines and errors captured', captured.length);
    rec.set('Characters searched', haystack.length);
    rec.set('Secret values searched for', secrets.size);
    rec.set('Secret values found', found.length);
    rec.case(
      'full session: connect, sends under 1200 / 503 / rate limit / timeout / latency faults, typing, check, revoke (458), send/check/markSeen while revoked, reissue + reauthorize, bad user tokens, debug_token, webhooks with bad signatures',
    );
    rec.case(
      'searched: app secret, app token, user and Page tokens (including reissued ones), appsecret_proof of each token',
    );
  });
});
