import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPagedeskError, PagedeskError, ValidationError } from '@pagedesk/core';
import { chatPageHtml } from './chatPage.js';
import { createClock, type EmulatorClock } from './clock.js';
import { handleControl } from './control.js';
import { Faults, type FaultsSnapshot } from './faults.js';
import { answerSurvey, surveyAnswerSchema } from './feedback.js';
import { GraphApi, type UploadedFile } from './graph.js';
import { type HandoverControls, handoverControls } from './handover.js';
import { type EmulatorLogins, Logins, sendLogin } from './logins.js';
import { MetaError } from './metaError.js';
import {
  type CreateCustomerInput,
  commentInputSchema,
  createCustomerSchema,
  type EmulatorOptions,
  echoInputSchema,
  emulatorOptionsSchema,
  type FaultsInput,
  type PageConfig,
  pageConfigSchema,
  parseInput,
  postbackInputSchema,
  type RevokeReason,
  reactInputSchema,
  readInputSchema,
  revokeReasonSchema,
  type SendInput,
  sendInputSchema,
  storyMentionInputSchema,
} from './options.js';
import { sampleImage, sampleImageNames } from './samples.js';
import { type ScriptStep, scriptStepSchema } from './script.js';
import type {
  EmulatorComment,
  EmulatorCustomer,
  EmulatorMessage,
  EmulatorUpdate,
  SenderActionRecord,
  SentMessage,
} from './types.js';
import {
  type VerificationResult,
  verifyWebhook,
  type WebhookDelivery,
  WebhookDispatcher,
} from './webhooks.js';
import { defaultSubscribedFields, World } from './world.js';

const MAX_BODY = 30 * 1024 * 1024;

/** What a simulated customer action returns once its webhook was delivered (or given up on). */
export interface ActionResult {
  /** The message id, for messages and postbacks. */
  mid?: string;
  /** Emulated time of the action, epoch ms. */
  timestamp: number;
  /** Whether the webhook receiver answered 2xx (false when none is configured or the page is unsubscribed). */
  delivered: boolean;
}

/** Controls of one simulated customer: everything a person can do in Messenger or Instagram. */
export interface CustomerHandle {
  readonly id: string;
  /** A snapshot of the customer. */
  info(): EmulatorCustomer;
  /** Sends a message (text, attachments, quick-reply tap, quoted reply); `at` can be in the past. */
  send(input: SendInput): Promise<ActionResult>;
  /** Reacts to a message of the conversation (default ❤️). */
  react(
    mid: string,
    emoji?: string,
    options?: { action?: 'react' | 'unreact'; at?: number | string },
  ): Promise<ActionResult>;
  /** Reads the page's messages (Messenger watermark read; Instagram messaging_seen of the last one). */
  read(options?: { at?: number | string }): Promise<ActionResult>;
  /** Answers a satisfaction survey (Customer Feedback Template) the page sent: a `messaging_feedback` webhook. */
  answerSurvey(input: { mid: string; score: number; text?: string }): Promise<ActionResult>;
  /** Taps a postback button (Get Started, persistent menu, icebreaker). */
  postback(input: { title: string; payload?: string; at?: number | string }): Promise<ActionResult>;
  /** Comments on a post (Facebook `feed`, Instagram `comments`); default post: the page's sample post. */
  comment(input: {
    text: string;
    postId?: string;
    parentId?: string;
    at?: number | string;
  }): Promise<ActionResult & { comment: EmulatorComment }>;
  /** Writes a visitor post on the Facebook Page (private replies use `recipient.post_id`). */
  post(input: { text: string; at?: number | string }): Promise<ActionResult & { comment: EmulatorComment }>;
  /** Mentions the Instagram account in a story (an Instagram `story_mention` message). */
  storyMention(input?: { url?: string; at?: number | string }): Promise<ActionResult>;
  /** Edits one of their Messenger messages (`message_edit`, at most five times). */
  edit(mid: string, text: string): Promise<ActionResult>;
  /** Unsends one of their Instagram messages (`is_deleted`). */
  unsend(mid: string): Promise<ActionResult>;
  /** The conversation with the page, oldest first. */
  messages(): EmulatorMessage[];
}

