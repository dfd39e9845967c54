import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenError } from '@pagedesk/core';
import {
  AuthorizationCodeError,
  consumeLoginState,
  createFacebookLogin,
  createGraphClient,
  createLoginState,
  LoginDeclinedError,
  LoginStateError,
  MissingPermissionsError,
  memoryUsedLoginStates,
  RefreshTooEarlyError,
  verifyLoginState,
} from '@pagedesk/core/server';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { instagramLoginOn } from './helpers.js';

// Both login flows end to end over HTTP: the core's login helpers against the emulator's dialogs,
// token endpoints and graph.instagram.com routes, on the emulator's clock.

const APP_SECRET = 'login-test-app-secret';
const STATE_SECRET = 'a-state-secret-of-at-least-32-chars!!';
const REDIRECT = 'https://desk.example.com/meta/callback';
const DAY = 86_400_000;
const START = Date.UTC(2026, 5, 1);

let emu: Emulator;
let webhookServer: Server;
let webhookUrl: string;
let strictServer: Server;
let strictUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

beforeAll(async () => {
  emu = await startEmulator({
    appSecret: APP_SECRET,
    now: START,
    freezeClock: true,
    pages: [{ id: '3001', name: 'Acme', platform: 'messenger', accessToken: 'page-token-3001-abcdef' }],
    customerBehaviour: { deliverAfterMs: null },
    webhooks: { attempts: 1 },
  });
  // Serves the Meta app and the Instagram app (Instagram-Login webhooks are signed with its secret).
  const both = createWebhook({
    apps: [
      { appId: emu.appId, appSecret: APP_SECRET },
      { appId: emu.logins.instagramApp.appId, appSecret: emu.logins.instagramApp.appSecret },
    ],
    verifyToken: 'v',
    onEvents: () => undefined,
  });
  webhookServer = createServer((req, res) => both.node(req, res));
  webhookUrl = await listen(webhookServer);
  const metaOnly = createWebhook({
    apps: [{ appId: emu.appId, appSecret: APP_SECRET }],
    verifyToken: 'v',
    onEvents: () => undefined,
  });
  strictServer = createServer((req, res) => metaOnly.node(req, res));
  strictUrl = await listen(strictServer);
});

afterAll(async () => {
  await emu.close();
  await new Promise((resolve) => webhookServer.close(resolve));
  await new Promise((resolve) => strictServer.close(resolve));
});

