import { parseOrThrow, ValidationError } from '@pagedesk/core';
import {
  type ActionOutcome,
  customerComment,
  customerEdit,
  customerPostback,
  customerReact,
  customerRead,
  customerSend,
  customerUnsend,
} from './customerActions.js';
import type { ActionResult, CustomerHandle } from './emulatorTypes.js';
import { answerSurvey, surveyAnswerSchema } from './feedback.js';
import {
  commentInputSchema,
  postbackInputSchema,
  reactInputSchema,
  readInputSchema,
  sendInputSchema,
  storyMentionInputSchema,
} from './options.js';
import type { EmulatorAttachment } from './types.js';
import type { World } from './world.js';

// `emulator.customer(id)`: the library face of a simulated customer. Inputs are validated with the
// same schemas as the HTTP controls, and each action resolves once its webhook was delivered or given up on.

/** Runs an action and waits for its webhook delivery. */
export async function settle(run: () => ActionOutcome): Promise<ActionResult> {
  const result = run();
  const outcome = result.delivery ? await result.delivery : { ok: false };
  return {
    ...(result.mid === undefined ? {} : { mid: result.mid }),
    timestamp: result.timestamp,
    delivered: outcome.ok,
  };
}

/** An inbound attachment as a test gives it (a URL, or a sample image by name) as the world stores it. */
function resolveAttachment(
  world: World,
  attachment:
    | { type: string; url: string; title?: string | undefined; stickerId?: number | undefined }
    | { sample: string },
): EmulatorAttachment {
  if ('sample' in attachment)
    return { type: 'image', url: `${world.baseUrl}/samples/${attachment.sample}.png` };
  return {
    type: attachment.type,
    url: attachment.url,
    ...(attachment.title === undefined ? {} : { title: attachment.title }),
    ...(attachment.stickerId === undefined ? {} : { stickerId: attachment.stickerId }),
  };
}

export function customerHandle(world: World, id: string): CustomerHandle {
  world.customer(id);
  const commented = async (run: () => ReturnType<typeof customerComment>) => {
    const { comment, delivery } = run();
    const outcome = await delivery;
    return { comment, timestamp: comment.createdAt, delivered: outcome.ok };
  };
  return {
    id,
    info: () => world.snapshotCustomer(world.customer(id)),
    send: (input) =>
      settle(() => {
        const parsed = parseOrThrow(sendInputSchema, input, 'customer message');
        return customerSend(world, id, {
          ...parsed,
          attachments: parsed.attachments?.map((a) => resolveAttachment(world, a)),
        });
      }),
    react: (mid, emoji, more) =>
      settle(() =>
        customerReact(world, id, parseOrThrow(reactInputSchema, { mid, emoji, ...more }, 'reaction')),
      ),
    read: (more) =>
      settle(() => customerRead(world, id, parseOrThrow(readInputSchema, more ?? {}, 'read').at)),
    answerSurvey: (input) =>
      settle(() => answerSurvey(world, id, parseOrThrow(surveyAnswerSchema, input, 'survey answer'))),
    postback: (input) =>
      settle(() => customerPostback(world, id, parseOrThrow(postbackInputSchema, input, 'postback'))),
    comment: (input) =>
      commented(() => customerComment(world, id, parseOrThrow(commentInputSchema, input, 'comment'))),
    post: async (input) => {
      const parsed = parseOrThrow(commentInputSchema.pick({ text: true, at: true }), input, 'post');
      if (world.customer(id).platform !== 'messenger') {
        throw new ValidationError('post', [
          { path: 'customer', message: 'visitor posts exist on Facebook Pages only' },
        ]);
      }
      return commented(() => customerComment(world, id, parsed, true));
    },
    storyMention: (input) =>
      settle(() => {
        const parsed = parseOrThrow(storyMentionInputSchema, input ?? {}, 'story mention');
        return customerSend(world, id, {
          attachments: [{ type: 'story_mention', url: parsed.url ?? `${world.baseUrl}/samples/sunset.png` }],
          at: parsed.at,
        });
      }),
    edit: (mid, text) => settle(() => customerEdit(world, id, { mid, text })),
    unsend: (mid) => settle(() => customerUnsend(world, id, { mid })),
    messages: () => structuredClone(world.conversation(id)),
  };
}