/** Controls of one emulated page. */
export interface PageHandle {
  readonly id: string;
  /** A message "sent from Meta Business Suite" (or another app): stored and echoed, not via the Send API. */
  echo(input: {
    recipient: string;
    text: string;
    appId?: string | number;
    metadata?: string;
    at?: number | string;
  }): Promise<ActionResult>;
  /** The page's sample post id (default target of `customer().comment`). */
  readonly samplePostId: string;
}

/** Snapshot of an emulated page. */
export interface EmulatorPage {
  id: string;
  name: string;
  platform: 'messenger' | 'instagram';
  accessToken: string;
  humanAgent: boolean;
  tokenValid: boolean;
  tokenProblem: RevokeReason | null;
  subscribedFields: string[];
  scopes: string[];
  samplePostId: string;
  facebookPageId?: string;
}

/** The result of `runScript`: the customers it created or used, by alias. */
export interface ScriptResult {
  customers: Record<string, EmulatorCustomer>;
}

/** A running emulator: its URLs and every control. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (chat page at `/`). */
  readonly url: string;
  /** Base URL to give `createGraphClient({ baseUrl })` (the emulator answers any `/vX.Y/` prefix). */
  readonly graphUrl: string;
  readonly graphVersion: string;
  /** The handover protocol's thread owners: play a bot taking a thread (handover.ts). */
  readonly handover: HandoverControls;
  readonly appId: string;
  readonly appSecret: string;
  /** The app token (`{app-id}|{app-secret}`) for `debug_token`. */
  readonly appToken: string;
  /** The admin's user token (for `/me/accounts` and the long-lived exchange). */
  readonly userToken: string;
  readonly clock: EmulatorClock;
  pages: {
    list(): EmulatorPage[];
    get(id: string): EmulatorPage;
    add(config: PageConfig): EmulatorPage;
  };
  page(id: string): PageHandle;
  customers: {
    create(input: CreateCustomerInput): EmulatorCustomer;
    list(pageId?: string): EmulatorCustomer[];
    get(id: string): EmulatorCustomer;
  };
  customer(id: string): CustomerHandle;
  faults: { set(input: FaultsInput): FaultsSnapshot; clear(): void; get(): FaultsSnapshot };
  tokens: {
    /** Invalidates the page token: Graph calls then fail with 190 and the reason's subcode (permission_revoked removes messaging scopes instead: 200). */
    revoke(pageId: string, reason: RevokeReason): void;
    /** Makes the token expire now (190/463). */
    expire(pageId: string): void;
    /** Issues a fresh valid token (the admin reconnected); the old one answers 190/467. Returns it. */
    reissue(pageId: string): string;
  };
  subscriptions: {
    /** Meta unsubscribed the app from the page (as after an hour of failing webhooks). */
    drop(pageId: string): void;
    fields(pageId: string): string[];
  };
  webhooks: {
    /** Every delivery attempt, in order, with its status. */
    deliveries(): WebhookDelivery[];
    /** Resolves when every queued webhook has been delivered or given up on. */
    idle(): Promise<void>;
    /** Points deliveries at another URL (e.g. the demo server started after the emulator). */
    configure(input: { url?: string | null; verifyToken?: string }): void;
    readonly url: string | null;
  };
  /** Meta's GET verification handshake against the webhook URL with the verify token. */
  subscribe(): Promise<VerificationResult>;
  /** Every Send API message the Graph API accepted, optionally for one page. */
  sent(pageId?: string): SentMessage[];
  /** Every sender action the Graph API accepted. */
  senderActions(pageId?: string): SenderActionRecord[];
  /** Comments and visitor posts, optionally for one page. */
  comments(pageId?: string): EmulatorComment[];
  /** Subscribes to live updates (messages, customers, typing, clock); returns an unsubscribe function. */
  on(listener: (update: EmulatorUpdate) => void): () => void;
  /**
   * Polls `predicate` until it returns a truthy value (resolved with it) or the timeout passes
   * (rejects with a PagedeskError `timeout`). The second argument is the timeout in ms (default
   * 5000) or `{ timeoutMs, intervalMs }`.
   *
   * @example
   * const read = await emulator.waitFor(() => emulator.customer(id).messages().at(-1)?.readAt, 2000);
   */
  waitFor<T>(
    predicate: () => T | Promise<T>,
    options?: number | { timeoutMs?: number; intervalMs?: number },
  ): Promise<NonNullable<T>>;
  /** Waits for a Send API message matching `match` (e.g. a text) to be accepted. */
  waitForSent(
    match: (message: SentMessage) => boolean,
    options?: number | { timeoutMs?: number },
  ): Promise<SentMessage>;
  /** Runs a declarative seeding script (see `demoScript`). */
  runScript(steps: readonly ScriptStep[]): Promise<ScriptResult>;
  /** Facebook Login and Instagram Login (dialogs, codes, tokens on the emulated clock). */
  readonly logins: EmulatorLogins;
  /** Stops the server, the timers and pending deliveries. */
  close(): Promise<void>;
}