/** Follows the dialog like a browser would, with the Allow or Decline button. */
async function dialog(url: string, decision: 'allow' | 'decline', grant?: string[]): Promise<string> {
  const target = new URL(url);
  target.searchParams.set('decision', decision);
  for (const permission of grant ?? []) target.searchParams.append('grant', permission);
  const response = await fetch(target, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

const facebook = (redirectUri = REDIRECT) =>
  createFacebookLogin({
    appId: emu.appId,
    appSecret: APP_SECRET,
    redirectUri,
    baseUrl: emu.graphUrl,
    dialogBaseUrl: emu.url,
    now: () => emu.clock.now(),
  });

const state = (session = 'session-1') =>
  createLoginState({ secret: STATE_SECRET, session, now: emu.clock.now() });

describe('Facebook Login', () => {
  it('serves a dialog with the asked permissions and Allow / Decline', async () => {
    const response = await fetch(facebook().authorizeUrl({ state: state() }));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('pages_messaging');
    expect(html).toMatch(/value="allow"[^>]*>Allow/);
    expect(html).toMatch(/value="decline"[^>]*>Decline/);
  });

  it('goes from the dialog to a long-lived user token that lists the pages', async () => {
    const logged: string[] = [];
    const fb = createFacebookLogin({
      appId: emu.appId,
      appSecret: APP_SECRET,
      redirectUri: REDIRECT,
      baseUrl: emu.graphUrl,
      dialogBaseUrl: emu.url,
      now: () => emu.clock.now(),
      onRequest: (info) => logged.push(info.url),
    });
    const location = await dialog(fb.authorizeUrl({ state: state() }), 'allow');
    const { code, state: returned } = fb.handleRedirect(location);
    expect(
      verifyLoginState(returned, { secret: STATE_SECRET, session: 'session-1', now: emu.clock.now() })
        .expiresAt,
    ).toBe(emu.clock.now() + 10 * 60_000);
    const { userAccessToken, expiresAt, permissions } = await fb.exchangeCode(code);
    expect(expiresAt).toBe(emu.clock.now() + 5_183_944_000);
    expect(permissions.granted).toEqual(expect.arrayContaining(['pages_messaging', 'pages_manage_metadata']));
    // The log names each call but never the code, a token or the app secret.
    expect(logged.map((url) => url.split('?')[0])).toEqual([
      'oauth/access_token',
      'oauth/access_token',
      'me/permissions',
    ]);
    for (const secret of [code, userAccessToken, APP_SECRET]) expect(logged.join('\n')).not.toContain(secret);
    const pages = await createGraphClient({ appSecret: APP_SECRET, baseUrl: emu.graphUrl })
      .forUser(userAccessToken)
      .accounts();
    expect(pages.map((p) => p.id)).toContain('3001');
  });

  it('turns a declined dialog into LoginDeclinedError', async () => {
    const fb = facebook();
    const location = await dialog(fb.authorizeUrl({ state: state() }), 'decline');
    expect(() => fb.handleRedirect(location)).toThrow(LoginDeclinedError);
    expect(() => fb.handleRedirect(location)).toThrow(/user_denied/);
  });

  it('refuses a forged, a replayed-in-another-session and an expired state', async () => {
    const fb = facebook();
    const { state: good } = fb.handleRedirect(await dialog(fb.authorizeUrl({ state: state() }), 'allow'));
    const verify = (value: string, session = 'session-1', now = emu.clock.now()) => {
      try {
        verifyLoginState(value, { secret: STATE_SECRET, session, now });
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(LoginStateError);
        return (error as LoginStateError).reason;
      }
    };
    const [version, payload, mac] = good.split('.');
    const tampered = `${version}.${Buffer.from(
      Buffer.from(payload!, 'base64url')
        .toString()
        .replace(/"e":\d+/, '"e":9999999999999'),
    ).toString('base64url')}.${mac}`;
    expect(verify(good)).toBe('accepted');
    expect(verify(tampered)).toBe('forged');
    expect(verify(createLoginState({ secret: `${STATE_SECRET}-other`, session: 'session-1' }))).toBe(
      'forged',
    );
    expect(verify('not-a-state')).toBe('malformed');
    expect(verify(good, 'session-2')).toBe('session_mismatch');
    expect(verify(good, 'session-1', emu.clock.now() + 10 * 60_000)).toBe('expired');
  });

  it('refuses a replayed state even within its lifetime (single use)', async () => {
    const fb = facebook();
    const { state: returned } = fb.handleRedirect(await dialog(fb.authorizeUrl({ state: state() }), 'allow'));
    const used = memoryUsedLoginStates({ now: () => emu.clock.now() });
    const consume = (value: string, session = 'session-1') =>
      consumeLoginState(value, { secret: STATE_SECRET, session, now: emu.clock.now(), used });
    // A replay from another session is refused before it is marked, so the right session still can use it.
    await expect(consume(returned, 'session-2')).rejects.toMatchObject({ reason: 'session_mismatch' });
    await expect(consume(returned)).resolves.toMatchObject({ expiresAt: expect.any(Number) });
    const replay = await consume(returned).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(LoginStateError);
    expect(replay).toMatchObject({ reason: 'replayed', code: 'login_state_replayed' });
    // Another state of the same session is fresh.
    await expect(consume(state())).resolves.toBeTruthy();
  });

  it('names an expired, a reused and a mismatched code', async () => {
    const fb = facebook();
    const codeOf = async () =>
      fb.handleRedirect(await dialog(fb.authorizeUrl({ state: state() }), 'allow')).code;
    const reasonOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (error instanceof AuthorizationCodeError ? error.reason : String(error)),
      );

    const expiring = await codeOf();
    emu.clock.advance(11 * 60_000);
    expect(await reasonOf(fb.exchangeCode(expiring))).toBe('expired');

    const once = await codeOf();
    expect(await reasonOf(fb.exchangeCode(once))).toBe('accepted');
    expect(await reasonOf(fb.exchangeCode(once))).toBe('used');

    const elsewhere = await codeOf();
    expect(await reasonOf(facebook('https://desk.example.com/other').exchangeCode(elsewhere))).toBe(
      'redirect_mismatch',
    );
    expect(await reasonOf(fb.exchangeCode('AQnot-a-code-at-all'))).toBe('invalid');
  });

  it('names each permission left unticked and the capability that needs it', async () => {
    const fb = facebook();
    const location = await dialog(fb.authorizeUrl({ state: state() }), 'allow', [
      'pages_show_list',
      'pages_manage_metadata',
    ]);
    const error = await fb.exchangeCode(fb.handleRedirect(location).code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPermissionsError);
    expect((error as MissingPermissionsError).missing).toEqual([
      { permission: 'pages_messaging', neededFor: ['Messenger conversations'] },
    ]);
    expect(fb.authorizeUrl({ state: 's', rerequest: true })).toContain('auth_type=rerequest');
  });
});

describe('Instagram Login', () => {
  const instagram = () => instagramLoginOn(emu, REDIRECT);

  async function login() {
    const ig = instagram();
    const location = await dialog(ig.authorizeUrl({ state: state() }), 'allow');
    expect(location).toMatch(/#_$/);
    return { ig, issuedAt: emu.clock.now(), ...(await ig.exchangeCode(ig.handleRedirect(location).code)) };
  }

  it('exchanges the code for a 60-day token and refreshes it at day 59 on the emulated clock', async () => {
    const { ig, accessToken, instagramUserId, expiresAt, issuedAt } = await login();
    expect(instagramUserId).toBe(emu.logins.instagramAccounts()[0]!.id);
    expect(expiresAt).toBe(emu.clock.now() + 60 * DAY);
    await expect(ig.refresh(accessToken, { issuedAt })).rejects.toBeInstanceOf(RefreshTooEarlyError);
    emu.clock.advance(59 * DAY);
    const refreshed = await ig.refresh(accessToken, { issuedAt });
    expect(refreshed.accessToken).not.toBe(accessToken);
    expect(refreshed.expiresAt).toBe(emu.clock.now() + 60 * DAY);
    // The old token runs out on day 60; the refreshed one still works after it.
    emu.clock.advance(2 * DAY);
    const me = await fetch(`${emu.logins.instagramUrl}/v25.0/me`, {
      headers: { authorization: `Bearer ${refreshed.accessToken}` },
    });
    expect(await me.json()).toMatchObject({ user_id: instagramUserId });
    const expired = await ig.refresh(accessToken).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(TokenError);
    expect((expired as TokenError).reason).toBe('expired');
  });

  it('refuses a reused code with AuthorizationCodeError, and Meta refuses a young token too', async () => {
    const ig = instagram();
    const { code } = ig.handleRedirect(await dialog(ig.authorizeUrl({ state: state() }), 'allow'));
    const { accessToken } = await ig.exchangeCode(code);
    await expect(ig.exchangeCode(code)).rejects.toBeInstanceOf(AuthorizationCodeError);
    await expect(ig.refresh(accessToken)).rejects.toMatchObject({ graphCode: 100 });
  });

  it('needs instagram_business_manage_messages', async () => {
    const ig = instagram();
    const location = await dialog(ig.authorizeUrl({ state: state() }), 'allow', ['instagram_business_basic']);
    await expect(ig.exchangeCode(ig.handleRedirect(location).code)).rejects.toThrow(
      /instagram_business_manage_messages \(needed for Instagram Direct messages\)/,
    );
  });

  it('sends with the IG user token and signs the account webhooks with the Instagram app secret', async () => {
    const { accessToken, instagramUserId } = await login();
    const graph = `${emu.logins.instagramUrl}/v25.0`;
    const bearer = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const subscribe = await fetch(`${graph}/me/subscribed_apps?subscribed_fields=messages`, {
      method: 'POST',
      headers: bearer,
    });
    expect(subscribe.status).toBe(200);
    const customer = emu.customers.create({ pageId: instagramUserId, name: 'Bea Costa' });

    emu.webhooks.configure({ url: webhookUrl });
    expect((await emu.customer(customer.id).send({ text: 'hello from instagram' })).delivered).toBe(true);
    emu.webhooks.configure({ url: strictUrl });
    expect((await emu.customer(customer.id).send({ text: 'second' })).delivered).toBe(false);
    expect(emu.webhooks.deliveries().at(-1)?.status).toBe(401);

    const sent = await fetch(`${graph}/${instagramUserId}/messages`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({
        recipient: { id: customer.id },
        messaging_type: 'RESPONSE',
        message: { text: 'hi Bea' },
      }),
    });
    expect(sent.status, await sent.clone().text()).toBe(200);
    expect(emu.sent(instagramUserId).map((m) => m.text)).toEqual(['hi Bea']);
  });
});
