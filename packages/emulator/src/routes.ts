import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOrThrow } from '@pagedesk/core';
import * as z from 'zod';
import { sendChatPage, sendMedia, sendSample } from './assets.js';
import type { Emulator } from './emulatorTypes.js';
import type { LiveEvents } from './liveEvents.js';
import { revokeReasonSchema } from './options.js';
import { createRouter, type Route } from './router.js';
import { sampleImageNames } from './samples.js';
import type { World } from './world.js';

// The emulator's HTTP surface besides the Graph API and the login dialogs: the chat page, sample
// images, uploaded media, the live event stream, and the control API (`/_emulator/...`: the library
// controls as JSON routes, for the CLI, the chat page and other processes). Inputs go through the
// same zod schemas as the library calls.

/** What a route sees of a request. */
export interface RouteContext {
  emulator: Emulator;
  world: World;
  live: LiveEvents;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body (undefined when empty); a ValidationError when it is not JSON. */
  json(): Promise<unknown>;
}

/** A JSON answer; a route that wrote its own response returns undefined. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

type Handler = (ctx: RouteContext) => RouteAnswer | undefined | Promise<RouteAnswer | undefined>;

const clockSchema = z.union([
  z.object({ advanceMs: z.number().int() }),
  z.object({ set: z.number().int().nonnegative() }),
]);
const webhookSchema = z.object({
  url: z.url().nullable().optional(),
  verifyToken: z.string().min(1).optional(),
});
const scriptSchema = z.object({ steps: z.array(z.unknown()).max(1000) });
const revokeSchema = z.object({ reason: revokeReasonSchema });
const reactSchema = z.object({
  mid: z.string().min(1),
  emoji: z.string().min(1).optional(),
  action: z.enum(['react', 'unreact']).optional(),
});
const editSchema = z.object({ mid: z.string().min(1), text: z.string().min(1).max(20_000) });
const unsendSchema = z.object({ mid: z.string().min(1) });

const answer = (body: unknown, status = 200): RouteAnswer => ({ status, body });
/** A body the library call validates itself (with the same schema and message as a direct call). */
const input = async (ctx: RouteContext) => (await ctx.json()) as never;
const optionalInput = async (ctx: RouteContext) => ((await ctx.json()) ?? {}) as never;
const pageIdOf = (ctx: RouteContext) => ctx.query.get('pageId') ?? undefined;
const customer = (ctx: RouteContext) => ctx.emulator.customer(ctx.params['id']!);

const get = (path: string, handler: Handler): Route<Handler> => ({ method: 'GET', path, handler });
const post = (path: string, handler: Handler): Route<Handler> => ({ method: 'POST', path, handler });

