import {
  type Conversation,
  type ConversationQuery,
  type ConversationWithCustomer,
  type Customer,
  commentActionSchema,
  conversationPatchSchema,
  NotFoundError,
  parseOrThrow,
  platformSchema,
  sendDraftSchema,
  surveyDraftSchema,
  ValidationError,
} from '@pagedesk/core';
import * as z from 'zod/mini';
import { organizationFilter } from './access.js';
import { NotImplementedError, readJson } from './http.js';
import { scopeFor } from './liveEvents.js';
import type { InboxPrincipal } from './principal.js';
import { definedOnly, type Handlers, idOf, json, type RouteDeps, requireChannels } from './routes.js';
import { ownUploads } from './uploadRoutes.js';

// Conversations and messages: lists scoped to the principal's visible channels, reads and writes of
// one conversation or message after the visibility check.

const limitSchema = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)));

const conversationListQuerySchema = z.object({
  channelId: z.optional(z.string().check(z.minLength(1))),
  platform: z.optional(platformSchema),
  /** One customer's conversations: with `channelId`, the thread the open conversation belongs to. */
  customerId: z.optional(z.string().check(z.minLength(1))),
  source: z.optional(z.enum(['message', 'comment'])),
  status: z.optional(z.enum(['open', 'resolved'])),
  /** `null` (or empty) lists unassigned conversations. */
  assigneeId: z.optional(z.string()),
  unread: z.optional(z.stringbool()),
  search: z.optional(z.string().check(z.maxLength(200))),
  cursor: z.optional(z.string().check(z.minLength(1))),
  limit: limitSchema,
});

const messageListQuerySchema = z.object({
  before: z.optional(z.string().check(z.minLength(1))),
  limit: limitSchema,
});

const typingSchema = z.object({ on: z.boolean() });
const retrySchema = z.object({ force: z.optional(z.boolean()) });
const moderationSchema = z.object({ action: commentActionSchema });
const threadSchema = z.object({
  action: z.enum(['take', 'pass', 'request', 'check']),
  targetAppId: z.optional(z.string().check(z.regex(/^\d{1,30}$/, 'expected a Meta app id'))),
  metadata: z.optional(z.string().check(z.maxLength(1000))),
});

/**
 * An assignee must be one of the principal's agents (when the host lists them) and able to see the
 * conversation's channel: another organisation's agent, or one kept off this page, is refused.
 */
async function checkAssignee(
  deps: RouteDeps,
  conversation: Conversation,
  assigneeId: string,
  principal: InboxPrincipal,
): Promise<void> {
  const refuse = (message: string) =>
    new ValidationError('conversation patch', [{ path: 'assigneeId', message }]);
  if (deps.options.agents) {
    const agents = await deps.options.agents(principal);
    if (!agents.some((agent) => agent.id === assigneeId))
      throw refuse(`${assigneeId} is not an agent of this organisation`);
  }
  const channel = await deps.store.channels.get(conversation.channelId);
  const allowed = channel?.settings.agentIds ?? [];
  if (allowed.length > 0 && !allowed.includes(assigneeId))
    throw refuse(`${assigneeId} does not work this channel`);
}