/**
 * Starts a local Messenger Platform: a Graph API on 127.0.0.1 with Meta's rules and error shapes,
 * simulated customers that send signed webhooks, a customer chat page, a controllable clock and
 * fault injection.
 *
 * @example
 * const emulator = await startEmulator({
 *   appSecret: 'test-secret',
 *   webhookUrl: 'http://127.0.0.1:3000/webhook',
 *   pages: [{ id: '1001', name: 'Acme', platform: 'messenger', accessToken: 'page-token-1001' }],
 * });
 * const ana = emulator.customers.create({ pageId: '1001', name: 'Ana Lima' });
 * await emulator.customer(ana.id).send({ text: 'Hi!' });
 * // point createGraphClient({ baseUrl: emulator.graphUrl, appSecret: 'test-secret' }) at it, then:
 * await emulator.waitForSent((m) => m.recipientId === ana.id);
 * emulator.clock.advance(25 * 3600_000); // a RESPONSE now fails with 10/2018278
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const opts = parseInput(emulatorOptionsSchema, options, 'emulator options');
  const ids = new Set<string>();
  for (const [i, p] of opts.pages.entries()) {
    if (ids.has(p.id))
      throw new ValidationError('emulator options', [
        { path: `pages[${i}].id`, message: `duplicate page id ${p.id}` },
      ]);
    ids.add(p.id);
  }
  let world!: World;
  const clock = createClock(opts.now, opts.freezeClock, () =>
    world?.emit({ type: 'clock', now: clock.now() }),
  );
  const sse = new Set<ServerResponse>();
  const dispatcher = new WebhookDispatcher(
    opts.webhookUrl ?? null,
    opts.appSecret,
    opts.webhooks,
    (pageId) => (world.pages.get(pageId)?.subscribedFields.length ?? 0) > 0,
    () => undefined,
    (pageId) => logins.secretFor(pageId),
  );
  world = new World(opts, clock, (event) => dispatcher.enqueue(event));
  let verifyToken = opts.verifyToken;
  const graph = new GraphApi(world);
  const logins = new Logins(world, graph, opts.instagramLogin);
  const faults = new Faults();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { message: error instanceof Error ? error.message : String(error), code: 'internal' },
        });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && (path === '/' || path === '/chat')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          "default-src 'self'; img-src 'self' http: https: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
      });
      res.end(chatPageHtml());
      return;
    }
    const sample = /^\/samples\/([a-z0-9-]+)\.png$/.exec(path);
    if (method === 'GET' && sample) {
      const png = sampleImage(sample[1]!);
      if (!png) return sendJson(res, 404, { error: { message: 'no such sample', code: 'not_found' } });
      res.writeHead(200, {
        'content-type': 'image/png',
        'content-length': png.length,
        'cache-control': 'max-age=3600',
      });
      res.end(png);
      return;
    }
    const media = /^\/_emulator\/media\/(\d+)$/.exec(path);
    if (method === 'GET' && media) {
      const upload = world.uploads.get(media[1]!);
      if (!upload?.bytes)
        return sendJson(res, 404, { error: { message: 'no such media', code: 'not_found' } });
      res.writeHead(200, {
        'content-type': upload.mime ?? 'application/octet-stream',
        'content-length': upload.bytes.length,
      });
      res.end(upload.bytes);
      return;
    }
    if (method === 'GET' && (path === '/_emulator/events' || path === '/customer-events')) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`retry: 1000\n\n`);
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return;
    }
    if (path.startsWith('/_emulator/')) {
      let body: unknown;
      try {
        const raw = await readBody(req);
        body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, {
          error: { code: 'invalid_input', message: 'Invalid control request: body must be JSON' },
        });
      }
      try {
        const result = await handleControl(
          emulator,
          method,
          path.slice('/_emulator'.length),
          url.searchParams,
          body,
        );
        return sendJson(res, result.status, result.body);
      } catch (error) {
        return sendControlError(res, error);
      }
    }
    const login = await logins.handle(req, url, method, () => readBody(req));
    if (login) return sendLogin(res, login);
    return handleGraph(req, res, url, method);
  }

  async function handleGraph(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    let segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] && /^v\d+(\.\d+)?$/.test(segments[0])) segments = segments.slice(1);
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      const error = new MetaError(413, 100, '(#100) Attachment size exceeds allowable limit', {
        subcode: 2018109,
      });
      return sendJson(res, error.status, error.body);
    }
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const files = new Map<string, UploadedFile>();
    const contentType = req.headers['content-type'] ?? '';
    try {
      if (raw.length > 0) {
        if (contentType.includes('application/json')) Object.assign(params, JSON.parse(raw.toString('utf8')));
        else if (
          contentType.includes('multipart/form-data') ||
          contentType.includes('application/x-www-form-urlencoded')
        ) {
          const form = await new Request('http://emulator.local/', {
            method: 'POST',
            headers: { 'content-type': contentType },
            body: new Uint8Array(raw),
          }).formData();
          for (const [key, value] of form.entries()) {
            if (typeof value === 'string') params[key] = value;
            else
              files.set(key, {
                bytes: Buffer.from(await value.arrayBuffer()),
                type: value.type,
                name: value.name,
              });
          }
        } else {
          Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
        }
      }
    } catch {
      const error = new MetaError(400, 100, '(#100) The request body could not be parsed', {
        type: 'GraphMethodException',
      });
      return sendJson(res, error.status, error.body);
    }
    params = { ...params };
    const token = typeof params['access_token'] === 'string' ? params['access_token'] : undefined;
    const pathText = `/${segments.join('/')}`;
    const pageId =
      segments[0] && world.pages.has(segments[0])
        ? segments[0]
        : [...world.pages.values()].find((p) => p.accessToken === token)?.id;
    const latency = faults.latency(pathText, pageId);
    if (latency > 0) await new Promise((resolve) => world.later(latency, () => resolve(undefined)));
    const fault = faults.take(method, pathText, pageId);
    if (fault.kind === 'timeout') {
      // Never answer; the client's timeout fires. Bounded: the socket is dropped after 60 s or on close.
      hanging.add(res);
      world.later(60_000, () => {
        hanging.delete(res);
        res.destroy();
      });
      return;
    }
    if (fault.kind === 'error')
      return sendJson(res, fault.error.status, fault.error.body, fault.error.headers);
    const result = await graph.handle({
      method,
      segments,
      params,
      files,
      authorization: req.headers.authorization,
    });
    return sendJson(res, result.status, result.body, result.headers);
  }

  world.on((update) => {
    const frame = `event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`;
    for (const res of sse) res.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const res of sse) res.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;
  world.baseUrl = baseUrl;

  const action = async (
    run: () => { mid?: string; timestamp: number; delivery: Promise<{ ok: boolean }> | null },
  ): Promise<ActionResult> => {
    const result = run();
    const outcome = result.delivery ? await result.delivery : { ok: false };
    return {
      ...(result.mid === undefined ? {} : { mid: result.mid }),
      timestamp: result.timestamp,
      delivered: outcome.ok,
    };
  };

  const pageSnapshot = (id: string): EmulatorPage => {
    const p = world.page(id);
    const problem = world.tokenProblem(p);
    return {
      id: p.id,
      name: p.name,
      platform: p.platform,
      accessToken: p.accessToken,
      humanAgent: p.humanAgent,
      tokenValid: problem === null,
      tokenProblem: problem?.reason ?? p.revoked,
      subscribedFields: [...p.subscribedFields],
      scopes: [...p.scopes],
      samplePostId: p.samplePostId,
      ...(p.facebookPageId === undefined ? {} : { facebookPageId: p.facebookPageId }),
    };
  };

  const customerHandle = (id: string): CustomerHandle => {
    world.customer(id);
    return {
      id,
      info: () => world.snapshotCustomer(world.customer(id)),
      send: (input) =>
        action(() => {
          const parsed = parseInput(sendInputSchema, input, 'customer message');
          return world.customerSend(id, {
            ...parsed,
            attachments: parsed.attachments?.map((a) => world.resolveAttachment(a)),
          });
        }),
      react: (mid, emoji, more) =>
        action(() =>
          world.customerReact(id, parseInput(reactInputSchema, { mid, emoji, ...more }, 'reaction')),
        ),
      read: (more) =>
        action(() => world.customerRead(id, parseInput(readInputSchema, more ?? {}, 'read').at)),
      postback: (input) =>
        action(() => world.customerPostback(id, parseInput(postbackInputSchema, input, 'postback'))),
      answerSurvey: (input) =>
        action(() => answerSurvey(world, id, parseInput(surveyAnswerSchema, input, 'survey answer'))),
      comment: async (input) => {
        const { comment, delivery } = world.customerComment(
          id,
          parseInput(commentInputSchema, input, 'comment'),
        );
        const outcome = await delivery;
        return { comment, timestamp: comment.createdAt, delivered: outcome.ok };
      },
      post: async (input) => {
        const parsed = parseInput(commentInputSchema.pick({ text: true, at: true }), input, 'post');
        if (world.customer(id).platform !== 'messenger') {
          throw new ValidationError('post', [
            { path: 'customer', message: 'visitor posts exist on Facebook Pages only' },
          ]);
        }
        const { comment, delivery } = world.customerComment(id, parsed, true);
        const outcome = await delivery;
        return { comment, timestamp: comment.createdAt, delivered: outcome.ok };
      },
      storyMention: (input) =>
        action(() => {
          const parsed = parseInput(storyMentionInputSchema, input ?? {}, 'story mention');
          return world.customerSend(id, {
            attachments: [{ type: 'story_mention', url: parsed.url ?? `${baseUrl}/samples/sunset.png` }],
            at: parsed.at,
          });
        }),
      edit: (mid, text) => action(() => world.customerEdit(id, { mid, text })),
      unsend: (mid) => action(() => world.customerUnsend(id, { mid })),
      messages: () => structuredClone(world.conversation(id)),
    };
  };

  const emulator: Emulator = {
    url: baseUrl,
    graphUrl: baseUrl,
    graphVersion: opts.graphVersion,
    appId: opts.appId,
    handover: handoverControls(world),
    appSecret: opts.appSecret,
    appToken: `${opts.appId}|${opts.appSecret}`,
    userToken: world.user.accessToken,
    clock,
    pages: {
      list: () => [...world.pages.keys()].map(pageSnapshot),
      get: pageSnapshot,
      add: (config) => pageSnapshot(world.addPage(parseInput(pageConfigSchema, config, 'page')).id),
    },
    page(id) {
      const p = world.page(id);
      return {
        id,
        samplePostId: p.samplePostId,
        echo: (input) => action(() => world.pageEcho(id, parseInput(echoInputSchema, input, 'echo'))),
      };
    },
    customers: {
      create: (input) => world.createCustomer(parseInput(createCustomerSchema, input, 'customer')),
      list: (pageId) =>
        [...world.customers.values()]
          .filter((c) => pageId === undefined || c.pageId === pageId)
          .map((c) => world.snapshotCustomer(c)),
      get: (id) => world.snapshotCustomer(world.customer(id)),
    },
    customer: customerHandle,
    faults: { set: (input) => faults.set(input), clear: () => faults.clear(), get: () => faults.get() },
    tokens: {
      revoke(pageId, reason) {
        const p = world.page(pageId);
        const parsed = parseInput(revokeReasonSchema, reason, 'revoke reason');
        p.revoked = parsed;
        if (parsed === 'permission_revoked') {
          p.scopes = p.scopes.filter((s) => s !== 'pages_messaging' && s !== 'instagram_manage_messages');
        }
        world.emit({ type: 'token', pageId, valid: world.tokenProblem(p) === null, reason: parsed });
      },
      expire(pageId) {
        const p = world.page(pageId);
        p.tokenExpiresAt = clock.now();
        world.emit({ type: 'token', pageId, valid: false, reason: 'expired' });
      },
      reissue(pageId) {
        const p = world.page(pageId);
        const token = world.newToken();
        for (const other of world.pages.values()) {
          // A shared Page/Instagram token is reissued for both, as a reconnect would.
          if (other !== p && other.accessToken === p.accessToken) {
            other.retiredTokens.add(other.accessToken);
            other.accessToken = token;
          }
        }
        p.retiredTokens.add(p.accessToken);
        p.accessToken = token;
        p.revoked = null;
        delete p.tokenExpiresAt;
        p.tokenIssuedAt = clock.now();
        // Reconnecting grants the messaging permission again (it may have been revoked).
        const messaging = p.platform === 'instagram' ? 'instagram_manage_messages' : 'pages_messaging';
        if (!p.scopes.includes(messaging)) p.scopes.push(messaging);
        world.emit({ type: 'token', pageId, valid: true, reason: null });
        return token;
      },
    },
    subscriptions: {
      drop(pageId) {
        world.page(pageId).subscribedFields = [];
      },
      fields: (pageId) => [...world.page(pageId).subscribedFields],
    },
    webhooks: {
      deliveries: () => dispatcher.deliveries(),
      idle: () => dispatcher.idle(),
      configure(input) {
        if (input.url !== undefined)
          dispatcher.url =
            input.url === null
              ? null
              : (parseInput(emulatorOptionsSchema.shape.webhookUrl, input.url, 'webhook url') ?? null);
        if (input.verifyToken !== undefined) verifyToken = input.verifyToken;
      },
      get url() {
        return dispatcher.url;
      },
    },
    async subscribe() {
      if (!dispatcher.url)
        throw new ValidationError('subscribe', [{ path: 'webhookUrl', message: 'is not configured' }]);
      if (!verifyToken)
        throw new ValidationError('subscribe', [{ path: 'verifyToken', message: 'is not configured' }]);
      const result = await verifyWebhook(dispatcher.url, verifyToken, opts.webhooks.timeoutMs);
      if (result.ok) {
        for (const p of world.pages.values())
          if (p.subscribedFields.length === 0) p.subscribedFields = defaultSubscribedFields(p.platform);
      }
      return result;
    },
    sent: (pageId) =>
      structuredClone(world.sentLog.filter((m) => pageId === undefined || m.pageId === pageId)),
    senderActions: (pageId) =>
      structuredClone(world.actionLog.filter((a) => pageId === undefined || a.pageId === pageId)),
    comments: (pageId) =>
      structuredClone(
        [...world.comments.values()].filter((c) => pageId === undefined || c.pageId === pageId),
      ),
    on: (listener) => world.on(listener),
    async waitFor(predicate, waitOptions = {}) {
      const settings = typeof waitOptions === 'number' ? { timeoutMs: waitOptions } : waitOptions;
      const timeoutMs = settings.timeoutMs ?? 5000;
      const intervalMs = settings.intervalMs ?? 10;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await predicate();
        if (value) return value as NonNullable<typeof value>;
        if (Date.now() >= deadline)
          throw new PagedeskError('timeout', `waitFor: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    waitForSent(match, waitOptions) {
      return emulator.waitFor(() => world.sentLog.find(match), waitOptions).then((m) => structuredClone(m));
    },
    runScript: (steps) => runScript(steps),
    logins: logins.controls(),
    async close() {
      clearInterval(heartbeat);
      for (const timer of world.timers) clearTimeout(timer);
      world.timers.clear();
      dispatcher.close();
      for (const res of sse) res.end();
      sse.clear();
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  async function runScript(steps: readonly ScriptStep[]): Promise<ScriptResult> {
    const parsed = steps.map((step, i) => parseInput(scriptStepSchema, step, `script step ${i}`));
    const aliases = new Map<string, string>();
    const pending: Array<Promise<unknown>> = [];
    for (const [i, step] of parsed.entries()) {
      let customerId = aliases.get(step.customer);
      if (!customerId) {
        const pages = [...world.pages.values()];
        const target = step.page
          ? world.pages.get(step.page)
          : pages.find((p) => step.platform === undefined || p.platform === step.platform);
        if (!target) {
          throw new ValidationError(`script step ${i}`, [
            {
              path: step.page ? 'page' : 'platform',
              message: `no ${step.page ?? step.platform ?? ''} page is configured`,
            },
          ]);
        }
        const name = step.name ?? step.customer.charAt(0).toUpperCase() + step.customer.slice(1);
        customerId = world.createCustomer({ pageId: target.id, name }).id;
        aliases.set(step.customer, customerId);
      }
      const handle = customerHandle(customerId);
      const at = step.at;
      const when = at === undefined ? {} : { at };
      if (step.say !== undefined || step.attachments !== undefined) {
        pending.push(
          handle.send({
            ...(step.say === undefined ? {} : { text: step.say }),
            ...(step.attachments === undefined ? {} : { attachments: step.attachments }),
            ...when,
          }),
        );
      }
      if (step.postback) pending.push(handle.postback({ ...step.postback, ...when } as { title: string }));
      if (step.comment) pending.push(handle.comment({ ...step.comment, ...when } as { text: string }));
      if (step.storyMention)
        pending.push(handle.storyMention({ ...step.storyMention, ...when } as { url?: string }));
      if (step.react) {
        const last = world
          .conversation(customerId)
          .filter((m) => m.direction === 'outbound')
          .at(-1);
        if (!last)
          throw new ValidationError(`script step ${i}`, [
            { path: 'react', message: 'the page has not sent a message to react to' },
          ]);
        pending.push(handle.react(last.mid, step.react, when));
      }
      if (step.read) pending.push(handle.read(when));
      if (step.pageReply)
        pending.push(
          emulator
            .page(world.customer(customerId).pageId)
            .echo({ recipient: customerId, text: step.pageReply, ...when }),
        );
    }
    await Promise.all(pending);
    const customers: Record<string, EmulatorCustomer> = {};
    for (const [alias, id] of aliases) customers[alias] = world.snapshotCustomer(world.customer(id));
    return { customers };
  }

  if (opts.verifyToken && opts.webhookUrl) {
    // Like adding the callback URL in the App Dashboard: Meta verifies it first. A failure is reported
    // through deliveries of later events, not thrown, so the emulator can start before the host.
    void emulator.subscribe().catch(() => undefined);
  }
  return emulator;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendControlError(res: ServerResponse, error: unknown): void {
  if (!isPagedeskError(error)) throw error;
  const status = error.code === 'not_found' ? 404 : 400;
  const issues = error instanceof ValidationError ? { issues: error.issues } : {};
  sendJson(res, status, { error: { code: error.code, message: error.message, ...issues } });
}

export { sampleImageNames };
