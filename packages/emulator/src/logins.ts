import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphApi } from './graph.js';
import type { GraphResult } from './graphTypes.js';
import { loginDialogHtml } from './loginDialog.js';
import { MetaError } from './metaError.js';
import type { World } from './world.js';

// Both login flows of Meta, on the emulator's clock: Facebook Login (dialog, code → short-lived user
// token, `/me/permissions`) and Instagram API with Instagram Login (authorize, api.instagram.com code
// exchange, graph.instagram.com long-lived exchange, refresh and API under `/instagram/`). Codes are
// single-use and expire; the redirect URI must match; tokens expire on the emulated clock. An account
// that logs in with Instagram becomes an emulated Instagram page whose webhooks are signed with the
// Instagram app secret. Meta's wording is approximated; clients classify by code and subcode.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CODE_TTL_MS = 10 * MINUTE;
const IG_LONG_LIVED_S = 60 * 86_400;

/** The Instagram app of the emulator and the accounts that can log in with Instagram. */
export interface InstagramLoginSettings {
  appId: string;
  appSecret: string;
  accounts: Array<{ id: string; username: string; name?: string | undefined }>;
}

interface Code {
  redirectUri: string;
  /** Granted; `declined` were asked for and left unticked. */
  scopes: string[];
  declined: string[];
  expiresAt: number;
  used: boolean;
  accountId?: string;
}

interface IgToken {
  accountId: string;
  issuedAt: number;
  expiresAt: number;
  longLived: boolean;
  scopes: string[];
}

/** A login route's answer: JSON, an HTML dialog or a redirect. */
export type LoginResult =
  | { status: number; body: unknown }
  | { status: 200; html: string }
  | { status: 302; location: string };

/** Controls of the emulated logins, reachable as `emulator.logins`. */
export interface EmulatorLogins {
  /** The Instagram app (`createInstagramLogin({ appId, appSecret })` and the webhook secret). */
  readonly instagramApp: { appId: string; appSecret: string };
  /** Base URL for `createInstagramLogin({ authorizeBaseUrl, apiBaseUrl, graphBaseUrl })`. */
  readonly instagramUrl: string;
  /** The accounts that can log in with Instagram. */
  instagramAccounts(): Array<{ id: string; username: string; name: string }>;
  /** The Facebook permissions granted to a user token the dialog issued. */
  permissionsOf(userAccessToken: string): string[] | undefined;
}

const igError = (message: string) => ({
  status: 400,
  body: { error_type: 'OAuthException', code: 400, error_message: message },
});

const failure = (error: MetaError): LoginResult => ({ status: error.status, body: error.body });

export class Logins {
  private readonly codes = new Map<string, Code>();
  private readonly userScopes = new Map<string, { granted: string[]; declined: string[] }>();
  private readonly igTokens = new Map<string, IgToken>();
  private readonly igAccountIds = new Set<string>();

  constructor(
    private readonly world: World,
    private readonly graph: GraphApi,
    private readonly instagram: InstagramLoginSettings,
  ) {}

  private get now(): number {
    return this.world.clock.now();
  }

  /** The secret that signs webhooks of this page: the Instagram app's for Instagram-Login accounts. */
  secretFor(pageId: string): string | undefined {
    return this.igAccountIds.has(pageId) ? this.instagram.appSecret : undefined;
  }

  controls(): EmulatorLogins {
    const world = this.world;
    return {
      instagramApp: { appId: this.instagram.appId, appSecret: this.instagram.appSecret },
      get instagramUrl() {
        return `${world.baseUrl}/instagram`;
      },
      instagramAccounts: () => this.instagram.accounts.map((a) => ({ ...a, name: a.name ?? a.username })),
      permissionsOf: (token) => this.userScopes.get(token)?.granted,
    };
  }

