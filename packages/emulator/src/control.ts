import { NotFoundError } from '@pagedesk/core';
import * as z from 'zod';
import type { Emulator } from './emulator.js';
import { parseInput, revokeReasonSchema } from './options.js';
import { sampleImageNames } from './samples.js';

// The HTTP control API (`/_emulator/...`): the library controls as JSON routes, for the CLI, the chat
// page and other processes. Inputs go through the same zod schemas as the library calls.

export interface ControlResult {
  status: number;
  body: unknown;
}

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

export async function handleControl(
  emulator: Emulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Promise<ControlResult> {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [resource, id, verb] = parts;
  const ok = (value: unknown, status = 200): ControlResult => ({ status, body: value });
  const pageId = query.get('pageId') ?? undefined;

  switch (
    `${method} ${resource ?? ''}${id === undefined ? '' : '/:id'}${verb === undefined ? '' : `/${verb}`}`
  ) {
    case 'GET state':
      return ok({
        now: emulator.clock.now(),
        appId: emulator.appId,
        graphUrl: emulator.graphUrl,
        webhookUrl: emulator.webhooks.url,
        pages: emulator.pages.list().map(({ accessToken: _token, ...page }) => page),
        customers: emulator.customers.list(),
        samples: sampleImageNames,
      });
    case 'GET clock':
      return ok({ now: emulator.clock.now() });
    case 'POST clock': {
      const input = parseInput(clockSchema, body, 'clock');
      const now =
        'advanceMs' in input ? emulator.clock.advance(input.advanceMs) : emulator.clock.set(input.set);
      return ok({ now });
    }
    case 'GET pages':
      return ok(emulator.pages.list());
    case 'POST pages':
      return ok(emulator.pages.add(body as never), 201);
    case 'POST pages/:id/echo':
      return ok(await emulator.page(id!).echo(body as never));
    case 'GET customers':
      return ok(emulator.customers.list(pageId));
    case 'POST customers':
      return ok(emulator.customers.create(body as never), 201);
    case 'GET customers/:id':
      return ok(emulator.customers.get(id!));
    case 'GET customers/:id/messages':
      return ok(emulator.customer(id!).messages());
    case 'POST customers/:id/send':
      return ok(await emulator.customer(id!).send(body as never));
    case 'POST customers/:id/react': {
      const input = parseInput(reactSchema, body, 'reaction');
      return ok(
        await emulator
          .customer(id!)
          .react(input.mid, input.emoji, input.action === undefined ? {} : { action: input.action }),
      );
    }
    case 'POST customers/:id/read':
      return ok(await emulator.customer(id!).read((body ?? {}) as never));
    case 'POST customers/:id/survey':
      return ok(await emulator.customer(id!).answerSurvey(body as never));
    case 'POST customers/:id/postback':
      return ok(await emulator.customer(id!).postback(body as never));
    case 'POST customers/:id/comment':
      return ok(await emulator.customer(id!).comment(body as never));
    case 'POST customers/:id/post':
      return ok(await emulator.customer(id!).post(body as never));
    case 'POST customers/:id/story-mention':
      return ok(await emulator.customer(id!).storyMention((body ?? {}) as never));
    case 'POST customers/:id/edit': {
      const input = parseInput(editSchema, body, 'edit');
      return ok(await emulator.customer(id!).edit(input.mid, input.text));
    }
    case 'POST customers/:id/unsend': {
      const input = parseInput(unsendSchema, body, 'unsend');
      return ok(await emulator.customer(id!).unsend(input.mid));
    }
    case 'GET faults':
      return ok(emulator.faults.get());
    case 'POST faults':
      return ok(emulator.faults.set((body ?? {}) as never));
    case 'DELETE faults':
      emulator.faults.clear();
      return ok(emulator.faults.get());
    case 'POST tokens/:id/revoke':
      emulator.tokens.revoke(id!, parseInput(revokeSchema, body, 'revoke').reason);
      return ok(emulator.pages.get(id!));
    case 'POST tokens/:id/expire':
      emulator.tokens.expire(id!);
      return ok(emulator.pages.get(id!));
    case 'POST tokens/:id/reissue':
      return ok({ accessToken: emulator.tokens.reissue(id!) });
    case 'POST subscriptions/:id/drop':
      emulator.subscriptions.drop(id!);
      return ok({ subscribedFields: emulator.subscriptions.fields(id!) });
    case 'GET sent':
      return ok(emulator.sent(pageId));
    case 'GET sender-actions':
      return ok(emulator.senderActions(pageId));
    case 'GET comments':
      return ok(emulator.comments(pageId));
    case 'GET deliveries':
      return ok(emulator.webhooks.deliveries());
    case 'POST webhooks': {
      const input = parseInput(webhookSchema, body, 'webhooks');
      emulator.webhooks.configure({
        ...(input.url === undefined ? {} : { url: input.url }),
        ...(input.verifyToken === undefined ? {} : { verifyToken: input.verifyToken }),
      });
      return ok({ url: emulator.webhooks.url });
    }
    case 'POST subscribe':
      return ok(await emulator.subscribe());
    case 'POST script': {
      const input = parseInput(scriptSchema, body, 'script');
      return ok(await emulator.runScript(input.steps as never));
    }
    default:
      throw new NotFoundError('Control route', `${method} /_emulator${path}`);
  }
}
