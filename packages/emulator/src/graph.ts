import { createHmac, timingSafeEqual } from 'node:crypto';
import { blockedRoute } from './blocking.js';
import { assertHoldsThread, HANDOVER_EDGES, handoverRoute } from './handover.js';
import {
  invalidParam,
  MetaError,
  noMatchingUser,
  permissionError,
  unsupportedRequest,
  windowClosed,
} from './metaError.js';
import { moderationRoute } from './moderation.js';
import { sampleImage } from './samples.js';
import { attachmentLimit, checkSendText } from './sendLimits.js';
import type { EmulatorAttachment, EmulatorMessage, SentMessage } from './types.js';
import { defaultSubscribedFields, newMid, type PageState, type World } from './world.js';

// The Graph API routes Pagedesk calls, answering with Meta's response and error shapes and enforcing
// Meta's rules (docs/meta-platform.md) on the emulated clock.

const DAY = 86_400_000;
const MB = 1024 * 1024;
const METADATA_MAX = 1000;
const REMOVED_TAGS = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);
const ATTACHMENT_TYPES = new Set(['image', 'audio', 'video', 'file']);

/** A file part of a multipart Graph call (`filedata`). */
export interface UploadedFile {
  bytes: Buffer;
  type: string;
  name: string;
}

export interface GraphRequest {
  method: string;
  /** Path segments after the version, e.g. `['me', 'messages']`. */
  segments: string[];
  /** Query and body parameters merged, as Meta does. */
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
  authorization: string | undefined;
}

export interface GraphResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Caller =
  | { kind: 'app' }
  | { kind: 'user'; token: string }
  | { kind: 'page'; token: string; pages: PageState[] };

const tokenMessages: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
  492: 'Error validating access token: The session is invalid. The user may no longer have a role on the Page.',
};