  /** Answers a login or Instagram-Login route, or null when the request is not one. */
  async handle(
    req: IncomingMessage,
    url: URL,
    method: string,
    readBody: () => Promise<Buffer>,
  ): Promise<LoginResult | null> {
    const path = url.pathname.replace(/\/v\d+(\.\d+)?(?=\/)/, '');
    const params = url.searchParams;
    try {
      if (method === 'GET' && path === '/dialog/oauth') return this.facebookDialog(url);
      if (method === 'GET' && path === '/oauth/access_token' && params.has('code'))
        return this.facebookCode(params);
      if (
        method === 'GET' &&
        path === '/oauth/access_token' &&
        this.userScopes.has(params.get('fb_exchange_token') ?? '')
      )
        return this.facebookExchange(params, req);
      if (method === 'GET' && path === '/me/permissions') return this.facebookPermissions(params, req);
      if (!path.startsWith('/instagram/')) return null;
      const rest = path.slice('/instagram'.length);
      if (method === 'GET' && rest === '/oauth/authorize') return this.instagramDialog(url);
      if (method === 'POST' && rest === '/oauth/access_token')
        return this.instagramCode(req, await readBody());
      if (method === 'GET' && rest === '/access_token') return this.instagramExchange(params);
      if (method === 'GET' && rest === '/refresh_access_token') return this.instagramRefresh(params);
      return this.instagramApi(req, method, rest, params, await readBody());
    } catch (error) {
      if (error instanceof MetaError) return failure(error);
      throw error;
    }
  }

  // --- Facebook Login ---------------------------------------------------------------------------