/** Every route, in one table. Control routes live under `/_emulator`. */
const routes: ReadonlyArray<Route<Handler>> = [
  get('/', ({ res }) => void sendChatPage(res)),
  get('/chat', ({ res }) => void sendChatPage(res)),
  get('/samples/:file', ({ res, params }) => void sendSample(res, params['file']!)),
  get('/_emulator/media/:id', ({ res, world, params }) => void sendMedia(res, world, params['id']!)),
  get('/_emulator/events', ({ live, req, res }) => void live.open(req, res)),
  get('/customer-events', ({ live, req, res }) => void live.open(req, res)),

  get('/_emulator/state', ({ emulator }) =>
    answer({
      now: emulator.clock.now(),
      appId: emulator.appId,
      graphUrl: emulator.graphUrl,
      webhookUrl: emulator.webhooks.url,
      pages: emulator.pages.list().map(({ accessToken: _token, ...page }) => page),
      customers: emulator.customers.list(),
      samples: sampleImageNames,
    }),
  ),
  get('/_emulator/clock', ({ emulator }) => answer({ now: emulator.clock.now() })),
  post('/_emulator/clock', async (ctx) => {
    const parsed = parseOrThrow(clockSchema, await ctx.json(), 'clock');
    const clock = ctx.emulator.clock;
    return answer({ now: 'advanceMs' in parsed ? clock.advance(parsed.advanceMs) : clock.set(parsed.set) });
  }),
  get('/_emulator/pages', ({ emulator }) => answer(emulator.pages.list())),
  post('/_emulator/pages', async (ctx) => answer(ctx.emulator.pages.add(await input(ctx)), 201)),
  post('/_emulator/pages/:id/echo', async (ctx) =>
    answer(await ctx.emulator.page(ctx.params['id']!).echo(await input(ctx))),
  ),
  get('/_emulator/customers', (ctx) => answer(ctx.emulator.customers.list(pageIdOf(ctx)))),
  post('/_emulator/customers', async (ctx) => answer(ctx.emulator.customers.create(await input(ctx)), 201)),
  get('/_emulator/customers/:id', (ctx) => answer(ctx.emulator.customers.get(ctx.params['id']!))),
  get('/_emulator/customers/:id/messages', (ctx) => answer(customer(ctx).messages())),
  post('/_emulator/customers/:id/send', async (ctx) => answer(await customer(ctx).send(await input(ctx)))),
  post('/_emulator/customers/:id/react', async (ctx) => {
    const parsed = parseOrThrow(reactSchema, await ctx.json(), 'reaction');
    const options = parsed.action === undefined ? {} : { action: parsed.action };
    return answer(await customer(ctx).react(parsed.mid, parsed.emoji, options));
  }),
  post('/_emulator/customers/:id/read', async (ctx) =>
    answer(await customer(ctx).read(await optionalInput(ctx))),
  ),
  post('/_emulator/customers/:id/survey', async (ctx) =>
    answer(await customer(ctx).answerSurvey(await input(ctx))),
  ),
  post('/_emulator/customers/:id/postback', async (ctx) =>
    answer(await customer(ctx).postback(await input(ctx))),
  ),
  post('/_emulator/customers/:id/comment', async (ctx) =>
    answer(await customer(ctx).comment(await input(ctx))),
  ),
  post('/_emulator/customers/:id/post', async (ctx) => answer(await customer(ctx).post(await input(ctx)))),
  post('/_emulator/customers/:id/story-mention', async (ctx) =>
    answer(await customer(ctx).storyMention(await optionalInput(ctx))),
  ),
  post('/_emulator/customers/:id/edit', async (ctx) => {
    const parsed = parseOrThrow(editSchema, await ctx.json(), 'edit');
    return answer(await customer(ctx).edit(parsed.mid, parsed.text));
  }),
  post('/_emulator/customers/:id/unsend', async (ctx) => {
    const parsed = parseOrThrow(unsendSchema, await ctx.json(), 'unsend');
    return answer(await customer(ctx).unsend(parsed.mid));
  }),
  get('/_emulator/faults', ({ emulator }) => answer(emulator.faults.get())),
  post('/_emulator/faults', async (ctx) => answer(ctx.emulator.faults.set(await optionalInput(ctx)))),
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    handler: ({ emulator }) => {
      emulator.faults.clear();
      return answer(emulator.faults.get());
    },
  },
  post('/_emulator/tokens/:id/revoke', async (ctx) => {
    const id = ctx.params['id']!;
    ctx.emulator.tokens.revoke(id, parseOrThrow(revokeSchema, await ctx.json(), 'revoke').reason);
    return answer(ctx.emulator.pages.get(id));
  }),
  post('/_emulator/tokens/:id/expire', ({ emulator, params }) => {
    emulator.tokens.expire(params['id']!);
    return answer(emulator.pages.get(params['id']!));
  }),
  post('/_emulator/tokens/:id/reissue', ({ emulator, params }) =>
    answer({ accessToken: emulator.tokens.reissue(params['id']!) }),
  ),
  post('/_emulator/subscriptions/:id/drop', ({ emulator, params }) => {
    emulator.subscriptions.drop(params['id']!);
    return answer({ subscribedFields: emulator.subscriptions.fields(params['id']!) });
  }),
  get('/_emulator/sent', (ctx) => answer(ctx.emulator.sent(pageIdOf(ctx)))),
  get('/_emulator/sender-actions', (ctx) => answer(ctx.emulator.senderActions(pageIdOf(ctx)))),
  get('/_emulator/comments', (ctx) => answer(ctx.emulator.comments(pageIdOf(ctx)))),
  get('/_emulator/deliveries', ({ emulator }) => answer(emulator.webhooks.deliveries())),
  post('/_emulator/webhooks', async (ctx) => {
    const parsed = parseOrThrow(webhookSchema, await ctx.json(), 'webhooks');
    ctx.emulator.webhooks.configure({
      ...(parsed.url === undefined ? {} : { url: parsed.url }),
      ...(parsed.verifyToken === undefined ? {} : { verifyToken: parsed.verifyToken }),
    });
    return answer({ url: ctx.emulator.webhooks.url });
  }),
  post('/_emulator/subscribe', async ({ emulator }) => answer(await emulator.subscribe())),
  post('/_emulator/script', async (ctx) => {
    const parsed = parseOrThrow(scriptSchema, await ctx.json(), 'script');
    return answer(await ctx.emulator.runScript(parsed.steps as never));
  }),
];

export const router = createRouter(routes);
