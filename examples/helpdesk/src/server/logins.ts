import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  consumeLoginState,
  createFacebookLogin,
  createInstagramLogin,
  createLoginState,
  type FacebookLoginOptions,
  type InstagramLoginOptions,
  memoryUsedLoginStates,
  type ServerChannels,
} from '@pagedesk/core/server';
import { LOGIN_MESSAGE } from './loginMessage.js';

// The demo's Facebook Login and Instagram Login, run on the server as docs/going-live.md describes:
// the browser only ever sees the dialog and a redirect. `state` is signed and bound to the signed-in
// admin's session; the code is exchanged here; the long-lived Facebook user token stays in this
// process, and the browser gets an opaque grant that the inbox API's `userToken` hook swaps back.
//
//   GET /auth/facebook/start     → Meta's (or the emulator's) Facebook Login dialog, in a popup
//   GET /auth/facebook/callback  → a page that hands the grant (or the error) to the app and closes
//   GET /auth/instagram/start    → the Instagram Login dialog, in the app's own tab
//   GET /auth/instagram/callback → channels.connectInstagram(), then back to the app's channels

/** Who is signed in, as the demo's session knows it. */
export interface LoginSession {
  /** The session id `state` is bound to (the demo's session is the signed-in agent). */
  id: string;
  organizationId: string;
  admin: boolean;
}

export interface DemoLoginsOptions {
  /** The origin Meta redirects back to (`PUBLIC_URL` in real mode, this server on the emulator). */
  origin: string;
  /** Signs `state`; several servers behind one URL need the same secret. */
  stateSecret: string;
  facebook: Omit<FacebookLoginOptions, 'redirectUri'>;
  /** Instagram Login's app; without it "Connect an Instagram account" says it is not configured. */
  instagram?: Omit<InstagramLoginOptions, 'redirectUri'> | undefined;
  channels: ServerChannels;
  session: (req: IncomingMessage) => LoginSession | undefined;
  log: (line: string) => void;
}

/** How long a Facebook grant lets the admin list and connect pages before logging in again. */
const GRANT_TTL_MS = 15 * 60_000;

/** The login routes and the hook the inbox API's connect routes use. */
export interface DemoLogins {
  /** Answers an `/auth/...` request; false when the path is not one. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** `createInboxApi({ userToken })`: the Facebook user token the session's grant stands for. */
  userToken(sessionId: string | undefined, grant: string): string | null;
  readonly instagramEnabled: boolean;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the demo's login routes; see the file comment for the flow. */
export function createDemoLogins(options: DemoLoginsOptions): DemoLogins {
  const { origin, stateSecret, channels, log } = options;
  const fb = createFacebookLogin({ ...options.facebook, redirectUri: `${origin}/auth/facebook/callback` });
  const ig = options.instagram
    ? createInstagramLogin({ ...options.instagram, redirectUri: `${origin}/auth/instagram/callback` })
    : undefined;
  const grants = new Map<string, { grant: string; userAccessToken: string; until: number }>();
  // A login state works once: a redirect replayed from history or a log is refused even while it is fresh.
  const usedStates = memoryUsedLoginStates();

  const noStore = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  const redirect = (res: ServerResponse, location: string) =>
    void res.writeHead(302, { location, ...noStore }).end();
  /** Back to the app's channels, with a notice it shows (`login_error` as an alert). */
  const backToApp = (res: ServerResponse, notice: { connected: string } | { login_error: string }) =>
    redirect(res, `/?${new URLSearchParams({ view: 'channels', ...notice })}`);
  /** The end of the Facebook popup: posts the grant or the error to the app, then closes itself. */
  const finishPopup = (res: ServerResponse, result: { grant: string } | { error: string }) => {
    const payload = JSON.stringify({ source: LOGIN_MESSAGE, ...result }).replace(/</g, '\\u003c');
    const fallback = `/?${new URLSearchParams({ view: 'channels', ...('error' in result ? { login_error: result.error } : {}) })}`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...noStore });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Facebook Login</title></head>
<body><p>Returning to the helpdesk…</p><script>
const result = ${payload};
if (window.opener && !window.opener.closed) { window.opener.postMessage(result, location.origin); window.close(); }
else location.replace(${JSON.stringify(fallback)});
</script></body></html>`);
  };

  const start = (res: ServerResponse, session: LoginSession | undefined, url: (state: string) => string) => {
    if (!session?.admin) return false;
    redirect(res, url(createLoginState({ secret: stateSecret, session: session.id })));
    return true;
  };

  async function facebookCallback(req: IncomingMessage, res: ServerResponse, session: LoginSession) {
    try {
      const { code, state } = fb.handleRedirect(req.url ?? '');
      await consumeLoginState(state, { secret: stateSecret, session: session.id, used: usedStates });
      const { userAccessToken } = await fb.exchangeCode(code);
      const grant = randomBytes(24).toString('base64url');
      grants.set(session.id, { grant, userAccessToken, until: Date.now() + GRANT_TTL_MS });
      finishPopup(res, { grant });
    } catch (error) {
      log(`Facebook Login failed: ${messageOf(error)}`);
      finishPopup(res, { error: `Facebook Login: ${messageOf(error)}` });
    }
  }

  async function instagramCallback(req: IncomingMessage, res: ServerResponse, session: LoginSession) {
    try {
      if (!ig) throw new Error('Instagram Login is not configured');
      const { code, state } = ig.handleRedirect(req.url ?? '');
      await consumeLoginState(state, { secret: stateSecret, session: session.id, used: usedStates });
      const { accessToken, expiresAt } = await ig.exchangeCode(code);
      const channel = await channels.connectInstagram({
        accessToken,
        expiresAt,
        organizationId: session.organizationId,
      });
      backToApp(res, { connected: channel.name });
    } catch (error) {
      log(`Instagram Login failed: ${messageOf(error)}`);
      backToApp(res, { login_error: `Instagram Login: ${messageOf(error)}` });
    }
  }

  return {
    instagramEnabled: ig !== undefined,
    handle(req, res, path) {
      if (!path.startsWith('/auth/') || req.method !== 'GET') return false;
      const session = options.session(req);
      const refused = 'Only an organisation admin can connect accounts: sign in as an admin';
      switch (path) {
        case '/auth/facebook/start':
          if (!start(res, session, (state) => fb.authorizeUrl({ state })))
            finishPopup(res, { error: refused });
          return true;
        case '/auth/facebook/callback':
          if (!session?.admin) finishPopup(res, { error: refused });
          else void facebookCallback(req, res, session);
          return true;
        case '/auth/instagram/start':
          if (!ig) backToApp(res, { login_error: 'Instagram Login is not configured on this server' });
          else if (!start(res, session, (state) => ig.authorizeUrl({ state })))
            backToApp(res, { login_error: refused });
          return true;
        case '/auth/instagram/callback':
          if (!session?.admin) backToApp(res, { login_error: refused });
          else void instagramCallback(req, res, session);
          return true;
        default:
          return false;
      }
    },
    userToken(sessionId, grant) {
      const held = sessionId === undefined ? undefined : grants.get(sessionId);
      if (!held || held.until <= Date.now()) {
        if (sessionId !== undefined) grants.delete(sessionId);
        return null;
      }
      return sameText(held.grant, grant) ? held.userAccessToken : null;
    },
  };
}