/** The routes of conversations and messages. */
export function conversationRoutes(deps: RouteDeps) {
  const { store, inbox, maxBodyBytes } = deps;

  const withCustomer = async (
    conversation: Conversation,
    cache?: Map<string, Promise<Customer | undefined>>,
  ): Promise<ConversationWithCustomer> => {
    let pending = cache?.get(conversation.customerId);
    if (!pending) {
      pending = store.customers.get(conversation.customerId);
      cache?.set(conversation.customerId, pending);
    }
    const customer = await pending;
    if (customer) return { ...conversation, customer };
    // A conversation whose customer row is missing (a store out of step) still belongs in the list;
    // the host hears about it instead of the inbox failing for every agent.
    deps.report(new NotFoundError('Customer', conversation.customerId), { during: 'join' });
    const prefix = `${conversation.channelId}:`;
    return {
      ...conversation,
      customer: {
        id: conversation.customerId,
        channelId: conversation.channelId,
        platform: conversation.platform,
        psid: conversation.customerId.startsWith(prefix)
          ? conversation.customerId.slice(prefix.length)
          : conversation.customerId,
        profileStatus: 'unknown',
        createdAt: conversation.createdAt,
      },
    };
  };

  return {
    listConversations: {
      access: 'read',
      async run({ url, access }) {
        const query = parseOrThrow(
          conversationListQuerySchema,
          Object.fromEntries(url.searchParams),
          'conversation query',
        );
        const assigneeId =
          query.assigneeId === undefined
            ? undefined
            : query.assigneeId === '' || query.assigneeId === 'null'
              ? null
              : query.assigneeId;
        // The store narrows to the organisation and the visible channels; a `channelId` filter on a
        // channel outside them simply matches nothing, like one that does not exist.
        const channelIds = (await access.visibleChannels()).map((channel) => channel.id);
        const page = await store.conversations.list(
          definedOnly<ConversationQuery>({
            ...query,
            assigneeId,
            organizationId: organizationFilter(access.principal),
            channelIds,
          }),
        );
        const cache = new Map<string, Promise<Customer | undefined>>();
        const items = await Promise.all(page.items.map((conversation) => withCustomer(conversation, cache)));
        return json({ items, nextCursor: page.nextCursor });
      },
    },
    getConversation: {
      access: 'read',
      run: async ({ params, access }) =>
        json(await withCustomer(await access.conversation(idOf({ params })))),
    },
    updateConversation: {
      access: 'write',
      async run({ request, params, access }) {
        const conversationId = idOf({ params });
        let conversation = await access.conversation(conversationId);
        const patch = parseOrThrow(
          conversationPatchSchema,
          await readJson(request, maxBodyBytes),
          'conversation patch',
        );
        if (patch.status === 'resolved' && conversation.status !== 'resolved')
          conversation = await inbox.resolve(conversationId, definedOnly({ by: access.principal.agentId }));
        if (patch.status === 'open' && conversation.status !== 'open')
          conversation = await inbox.reopen(conversationId);
        if (patch.assigneeId !== undefined && patch.assigneeId !== conversation.assigneeId) {
          if (patch.assigneeId !== null)
            await checkAssignee(deps, conversation, patch.assigneeId, access.principal);
          conversation = await inbox.assign(conversationId, patch.assigneeId);
        }
        if (patch.read) {
          conversation = await inbox.markRead(conversationId);
          // Telling Meta is a courtesy to the customer ("Seen"); the agent's inbox must not wait for it
          // or fail because of it.
          deps.channels
            ?.markSeen(conversationId)
            .catch((error: unknown) =>
              deps.report(error, { during: 'mark_seen', route: 'updateConversation' }),
            );
        }
        return json(await withCustomer(conversation));
      },
    },
    listMessages: {
      access: 'read',
      async run({ url, params, access }) {
        const conversationId = idOf({ params });
        await access.conversation(conversationId);
        const query = parseOrThrow(
          messageListQuerySchema,
          Object.fromEntries(url.searchParams),
          'message query',
        );
        return json(await store.messages.list(conversationId, definedOnly(query)));
      },
    },
    sendMessage: {
      access: 'write',
      async run({ request, url, params, access }) {
        const conversationId = idOf({ params });
        await access.conversation(conversationId);
        const {
          agentId: _claimed,
          author: _author,
          ...draft
        } = parseOrThrow(sendDraftSchema, await readJson(request, maxBodyBytes), 'message draft');
        // The signed-in agent is the author, whatever the browser claims (a browser never sends as
        // automation); files only the principal's own (an upload of another organisation answers 404
        // like a missing one, before any 501).
        const { agentId } = access.principal;
        const attachments =
          draft.attachments && (await ownUploads(deps, draft.attachments, access.principal, url));
        const sender = requireChannels(deps, 'Sending');
        const messages = await sender.send(conversationId, {
          ...draft,
          ...(attachments ? { attachments } : {}),
          ...(agentId === undefined ? {} : { agentId }),
          author: agentId === undefined ? { kind: 'agent' } : { kind: 'agent', agentId },
        });
        return json({ messages }, 201);
      },
    },
    sendSurvey: {
      access: 'write',
      async run({ request, params, access }) {
        const conversationId = idOf({ params });
        await access.conversation(conversationId);
        // The privacy policy is the host's (createChannels({ surveys })), never what a browser sends.
        const { privacyUrl: _browser, ...draft } = parseOrThrow(
          surveyDraftSchema,
          await readJson(request, maxBodyBytes),
          'survey',
        );
        const sendSurvey = requireChannels(deps, 'Surveys').sendSurvey;
        if (!sendSurvey) throw new NotImplementedError('Surveys');
        // The signed-in agent asks for it, whatever the browser claims.
        const { agentId } = access.principal;
        const message = await sendSurvey(conversationId, draft, agentId === undefined ? {} : { agentId });
        return json(message, 201);
      },
    },
    retryMessage: {
      access: 'write',
      async run({ request, params, access }) {
        const messageId = idOf({ params });
        await access.message(messageId);
        // An optional `{ force: true }` sends again without first asking Meta about an unknown outcome.
        const { force } = parseOrThrow(
          retrySchema,
          await readJson(request, maxBodyBytes, { optional: true }),
          'retry',
        );
        return json(await requireChannels(deps, 'Retrying').retry(messageId, force ? { force } : {}));
      },
    },
    threadControl: {
      access: 'write',
      async run({ request, params, access }) {
        const conversationId = idOf({ params });
        await access.conversation(conversationId);
        const { action, ...options } = parseOrThrow(
          threadSchema,
          await readJson(request, maxBodyBytes),
          'thread control',
        );
        const control = requireChannels(deps, 'Thread control').threadControl;
        if (!control) throw new NotImplementedError('Thread control');
        return json(await withCustomer(await control(conversationId, action, definedOnly(options))));
      },
    },
    moderateComment: {
      access: 'write',
      async run({ request, params, access }) {
        const messageId = idOf({ params });
        await access.message(messageId);
        const { action } = parseOrThrow(
          moderationSchema,
          await readJson(request, maxBodyBytes),
          'moderation',
        );
        const moderate = requireChannels(deps, 'Comment moderation').moderateComment;
        if (!moderate) throw new NotImplementedError('Comment moderation');
        const { agentId } = access.principal;
        return json(await moderate(messageId, action, agentId === undefined ? {} : { agentId }));
      },
    },
    setTyping: {
      access: 'write',
      async run({ request, params, access }) {
        const conversationId = idOf({ params });
        const conversation = await access.conversation(conversationId);
        const typing = requireChannels(deps, 'Typing indicators');
        const { on } = parseOrThrow(typingSchema, await readJson(request, maxBodyBytes), 'typing');
        await typing.setTyping(conversationId, on);
        // Marked as the agent's, so no browser shows it as the customer typing (and its own agent not at all).
        const { agentId } = access.principal;
        deps.publish({
          type: 'typing',
          conversationId,
          on,
          by: 'agent',
          ...(agentId === undefined ? {} : { agentId }),
          scope: scopeFor(conversation),
        });
        return new Response(null, { status: 204 });
      },
    },
  } satisfies Partial<Handlers>;
}