function tokenError(subcode?: number): MetaError {
  if (subcode === undefined)
    return new MetaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  return new MetaError(400, 190, tokenMessages[subcode] ?? 'Error validating access token.', { subcode });
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function obj(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidParam(`param ${name} must be a JSON object.`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidParam(`param ${name} must be a JSON object.`);
  return parsed as Record<string, unknown>;
}

function list(value: unknown, name: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidParam(`param ${name} must be an array.`);
    }
  }
  if (!Array.isArray(parsed)) throw invalidParam(`param ${name} must be an array.`);
  return parsed;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/**
 * The requested field names. Expansions (`picture{url}`, `picture.type(large)`) count as their base
 * field, and commas inside braces do not split.
 */
function fieldsOf(params: Record<string, unknown>, fallback: string[]): string[] {
  const raw = str(params['fields']);
  if (!raw) return fallback;
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields.map((f) => f.trim().replace(/[{.(].*$/s, '')).filter(Boolean);
}

function page<T>(
  items: T[],
  params: Record<string, unknown>,
): { data: T[]; paging?: Record<string, unknown> } {
  const limit = Math.min(Math.max(Number(str(params['limit']) ?? 25) || 25, 1), 100);
  const after = str(params['after']);
  const start = after ? Number(Buffer.from(after, 'base64url').toString()) || 0 : 0;
  const data = items.slice(start, start + limit);
  const cursors = {
    before: Buffer.from(String(start)).toString('base64url'),
    after: Buffer.from(String(start + data.length)).toString('base64url'),
  };
  return start + data.length < items.length
    ? { data, paging: { cursors, next: `?after=${cursors.after}&limit=${limit}` } }
    : { data, paging: { cursors } };
}

export class GraphApi {
  constructor(private readonly world: World) {}

  private get now(): number {
    return this.world.clock.now();
  }

  async handle(req: GraphRequest): Promise<GraphResult> {
    try {
      return await this.route(req);
    } catch (error) {
      if (error instanceof MetaError)
        return { status: error.status, body: error.body, headers: error.headers };
      throw error;
    }
  }

  private async route(req: GraphRequest): Promise<GraphResult> {
    const { method, segments, params } = req;
    const [first, second, third] = segments;
    if (method === 'GET' && first === 'oauth' && second === 'access_token') return this.oauth(params);
    if (!first) throw unsupportedRequest(method, '');
    const caller = this.authenticate(req);
    const moderated = moderationRoute(this.world, req, caller.kind === 'page' ? caller.pages : []);
    if (moderated) return moderated;
    if (second !== undefined && HANDOVER_EDGES.has(second)) {
      const page = this.pageFor(first, caller, second, params) ?? undefined;
      const answer = handoverRoute(this.world, req, page) ?? blockedRoute(this.world, req, page);
      if (answer) return answer;
    }
    if (method === 'GET' && first === 'debug_token' && !second) return this.debugToken(caller, params);
    if (third !== undefined) throw unsupportedRequest(method, segments.join('/'));

    if (second === undefined) {
      if (first === 'me') {
        // `/me?fields=…` with a page token reads the page node.
        if (caller.kind === 'page' && params['fields'] !== undefined) {
          return this.node(method, caller.pages[0]!.id, caller, params);
        }
        return this.me(caller);
      }
      return this.node(method, first, caller, params);
    }
    if (first === 'me' && second === 'accounts' && method === 'GET') return this.accounts(caller, params);
    // Edges of a page (or `me` as a page).
    const edgePage = this.pageFor(first, caller, second, params);
    if (edgePage) {
      if (second === 'messages' && method === 'POST') return this.send(edgePage, caller, req);
      if (second === 'message_attachments' && method === 'POST') return this.upload(edgePage, req);
      if (second === 'subscribed_apps') return this.subscribedApps(edgePage, method, params);
      if (second === 'personas' && method === 'POST') return this.createPersona(edgePage, params);
      if (second === 'personas' && method === 'GET') {
        const personas = [...this.world.personas.values()].filter(
          (p) => p.pageId === edgePage.id && !p.deleted,
        );
        return ok(
          page(
            personas.map((p) => ({ name: p.name, profile_picture_url: p.profilePictureUrl, id: p.id })),
            params,
          ),
        );
      }
      if (second === 'conversations' && method === 'GET') return this.conversations(edgePage, params);
      throw unsupportedRequest(method, segments.join('/'));
    }
    if (first.startsWith('t_') && second === 'messages' && method === 'GET')
      return this.history(first, caller, params);
    if ((second === 'comments' || second === 'replies') && method === 'POST')
      return this.commentReply(first, second, caller, params);
    throw unsupportedRequest(method, segments.join('/'));
  }

  private authenticate(req: GraphRequest): Caller {
    const opts = this.world.options;
    const bearer = req.authorization?.match(/^(?:Bearer|OAuth)\s+(.+)$/i)?.[1];
    const token = str(req.params['access_token']) ?? bearer;
    if (!token)
      return this.fail(new MetaError(400, 104, 'An access token is required to request this resource.'));
    if (token === `${opts.appId}|${opts.appSecret}`) return { kind: 'app' };
    let caller: Caller | undefined;
    let pages: PageState[] = [];
    if (token === this.world.user.accessToken || this.world.user.extraTokens.has(token))
      caller = { kind: 'user', token };
    else {
      pages = [...this.world.pages.values()].filter((p) => p.accessToken === token);
      if (pages.length > 0) caller = { kind: 'page', token, pages };
      else if ([...this.world.pages.values()].some((p) => p.retiredTokens.has(token))) throw tokenError(467);
    }
    if (!caller) throw tokenError();
    if (opts.requireAppSecretProof) this.checkProof(token, req.params);
    if (caller.kind === 'user') {
      const expiresAt = this.world.user.extraTokens.get(token) ?? this.world.user.expiresAt;
      if (expiresAt !== null && expiresAt !== undefined && expiresAt <= this.now) throw tokenError(463);
    } else {
      // A token shared by a page and its Instagram account: any valid one answers; the first problem otherwise.
      const problems = pages.map((p) => this.world.tokenProblem(p));
      if (problems.every((p) => p !== null)) throw tokenError(problems[0]!.subcode);
      const owners = pages.filter((_, i) => problems[i] === null);
      // On the Facebook Login route an Instagram account is reached with its linked Page's token.
      const linked = [...this.world.pages.values()].filter(
        (p) =>
          p.platform === 'instagram' && !owners.includes(p) && owners.some((o) => o.id === p.facebookPageId),
      );
      return { kind: 'page', token, pages: [...owners, ...linked] };
    }
    return caller;
  }

  private fail(error: MetaError): never {
    throw error;
  }

  private checkProof(token: string, params: Record<string, unknown>): void {
    const proof = str(params['appsecret_proof']);
    if (!proof) {
      throw new MetaError(400, 100, 'API calls from the server require an appsecret_proof argument', {
        type: 'GraphMethodException',
      });
    }
    const secret = this.world.options.appSecret;
    const time = str(params['appsecret_time']);
    const candidates = [createHmac('sha256', secret).update(token).digest('hex')];
    if (time !== undefined) {
      // The timed variant is checked against real time: the client's clock is not the emulated one.
      if (Math.abs(Date.now() / 1000 - Number(time)) <= 300) {
        candidates.push(createHmac('sha256', secret).update(`${token}|${time}`).digest('hex'));
      }
    }
    const given = Buffer.from(proof.toLowerCase());
    const valid = candidates.some((c) => c.length === given.length && timingSafeEqual(Buffer.from(c), given));
    if (!valid)
      throw new MetaError(400, 100, 'Invalid appsecret_proof provided in the API argument', {
        type: 'GraphMethodException',
      });
  }

  /** The page a page-edge call addresses, or null when `id` is not a page (so other routes can try). */
  private pageFor(
    id: string,
    caller: Caller,
    edge: string,
    params: Record<string, unknown>,
  ): PageState | null {
    const pageEdges = new Set([
      'messages',
      'message_attachments',
      'subscribed_apps',
      'personas',
      'conversations',
      ...HANDOVER_EDGES,
    ]);
    if (!pageEdges.has(edge)) return null;
    const known =
      id === 'me' ||
      this.world.pages.has(id) ||
      [...this.world.pages.values()].some((p) => p.facebookPageId === id);
    if (!known) return null;
    if (caller.kind !== 'page')
      throw new MetaError(400, 210, '(#210) A page access token is required to request this resource.');
    let candidates =
      id === 'me' ? caller.pages : caller.pages.filter((p) => p.id === id || p.facebookPageId === id);
    if (candidates.length === 0) throw permissionError('The page access token does not belong to this page.');
    if (candidates.length > 1) {
      // One token for a Facebook Page and its Instagram account: the recipient or `platform` decides.
      const platform = str(params['platform']);
      // `thread_owner` names the person by a bare PSID (`?recipient=<PSID>`); sends by `{ id }`.
      const bare = params['recipient'];
      const recipientId =
        typeof bare === 'string' && /^\d+$/.test(bare) ? bare : str(obj(bare, 'recipient')?.['id']);
      const owner = recipientId ? this.world.customers.get(recipientId)?.pageId : undefined;
      const byCustomer = candidates.filter((p) => p.id === owner);
      const byPlatform = candidates.filter((p) => p.platform === platform);
      candidates = byCustomer.length > 0 ? byCustomer : byPlatform.length > 0 ? byPlatform : candidates;
    }
    return candidates[0]!;
  }

  private requireScope(page: PageState, scope: string): void {
    if (!page.scopes.includes(scope)) {
      throw permissionError(`Requires ${scope} permission to manage the object`);
    }
  }

  // ---- oauth / debug_token / me / accounts

  private oauth(params: Record<string, unknown>): GraphResult {
    const opts = this.world.options;
    if (str(params['client_id']) !== opts.appId)
      throw new MetaError(400, 101, 'Error validating application. Invalid application ID.');
    if (str(params['client_secret']) !== opts.appSecret)
      throw new MetaError(400, 1, 'Error validating client secret.');
    const grant = str(params['grant_type']);
    if (grant === 'client_credentials')
      return ok({ access_token: `${opts.appId}|${opts.appSecret}`, token_type: 'bearer' });
    if (grant !== 'fb_exchange_token')
      throw invalidParam('param grant_type must be one of {fb_exchange_token, client_credentials}');
    const exchange = str(params['fb_exchange_token']);
    if (!exchange || (exchange !== this.world.user.accessToken && !this.world.user.extraTokens.has(exchange)))
      throw tokenError();
    const token = `EAAU${this.world.newToken().slice(4)}`;
    const expiresIn = 5_183_944;
    this.world.user.extraTokens.set(token, this.now + expiresIn * 1000);
    return ok({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
  }

  private debugToken(caller: Caller, params: Record<string, unknown>): GraphResult {
    if (caller.kind !== 'app')
      throw new MetaError(
        400,
        100,
        '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
      );
    const input = str(params['input_token']);
    if (!input) throw invalidParam('The parameter input_token is required');
    const opts = this.world.options;
    const nowS = Math.floor(this.now / 1000);
    const pages = [...this.world.pages.values()].filter((p) => p.accessToken === input);
    const base = { app_id: opts.appId, application: opts.appName };
    if (pages.length > 0) {
      const p = pages[0]!;
      const problem = this.world.tokenProblem(p);
      // A Page token also carries the permissions of the Instagram account linked to the Page.
      const covered = [
        ...pages,
        ...[...this.world.pages.values()].filter(
          (x) =>
            x.platform === 'instagram' && !pages.includes(x) && pages.some((o) => o.id === x.facebookPageId),
        ),
      ];
      const scopes = [...new Set(covered.flatMap((x) => x.scopes))];
      const data: Record<string, unknown> = {
        ...base,
        type: 'PAGE',
        data_access_expires_at: Math.floor((this.now + 90 * DAY) / 1000),
        expires_at: p.tokenExpiresAt === undefined ? 0 : Math.floor(p.tokenExpiresAt / 1000),
        is_valid: problem === null,
        issued_at: Math.floor(p.tokenIssuedAt / 1000),
        profile_id: p.platform === 'instagram' && p.facebookPageId ? p.facebookPageId : p.id,
        scopes,
        granular_scopes: scopes.map((scope) => ({
          scope,
          target_ids: covered.filter((x) => x.scopes.includes(scope)).map((x) => x.id),
        })),
        user_id: this.world.user.id,
      };
      if (problem)
        data['error'] = {
          code: 190,
          message: tokenMessages[problem.subcode] ?? 'Error validating access token.',
          subcode: problem.subcode,
        };
      return ok({ data });
    }
    const userExpiry =
      input === this.world.user.accessToken
        ? this.world.user.expiresAt
        : this.world.user.extraTokens.get(input);
    if (input === this.world.user.accessToken || this.world.user.extraTokens.has(input)) {
      const valid = userExpiry === null || userExpiry === undefined || userExpiry > this.now;
      return ok({
        data: {
          ...base,
          type: 'USER',
          data_access_expires_at: Math.floor((this.now + 90 * DAY) / 1000),
          expires_at: userExpiry ? Math.floor(userExpiry / 1000) : 0,
          is_valid: valid,
          issued_at: nowS,
          scopes: [
            'pages_show_list',
            'pages_messaging',
            'pages_manage_metadata',
            'pages_read_engagement',
            'business_management',
          ],
          user_id: this.world.user.id,
          ...(valid ? {} : { error: { code: 190, message: tokenMessages[463], subcode: 463 } }),
        },
      });
    }
    const retired = [...this.world.pages.values()].some((p) => p.retiredTokens.has(input));
    return ok({
      data: {
        is_valid: false,
        scopes: [],
        error: retired
          ? { code: 190, message: tokenMessages[467], subcode: 467 }
          : { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
      },
    });
  }

  private me(caller: Caller): GraphResult {
    if (caller.kind === 'page') {
      const p = caller.pages[0]!;
      return ok({ name: p.name, id: p.id });
    }
    if (caller.kind === 'user') return ok({ name: this.world.user.name, id: this.world.user.id });
    return ok({ name: this.world.options.appName, id: this.world.options.appId });
  }

  private accounts(caller: Caller, params: Record<string, unknown>): GraphResult {
    if (caller.kind !== 'user')
      throw invalidParam('Tried accessing nonexisting field (accounts) on node type (Page)');
    const allowed = this.world.user.pages;
    const all = [...this.world.pages.values()].filter((p) => allowed === null || allowed.includes(p.id));
    const tasks = ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'];
    const rows = all
      .filter(
        (p) =>
          !(p.platform === 'instagram' && p.facebookPageId && all.some((f) => f.id === p.facebookPageId)),
      )
      .map((p) => {
        const linked =
          p.platform === 'instagram'
            ? p
            : all.find((ig) => ig.platform === 'instagram' && ig.facebookPageId === p.id);
        return {
          access_token: p.accessToken,
          category: 'Retail company',
          category_list: [{ id: '2200', name: 'Retail company' }],
          name: p.name,
          id: p.platform === 'instagram' ? (p.facebookPageId ?? p.id) : p.id,
          tasks,
          picture: { data: { url: `${this.world.baseUrl}/samples/avatar.png?page=${p.id}` } },
          ...(linked
            ? {
                instagram_business_account: {
                  id: linked.id,
                  username: linked.name,
                  name: linked.name,
                  profile_picture_url: `${this.world.baseUrl}/samples/avatar.png?page=${linked.id}`,
                },
              }
            : {}),
        };
      });
    return ok(page(rows, params));
  }

  /** `GET /{id}` and `DELETE /{id}`: a customer profile, a persona, a page, a conversation or a message. */
  private node(method: string, id: string, caller: Caller, params: Record<string, unknown>): GraphResult {
    const persona = this.world.personas.get(id);
    if (persona) {
      if (caller.kind !== 'page' || !caller.pages.some((p) => p.id === persona.pageId))
        throw permissionError('The persona does not belong to this page.');
      if (method === 'DELETE') {
        persona.deleted = true;
        return ok({ success: true });
      }
      if (method === 'GET' && !persona.deleted)
        return ok({ name: persona.name, profile_picture_url: persona.profilePictureUrl, id: persona.id });
      throw unsupportedRequest(method, id);
    }
    if (method !== 'GET') throw unsupportedRequest(method, id);
    const customer = this.world.customers.get(id);
    if (customer) return this.profile(id, caller, params);
    const p = this.world.pages.get(id);
    if (p) {
      const fields = fieldsOf(params, ['name', 'id']);
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f === 'id') out['id'] = p.id;
        else if (f === 'name') out['name'] = p.name;
        else if (f === 'username' && p.platform === 'instagram') out['username'] = p.name;
        else if (f === 'access_token') {
          if (caller.kind !== 'user')
            throw permissionError('A user access token is required to read access_token');
          out['access_token'] = p.accessToken;
        } else if (f === 'instagram_business_account') {
          const ig = [...this.world.pages.values()].find(
            (x) => x.platform === 'instagram' && x.facebookPageId === p.id,
          );
          if (ig) out['instagram_business_account'] = { id: ig.id };
        } else if (f === 'picture')
          out['picture'] = { data: { url: `${this.world.baseUrl}/samples/avatar.png` } };
        else if (f === 'profile_picture_url' && p.platform === 'instagram') {
          out['profile_picture_url'] = `${this.world.baseUrl}/samples/avatar.png`;
        } else throw invalidParam(`Tried accessing nonexisting field (${f}) on node type (Page)`);
      }
      out['id'] = p.id;
      return ok(out);
    }
    const message = this.world.findMessage(id);
    if (message && caller.kind === 'page' && caller.pages.some((x) => x.id === message.pageId))
      return ok(this.graphMessage(message));
    throw unsupportedRequest(method, id);
  }

  private profile(id: string, caller: Caller, params: Record<string, unknown>): GraphResult {
    const customer = this.world.customer(id);
    if (caller.kind !== 'page' || !caller.pages.some((p) => p.id === customer.pageId)) throw noMatchingUser();
    if (customer.profileError === 2018218) {
      throw new MetaError(
        400,
        2018218,
        'Cannot get user profile: the account was created with a phone number or has no profile information',
      );
    }
    if (customer.platform === 'instagram' && (customer.profileError === 230 || !customer.consent)) {
      throw new MetaError(400, 230, '(#230) User consent is required to access user profile');
    }
    if (customer.profileError === 230)
      throw new MetaError(400, 230, '(#230) User consent is required to access user profile');
    const ig = customer.platform === 'instagram';
    const fields = fieldsOf(
      params,
      ig ? ['name', 'username', 'profile_pic'] : ['first_name', 'last_name', 'profile_pic'],
    );
    const allowed: Record<string, unknown> = ig
      ? {
          id: customer.id,
          name: customer.name,
          username: customer.username,
          profile_pic: customer.profilePic,
          is_verified_user: false,
          follower_count: 42,
          is_user_follow_business: true,
          is_business_follow_user: false,
        }
      : {
          id: customer.id,
          name: customer.name,
          first_name: customer.firstName,
          last_name: customer.lastName,
          profile_pic: customer.profilePic,
          locale: 'en_US',
          timezone: 0,
        };
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!(f in allowed)) throw invalidParam(`Tried accessing nonexisting field (${f}) on node type (User)`);
      out[f] = allowed[f];
    }
    out['id'] = customer.id;
    return ok(out);
  }

  // ---- Send API

  private async send(p: PageState, _caller: Caller, req: GraphRequest): Promise<GraphResult> {
    assertHoldsThread(this.world, p.id, req.params);
    const params = req.params;
    const recipient = obj(params['recipient'], 'recipient');
    if (!recipient || Object.keys(recipient).length === 0)
      throw invalidParam('param recipient must be non-empty.');
    const recipientKeys = Object.keys(recipient).filter((k) => recipient[k] !== undefined);
    if (recipientKeys.length !== 1)
      throw invalidParam('param recipient must have exactly one of id, comment_id, post_id, user_ref.');
    const senderAction = str(params['sender_action']);
    const message = obj(params['message'], 'message');
    const personaId = str(params['persona_id']);
    if (senderAction !== undefined) {
      const extra = Object.keys(params).filter(
        (k) =>
          ![
            'recipient',
            'sender_action',
            'access_token',
            'appsecret_proof',
            'appsecret_time',
            'persona_id',
            'payload',
          ].includes(k),
      );
      if (message || extra.length > 0)
        throw invalidParam('sender_action must be sent alone, with only recipient.');
    }
    this.requireScope(p, p.platform === 'instagram' ? 'instagram_manage_messages' : 'pages_messaging');

    // Resolve the recipient: a PSID/IGSID, or a comment / visitor post for a private reply.
    const commentKey =
      recipient['comment_id'] !== undefined
        ? 'comment_id'
        : recipient['post_id'] !== undefined
          ? 'post_id'
          : null;
    let customerId: string;
    let comment: ReturnType<World['comments']['get']>;
    if (commentKey) {
      const commentId = str(recipient[commentKey]) ?? '';
      comment = this.world.comments.get(commentId);
      if (!comment || comment.pageId !== p.id || comment.isPost !== (commentKey === 'post_id')) {
        throw invalidParam(
          `param recipient[${commentKey}] is not a valid ${commentKey === 'post_id' ? 'post' : 'comment'} of this page.`,
          33,
        );
      }
      customerId = comment.customerId;
    } else if (recipient['id'] !== undefined) {
      customerId = str(recipient['id']) ?? '';
    } else {
      throw invalidParam(`param recipient[${recipientKeys[0]}] is not supported by the emulator.`);
    }
    const customer = this.world.customers.get(customerId);
    if (!customer || customer.pageId !== p.id) throw noMatchingUser();

    if (personaId !== undefined) {
      const persona = this.world.personas.get(personaId);
      if (!persona || persona.deleted || persona.pageId !== p.id)
        throw invalidParam('param persona_id is not a valid persona of this page.');
      if (senderAction !== undefined && senderAction !== 'typing_on' && senderAction !== 'typing_off') {
        throw invalidParam('persona_id can only be used with typing_on and typing_off sender actions.');
      }
    }

    if (senderAction !== undefined) {
      const actions = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
      if (!actions.includes(senderAction))
        throw invalidParam(
          `param sender_action must be one of {${actions.map((a) => a.toUpperCase()).join(', ')}}`,
        );
      if (customer.unavailable)
        throw new MetaError(400, 551, "(#551) This person isn't available right now.", { subcode: 1545041 });
      if (this.world.windowFor(customer, this.now) === 'closed') throw windowClosed(customer.platform);
      const record = {
        pageId: p.id,
        recipientId: customer.id,
        action: senderAction,
        timestamp: this.now,
        ...(personaId ? { personaId } : {}),
      };
      this.world.actionLog.push(record);
      if (senderAction === 'typing_on' || senderAction === 'typing_off') {
        this.world.emit({
          type: 'typing',
          pageId: p.id,
          customerId: customer.id,
          on: senderAction === 'typing_on',
        });
      }
      return ok({ recipient_id: customer.id });
    }

    if (!message) throw invalidParam('param message must be non-empty.');
    const messagingType = str(params['messaging_type']) ?? (commentKey ? 'RESPONSE' : undefined);
    const types = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY'];
    if (!messagingType || !types.includes(messagingType))
      throw invalidParam(`param messaging_type must be one of {${types.join(', ')}}`);
    const tag = str(params['tag']) ?? null;
    if (messagingType === 'MESSAGE_TAG') {
      if (!tag) throw invalidParam('param tag is required when messaging_type is MESSAGE_TAG.');
      if (REMOVED_TAGS.has(tag))
        throw invalidParam(`The ${tag} tag is no longer supported. Use utility messages instead.`);
      if (tag !== 'HUMAN_AGENT' && tag !== 'CUSTOMER_FEEDBACK')
        throw invalidParam(`param tag must be one of {HUMAN_AGENT, CUSTOMER_FEEDBACK}`);
      if (tag === 'CUSTOMER_FEEDBACK')
        throw invalidParam(
          'The CUSTOMER_FEEDBACK tag is only allowed with the customer feedback template, which the emulator does not emulate.',
        );
    }
    if (messagingType === 'UTILITY')
      throw invalidParam(
        'UTILITY messages need an approved utility template, which the emulator does not emulate.',
      );

    // Message content rules.
    const text = message['text'];
    const attachment = obj(message['attachment'], 'message[attachment]');
    const attachmentList = list(message['attachments'], 'message[attachments]');
    const file = req.files.get('filedata');
    const contentCount = [text !== undefined, attachment !== undefined, attachmentList !== undefined].filter(
      Boolean,
    ).length;
    if (contentCount === 0) throw invalidParam('param message must contain text or attachment.');
    if (contentCount > 1)
      throw invalidParam('param message must contain only one of text, attachment or attachments.');
    if (text !== undefined) {
      if (typeof text !== 'string' || text.length === 0)
        throw invalidParam('param message[text] must be a non-empty UTF-8 string.');
      checkSendText(p.platform, text);
    }
    const metadata = message['metadata'];
    if (metadata !== undefined && (typeof metadata !== 'string' || metadata.length > METADATA_MAX)) {
      throw invalidParam(`param message[metadata] must be a string of at most ${METADATA_MAX} characters.`);
    }
    const quickReplies = list(message['quick_replies'], 'message[quick_replies]');
    if (quickReplies) {
      if (quickReplies.length > 13)
        throw invalidParam('param message[quick_replies] must have a maximum of 13 elements.');
      for (const [i, qr] of quickReplies.entries()) {
        const q = qr as Record<string, unknown>;
        const ct = q?.['content_type'];
        if (ct !== 'text' && ct !== 'user_phone_number' && ct !== 'user_email') {
          throw invalidParam(
            `param message[quick_replies][${i}][content_type] must be one of {text, user_phone_number, user_email}`,
          );
        }
        if (
          ct === 'text' &&
          (typeof q['title'] !== 'string' || typeof q['payload'] !== 'string' || q['payload'].length > 1000)
        ) {
          throw invalidParam(
            `param message[quick_replies][${i}] needs a title and a payload of at most 1000 characters.`,
          );
        }
      }
    }
    const replyTo = obj(params['reply_to'], 'reply_to');
    const replyToMid = replyTo ? str(replyTo['mid']) : undefined;
    if (replyTo && (!replyToMid || !this.world.conversation(customer.id).some((m) => m.mid === replyToMid))) {
      throw invalidParam('param reply_to[mid] is not a message of this conversation.');
    }

    const attachments: EmulatorAttachment[] = [];
    let reusableId: string | undefined;
    if (attachment) {
      const resolved = await this.outboundAttachment(p, attachment, file, 'message[attachment]');
      attachments.push(resolved.attachment);
      reusableId = resolved.reusableId;
    } else if (attachmentList) {
      if (attachmentList.length === 0 || attachmentList.length > 30)
        throw invalidParam('param message[attachments] must have between 1 and 30 elements.');
      for (const [i, item] of attachmentList.entries()) {
        const a = obj(item, `message[attachments][${i}]`)!;
        if (a['type'] !== 'image')
          throw invalidParam(
            `param message[attachments][${i}][type] must be image: only images can be sent together.`,
          );
        attachments.push(
          (await this.outboundAttachment(p, a, undefined, `message[attachments][${i}]`)).attachment,
        );
      }
    }

    // Who can be messaged, then the window (docs/meta-platform.md).
    if (customer.unavailable)
      throw new MetaError(400, 551, "(#551) This person isn't available right now.", { subcode: 1545041 });
    if (comment) {
      if (comment.privateReplyMid !== null)
        throw new MetaError(400, 10900, '(#10900) Activity already replied to');
      if (this.now - comment.createdAt > 7 * DAY) throw windowClosed(customer.platform);
    } else {
      const window = this.world.windowFor(customer, this.now);
      if (tag === 'HUMAN_AGENT' && messagingType === 'MESSAGE_TAG') {
        if (!p.humanAgent)
          throw permissionError('The HUMAN_AGENT tag requires the Human Agent feature for this app.');
        if (window === 'closed') throw windowClosed(customer.platform);
      } else if (window !== 'standard') {
        throw windowClosed(customer.platform);
      }
    }

    const timestamp = this.now;
    const mid = newMid();
    const stored: EmulatorMessage = {
      mid,
      pageId: p.id,
      customerId: customer.id,
      direction: 'outbound',
      ...(typeof text === 'string' ? { text } : {}),
      attachments,
      timestamp,
      appId: this.world.options.appId,
      ...(typeof metadata === 'string' ? { metadata } : {}),
      ...(personaId ? { personaId, personaName: this.world.personas.get(personaId)!.name } : {}),
      ...(replyToMid ? { replyToMid } : {}),
      ...(comment ? { commentId: comment.id } : {}),
      reactions: [],
    };
    if (comment) comment.privateReplyMid = mid;
    const sent: SentMessage = {
      mid,
      pageId: p.id,
      recipientId: customer.id,
      recipient: Object.fromEntries(Object.entries(recipient).map(([k, v]) => [k, String(v)])),
      ...(typeof text === 'string' ? { text } : {}),
      attachments: structuredClone(attachments),
      messagingType,
      tag,
      ...(typeof metadata === 'string' ? { metadata } : {}),
      ...(personaId ? { personaId } : {}),
      ...(replyToMid ? { replyToMid } : {}),
      ...(quickReplies ? { quickReplies } : {}),
      ...(str(params['notification_type']) ? { notificationType: str(params['notification_type'])! } : {}),
      timestamp,
    };
    this.world.sentLog.push(sent);
    this.world.insert(stored);
    this.world.emit({ type: 'typing', pageId: p.id, customerId: customer.id, on: false });
    void this.world.sendEcho(stored);
    const behaviour = this.world.options.customerBehaviour;
    if (behaviour.deliverAfterMs !== null) {
      this.world.later(behaviour.deliverAfterMs, () => void this.world.customerDelivered(customer.id, [mid]));
    }
    if (behaviour.readAfterMs !== null) {
      this.world.later(behaviour.readAfterMs, () => void this.world.customerRead(customer.id));
    }
    return ok({
      recipient_id: customer.id,
      message_id: mid,
      ...(reusableId ? { attachment_id: reusableId } : {}),
    });
  }

  /** Validates one outbound attachment (by url, attachment_id or an uploaded file) and sizes it. */
  private async outboundAttachment(
    p: PageState,
    a: Record<string, unknown>,
    file: UploadedFile | undefined,
    name: string,
  ): Promise<{ attachment: EmulatorAttachment; reusableId?: string }> {
    const type = str(a['type']);
    if (type === 'template') throw invalidParam(`param ${name}[type] template is not emulated.`);
    if (!type || !ATTACHMENT_TYPES.has(type))
      throw invalidParam(`param ${name}[type] must be one of {image, audio, video, file, template}`);
    const payload = obj(a['payload'], `${name}[payload]`) ?? {};
    const attachmentId = str(payload['attachment_id']);
    const url = str(payload['url']);
    if (attachmentId !== undefined) {
      const upload = this.world.uploads.get(attachmentId);
      if (!upload || upload.pageId !== p.id || upload.expiresAt <= this.now)
        throw invalidParam('Invalid attachment id', 2018074);
      return { attachment: { type, attachmentId, ...(upload.url ? { url: upload.url } : {}) } };
    }
    if (file) {
      const upload = this.storeUpload(p, type, file);
      return { attachment: { type, url: upload.url!, attachmentId: upload.id } };
    }
    if (!url) throw invalidParam(`param ${name}[payload] must have url or attachment_id.`);
    const size = await this.fetchSize(type, url);
    if (size !== null && size > attachmentLimit(p.platform, type, 'url'))
      throw invalidParam('Attachment size exceeds allowable limit', 2018109);
    let reusableId: string | undefined;
    if (payload['is_reusable'] === true || payload['is_reusable'] === 'true') {
      reusableId = this.world.newId(16);
      this.world.uploads.set(reusableId, {
        id: reusableId,
        pageId: p.id,
        type,
        size,
        url,
        bytes: null,
        mime: null,
        createdAt: this.now,
        expiresAt: this.now + 90 * DAY,
      });
    }
    return {
      attachment: { type, url, ...(reusableId ? { attachmentId: reusableId } : {}) },
      ...(reusableId ? { reusableId } : {}),
    };
  }

  /** Fetches an attachment URL like Meta does (10 s, 75 s for video) and returns its size. */
  private async fetchSize(type: string, url: string): Promise<number | null> {
    const own = `${this.world.baseUrl}/samples/`;
    if (url.startsWith(own)) {
      const image = sampleImage(url.slice(own.length).replace(/\.png(\?.*)?$/, ''));
      if (!image) throw invalidParam('Failed to fetch the file from the url', 2018008);
      return image.length;
    }
    if (!this.world.options.fetchAttachmentUrls) return null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidParam('Failed to fetch the file from the url', 2018008);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalidParam('Failed to fetch the file from the url', 2018008);
    const limit = (type === 'image' ? 8 : 25) * MB;
    try {
      const response = await fetch(parsed, {
        signal: AbortSignal.timeout(type === 'video' ? 75_000 : 10_000),
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      if (type === 'audio' && !(response.headers.get('content-type') ?? '').startsWith('audio/')) {
        await response.body.cancel();
        throw invalidParam('Failed to fetch the file from the url: audio must be served as audio/*', 2018008);
      }
      let size = 0;
      const reader = response.body.getReader();
      // Stop reading as soon as the limit is passed: the answer is known and the body may be huge.
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
      return size;
    } catch (error) {
      if (error instanceof MetaError) throw error;
      throw invalidParam('Failed to fetch the file from the url', 2018008);
    }
  }

  private storeUpload(p: PageState, type: string, file: UploadedFile) {
    if (file.bytes.length > attachmentLimit(p.platform, type, 'upload'))
      throw invalidParam('Attachment size exceeds allowable limit', 2018109);
    if (file.bytes.length === 0) throw invalidParam('Upload attachment failure: empty file', 2018047);
    const id = this.world.newId(16);
    const upload = {
      id,
      pageId: p.id,
      type,
      size: file.bytes.length,
      url: `${this.world.baseUrl}/_emulator/media/${id}`,
      bytes: file.bytes,
      mime: file.type || 'application/octet-stream',
      createdAt: this.now,
      expiresAt: this.now + 90 * DAY,
    };
    this.world.uploads.set(id, upload);
    return upload;
  }

  private async upload(p: PageState, req: GraphRequest): Promise<GraphResult> {
    const message = obj(req.params['message'], 'message');
    const attachment = message ? obj(message['attachment'], 'message[attachment]') : undefined;
    if (!attachment) throw invalidParam('param message[attachment] must be non-empty.');
    const type = str(attachment['type']);
    if (!type || !ATTACHMENT_TYPES.has(type))
      throw invalidParam('param message[attachment][type] must be one of {image, audio, video, file}');
    const file = req.files.get('filedata');
    if (file) return ok({ attachment_id: this.storeUpload(p, type, file).id });
    const payload = obj(attachment['payload'], 'message[attachment][payload]');
    const url = payload ? str(payload['url']) : undefined;
    if (!url) throw invalidParam('param message[attachment][payload][url] or a filedata part is required.');
    const size = await this.fetchSize(type, url);
    if (size !== null && size > attachmentLimit(p.platform, type, 'url'))
      throw invalidParam('Attachment size exceeds allowable limit', 2018109);
    const id = this.world.newId(16);
    this.world.uploads.set(id, {
      id,
      pageId: p.id,
      type,
      size,
      url,
      bytes: null,
      mime: null,
      createdAt: this.now,
      expiresAt: this.now + 90 * DAY,
    });
    return ok({ attachment_id: id });
  }

  // ---- subscriptions, personas, comments, conversations

  private subscribedApps(p: PageState, method: string, params: Record<string, unknown>): GraphResult {
    const opts = this.world.options;
    if (method === 'GET') {
      if (p.subscribedFields.length === 0) return ok({ data: [] });
      return ok({
        data: [
          {
            category: 'Business',
            link: `https://emulator.local/apps/${opts.appId}`,
            name: opts.appName,
            id: opts.appId,
            subscribed_fields: [...p.subscribedFields],
          },
        ],
      });
    }
    this.requireScope(p, 'pages_manage_metadata');
    if (method === 'POST') {
      const raw = params['subscribed_fields'];
      const fields = Array.isArray(raw)
        ? raw.map(String)
        : (str(raw) ?? '')
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean);
      if (fields.length === 0) throw invalidParam('param subscribed_fields must be non-empty.');
      const known = new Set([
        ...defaultSubscribedFields('messenger'),
        ...defaultSubscribedFields('instagram'),
        'standby',
        'messaging_handovers',
        'messaging_referrals',
        // Instagram's own names (Graph webhooks reference, `instagram` object)
        'messaging_referral',
        'messaging_handover',
        'live_comments',
        'messaging_optins',
        'messaging_policy_enforcement',
        'messaging_account_linking',
        'response_feedback',
        'messaging_feedback',
        'mentions',
      ]);
      const unknown = fields.find((f) => !known.has(f));
      if (unknown)
        throw invalidParam(`param subscribed_fields must be one of the webhook fields; got ${unknown}`);
      p.subscribedFields = [...new Set(fields)];
      return ok({ success: true });
    }
    if (method === 'DELETE') {
      p.subscribedFields = [];
      return ok({ success: true });
    }
    throw unsupportedRequest(method, `${p.id}/subscribed_apps`);
  }

  private createPersona(p: PageState, params: Record<string, unknown>): GraphResult {
    const name = str(params['name']);
    const picture = str(params['profile_picture_url']);
    if (!name || [...name].length > 50) throw invalidParam('param name must be 1 to 50 characters.');
    if (!picture || !/^https?:\/\//.test(picture))
      throw invalidParam('param profile_picture_url must be a publicly reachable URL.');
    const id = this.world.newId(16);
    this.world.personas.set(id, { id, pageId: p.id, name, profilePictureUrl: picture, deleted: false });
    return ok({ id });
  }

  private commentReply(
    commentId: string,
    edge: string,
    caller: Caller,
    params: Record<string, unknown>,
  ): GraphResult {
    const comment = this.world.comments.get(commentId);
    if (!comment || caller.kind !== 'page' || !caller.pages.some((p) => p.id === comment.pageId))
      throw unsupportedRequest('POST', `${commentId}/${edge}`);
    const p = this.world.page(comment.pageId);
    if ((p.platform === 'instagram') !== (edge === 'replies'))
      throw unsupportedRequest('POST', `${commentId}/${edge}`);
    this.requireScope(
      p,
      p.platform === 'instagram' ? 'instagram_manage_comments' : 'pages_manage_engagement',
    );
    const text = str(params['message']);
    if (!text) throw invalidParam('param message must be non-empty.');
    const id =
      p.platform === 'instagram'
        ? this.world.newId(17)
        : `${commentId.split('_')[0]}_${this.world.newId(15)}`;
    comment.replies.push({ id, text, createdAt: this.now });
    this.world.emit({ type: 'comment', comment: structuredClone(comment) });
    return ok({ id });
  }

  private conversations(p: PageState, params: Record<string, unknown>): GraphResult {
    const platform = str(params['platform']);
    if (platform !== undefined && platform !== p.platform) return ok({ data: [] });
    const userId = str(params['user_id']);
    const rows = [...this.world.customers.values()]
      .filter((c) => c.pageId === p.id && (userId === undefined || c.id === userId))
      .map((c) => ({ c, msgs: this.world.conversation(c.id) }))
      .filter(({ msgs }) => msgs.length > 0)
      .sort((a, b) => b.msgs.at(-1)!.timestamp - a.msgs.at(-1)!.timestamp)
      .map(({ c, msgs }) => ({
        id: `t_${c.id}`,
        updated_time: isoTime(msgs.at(-1)!.timestamp),
        message_count: msgs.length,
        participants: {
          data: [
            {
              name: c.name,
              email: `${c.id}@facebook.com`,
              id: c.id,
              ...(c.platform === 'instagram' ? { username: c.username } : {}),
            },
            { name: p.name, email: `${p.id}@facebook.com`, id: p.id },
          ],
        },
      }));
    return ok(page(rows, params));
  }

  private history(conversationId: string, caller: Caller, params: Record<string, unknown>): GraphResult {
    const customer = this.world.customers.get(conversationId.slice(2));
    if (!customer || caller.kind !== 'page' || !caller.pages.some((p) => p.id === customer.pageId))
      throw unsupportedRequest('GET', `${conversationId}/messages`);
    const msgs = [...this.world.conversation(customer.id)].reverse().map((m) => this.graphMessage(m));
    return ok(page(msgs, params));
  }

  private graphMessage(m: EmulatorMessage): Record<string, unknown> {
    const customer = this.world.customer(m.customerId);
    const p = this.world.page(m.pageId);
    const c = { name: customer.name, email: `${customer.id}@facebook.com`, id: customer.id };
    const pg = { name: p.name, email: `${p.id}@facebook.com`, id: p.id };
    const [from, to] = m.direction === 'inbound' ? [c, pg] : [pg, c];
    return {
      id: m.mid,
      created_time: isoTime(m.timestamp),
      message: m.text ?? '',
      from,
      to: { data: [to] },
      ...(m.attachments.length > 0
        ? {
            attachments: {
              data: m.attachments.map((a, i) => ({
                id: `${m.mid}_${i}`,
                mime_type: a.type === 'image' ? 'image/png' : 'application/octet-stream',
                name: a.title ?? `${a.type}-${i}`,
                ...(a.type === 'image'
                  ? { image_data: { url: a.url, preview_url: a.url } }
                  : { file_url: a.url }),
              })),
            },
          }
        : {}),
    };
  }
}

function ok(body: unknown): GraphResult {
  return { status: 200, body };
}