  private dialog(
    url: URL,
    appId: string,
    title: string,
    allowed: readonly string[],
    instagram: boolean,
  ): LoginResult {
    const params = url.searchParams;
    const redirectUri = params.get('redirect_uri');
    if (params.get('client_id') !== appId || !redirectUri || !URL.canParse(redirectUri))
      return { status: 400, body: { error: { message: 'Invalid client_id or redirect_uri', code: 191 } } };
    const asked = (params.get('scope') ?? '').split(/[,\s]+/).filter(Boolean);
    const scopes = asked.length > 0 ? asked : [...allowed];
    const decision = params.get('decision');
    if (decision === null)
      return { status: 200, html: loginDialogHtml({ title, action: url.pathname, params, scopes }) };
    const target = new URL(redirectUri);
    const state = params.get('state');
    if (decision === 'decline') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_reason', 'user_denied');
      target.searchParams.set('error_description', 'Permissions error');
    } else {
      const grant = params.getAll('grant');
      const granted = grant.length > 0 ? scopes.filter((s) => grant.includes(s)) : scopes;
      const code = `AQ${randomBytes(24).toString('base64url')}`;
      const account = instagram ? (params.get('account') ?? this.instagram.accounts[0]?.id) : undefined;
      this.codes.set(code, {
        redirectUri,
        scopes: granted.filter((s) => allowed.includes(s)),
        declined: scopes.filter((s) => !granted.includes(s)),
        expiresAt: this.now + CODE_TTL_MS,
        used: false,
        ...(account === undefined ? {} : { accountId: account }),
      });
      target.searchParams.set('code', code);
    }
    if (state !== null) target.searchParams.set('state', state);
    // Instagram appends `#_` to its redirect (platform docs: strip it from the code).
    return { status: 302, location: `${target}${instagram && decision !== 'decline' ? '#_' : ''}` };
  }

  private facebookDialog(url: URL): LoginResult {
    const allowed = [
      'pages_show_list',
      'pages_manage_metadata',
      'pages_messaging',
      'pages_read_engagement',
      'pages_read_user_content',
      'pages_manage_engagement',
      'instagram_basic',
      'instagram_manage_messages',
      'instagram_manage_comments',
      'business_management',
    ];
    return this.dialog(
      url,
      this.world.options.appId,
      `Log in to ${this.world.options.appName}`,
      allowed,
      false,
    );
  }

  /** Checks a code for one exchange: Meta's code 100 with its messages (36009 on a used code; no public source gives the others a subcode). */
  private takeCode(code: string | null, redirectUri: string | null, instagram: boolean): Code {
    const entry = code ? this.codes.get(code) : undefined;
    const fail = (message: string, subcode?: number) =>
      instagram
        ? new MetaError(400, 400, message)
        : new MetaError(400, 100, message, subcode === undefined ? {} : { subcode });
    if (!entry || (entry.accountId !== undefined) !== instagram)
      throw fail('Invalid verification code format.');
    if (entry.used) throw fail('This authorization code has been used.', 36009);
    if (entry.expiresAt <= this.now) throw fail('This authorization code has expired.');
    if (entry.redirectUri !== redirectUri)
      throw fail(
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      );
    entry.used = true;
    return entry;
  }

  private facebookCode(params: URLSearchParams): LoginResult {
    const opts = this.world.options;
    if (params.get('client_id') !== opts.appId)
      throw new MetaError(400, 101, 'Error validating application. Invalid application ID.');
    if (params.get('client_secret') !== opts.appSecret)
      throw new MetaError(400, 1, 'Error validating client secret.');
    const code = this.takeCode(params.get('code'), params.get('redirect_uri'), false);
    const token = `EAAU${randomBytes(30).toString('base64url')}`;
    this.world.user.extraTokens.set(token, this.now + HOUR);
    this.userScopes.set(token, { granted: code.scopes, declined: code.declined });
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 3600 } };
  }

  private async facebookExchange(params: URLSearchParams, req: IncomingMessage): Promise<LoginResult> {
    const result = await this.graphCall('GET', ['oauth', 'access_token'], Object.fromEntries(params), req);
    const token = (result.body as { access_token?: string }).access_token;
    const scopes = this.userScopes.get(params.get('fb_exchange_token') ?? '');
    if (result.status === 200 && token && scopes) this.userScopes.set(token, scopes);
    return result;
  }

  private async facebookPermissions(params: URLSearchParams, req: IncomingMessage): Promise<LoginResult> {
    // `/me` authenticates the caller as the Graph API does (token, expiry, appsecret_proof).
    const me = await this.graphCall('GET', ['me'], Object.fromEntries(params), req);
    if (me.status !== 200) return me;
    const token = params.get('access_token') ?? bearer(req) ?? '';
    // The configured admin token holds every permission the emulated pages have.
    const grant = this.userScopes.get(token) ?? {
      granted: [...new Set([...this.world.pages.values()].flatMap((p) => p.scopes))],
      declined: [],
    };
    const row = (status: string) => (permission: string) => ({ permission, status });
    return {
      status: 200,
      body: { data: [...grant.granted.map(row('granted')), ...grant.declined.map(row('declined'))] },
    };
  }

  private graphCall(
    method: string,
    segments: string[],
    params: Record<string, unknown>,
    req: IncomingMessage,
  ) {
    return this.graph.handle({
      method,
      segments,
      params,
      files: new Map(),
      authorization: req.headers.authorization,
    });
  }

  // --- Instagram Login --------------------------------------------------------------------------

  private instagramDialog(url: URL): LoginResult {
    const allowed = [
      'instagram_business_basic',
      'instagram_business_manage_messages',
      'instagram_business_manage_comments',
    ];
    return this.dialog(url, this.instagram.appId, 'Log in with Instagram', allowed, true);
  }

  private async instagramCode(req: IncomingMessage, raw: Buffer): Promise<LoginResult> {
    const form = await new Request('http://emulator.local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
      body: new Uint8Array(raw),
    })
      .formData()
      .catch(() => new FormData());
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : null;
    };
    if (field('client_id') !== this.instagram.appId || field('client_secret') !== this.instagram.appSecret)
      return igError('Invalid client_id or client_secret');
    if (field('grant_type') !== 'authorization_code') return igError('Invalid grant_type');
    let code: Code;
    try {
      code = this.takeCode(field('code'), field('redirect_uri'), true);
    } catch (error) {
      if (error instanceof MetaError) return igError(error.message);
      throw error;
    }
    const account = this.instagram.accounts.find((a) => a.id === code.accountId);
    if (!account) return igError('Unknown Instagram account');
    const token = this.issueIgToken(account.id, false, code.scopes, HOUR);
    return {
      status: 200,
      body: { data: [{ access_token: token, user_id: account.id, permissions: code.scopes.join(',') }] },
    };
  }

  private issueIgToken(accountId: string, longLived: boolean, scopes: string[], lifetimeMs: number): string {
    const token = `IGAA${randomBytes(30).toString('base64url')}`;
    this.igTokens.set(token, {
      accountId,
      issuedAt: this.now,
      expiresAt: this.now + lifetimeMs,
      longLived,
      scopes,
    });
    this.ensurePage(accountId, token, this.now + lifetimeMs, scopes);
    return token;
  }

  /** The account becomes an emulated Instagram page reached with its newest token. */
  private ensurePage(accountId: string, token: string, expiresAt: number, scopes: string[]): void {
    const account = this.instagram.accounts.find((a) => a.id === accountId)!;
    this.igAccountIds.add(accountId);
    const page =
      this.world.pages.get(accountId) ??
      this.world.addPage({
        id: accountId,
        name: account.name ?? account.username,
        platform: 'instagram',
        accessToken: token,
        humanAgent: true,
        subscribed: false,
        scopes: pageScopesOf(scopes),
      });
    page.accessToken = token;
    page.tokenExpiresAt = expiresAt;
    page.tokenIssuedAt = this.now;
  }

  private validIgToken(token: string | null | undefined): IgToken & { token: string } {
    const entry = token ? this.igTokens.get(token) : undefined;
    if (!token || !entry)
      throw new MetaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (entry.expiresAt <= this.now)
      throw new MetaError(400, 190, 'Error validating access token: Session has expired.', { subcode: 463 });
    return { ...entry, token };
  }

  private instagramExchange(params: URLSearchParams): LoginResult {
    if (params.get('grant_type') !== 'ig_exchange_token')
      throw new MetaError(400, 100, '(#100) Invalid grant_type');
    if (params.get('client_secret') !== this.instagram.appSecret)
      throw new MetaError(400, 101, 'Error validating client secret.');
    const short = this.validIgToken(params.get('access_token'));
    const token = this.issueIgToken(short.accountId, true, short.scopes, IG_LONG_LIVED_S * 1000);
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: IG_LONG_LIVED_S } };
  }

  private instagramRefresh(params: URLSearchParams): LoginResult {
    if (params.get('grant_type') !== 'ig_refresh_token')
      throw new MetaError(400, 100, '(#100) Invalid grant_type');
    const current = this.validIgToken(params.get('access_token'));
    if (!current.longLived) throw new MetaError(400, 100, '(#100) Only a long-lived token can be refreshed');
    if (this.now - current.issuedAt < DAY)
      throw new MetaError(400, 100, '(#100) A token can be refreshed once it is at least 24 hours old');
    const token = this.issueIgToken(current.accountId, true, current.scopes, IG_LONG_LIVED_S * 1000);
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: IG_LONG_LIVED_S } };
  }

  /** graph.instagram.com: `/me`, and the Send API, subscriptions and profiles run as the account. */
  private async instagramApi(
    req: IncomingMessage,
    method: string,
    rest: string,
    params: URLSearchParams,
    raw: Buffer,
  ): Promise<LoginResult> {
    const current = this.validIgToken(params.get('access_token') ?? bearer(req));
    const segments = rest.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && segments.length === 1 && segments[0] === 'me') {
      const account = this.instagram.accounts.find((a) => a.id === current.accountId)!;
      return {
        status: 200,
        body: {
          id: account.id,
          user_id: account.id,
          username: account.username,
          name: account.name ?? account.username,
        },
      };
    }
    if (segments[0] === 'me') segments[0] = current.accountId;
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      }
    }
    // The page's own token and proof stand in for the IG user token the caller sent.
    const pageToken = this.world.pages.get(current.accountId)!.accessToken;
    const query = Object.fromEntries(params);
    delete query['access_token'];
    return this.graph.handle({
      method,
      segments,
      params: {
        ...query,
        ...body,
        access_token: pageToken,
        appsecret_proof: createHmac('sha256', this.world.options.appSecret).update(pageToken).digest('hex'),
      },
      files: new Map(),
      authorization: undefined,
    }) as Promise<GraphResult & LoginResult>;
  }
}

// The Graph routes the account reaches check Facebook-route permission names; the Instagram Login
// scopes grant the same abilities on the account itself.
function pageScopesOf(scopes: readonly string[]): string[] {
  const equivalent: Record<string, string[]> = {
    instagram_business_basic: ['instagram_basic', 'pages_manage_metadata'],
    instagram_business_manage_messages: ['instagram_manage_messages'],
    instagram_business_manage_comments: ['instagram_manage_comments'],
  };
  return [...new Set(scopes.flatMap((s) => equivalent[s] ?? []))];
}

/** Writes a login route's answer. */
export function sendLogin(res: ServerResponse, result: LoginResult): void {
  if ('location' in result) {
    res.writeHead(302, { location: result.location, 'cache-control': 'no-store' });
    res.end();
  } else if ('html' in result) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(result.html);
  } else {
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
  }
}

function bearer(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
}
