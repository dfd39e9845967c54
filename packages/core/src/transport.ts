import * as z from 'zod/mini';
import type { ConversationQuery } from './conversationQuery.js';
import type { Paged } from './cursor.js';
import {
  ChannelUnavailableError,
  GraphError,
  HumanAgentUnavailableError,
  NotFoundError,
  PagedeskError,
  PermissionError,
  RateLimitError,
  RecipientUnavailableError,
  RuleViolationError,
  ThreadControlError,
  TokenError,
  type TokenErrorReason,
  ValidationError,
  WindowClosedError,
} from './errors.js';
import {
  type CommentAction,
  type CustomerDetailsPatch,
  channelSchema,
  conversationSchema,
  customerSchema,
  messageSchema,
  platformSchema,
} from './model.js';
import type { SendDraft, UploadedFile } from './sendDraft.js';
import type { SurveyDraft } from './survey.js';
import type { ReplyTemplate, ReplyTemplateInput } from './templates.js';

// The seam between the agent's browser and the host's backend. `@pagedesk/react` talks to an
// `InboxTransport`; `httpTransport()` implements it over the REST + SSE API that
// `createInboxApi()` in `@pagedesk/node-webhook` serves, and a host may implement it over its own API.
//
// HTTP routes (relative to the API's base URL), all JSON unless said otherwise:
//   GET    /conversations?channelId&customerId&platform&source&status&assigneeId&unread&search&cursor&limit
//                                                  → Paged<ConversationWithCustomer>
//   GET    /conversations/:id                       → ConversationWithCustomer
//   PATCH  /conversations/:id   ConversationPatch   → ConversationWithCustomer
//   GET    /conversations/:id/messages?before&limit → Paged<Message> (newest first)
//   POST   /conversations/:id/messages  SendDraft   → { messages: Message[] }
//   POST   /conversations/:id/typing  { on }        → 204
//   POST   /conversations/:id/survey  SurveyDraft   → Message (201; Messenger's Customer Feedback Template)
//   POST   /conversations/:id/thread  { action: take|pass|request|check, targetAppId?, metadata? } → ConversationWithCustomer
//   POST   /messages/:id/retry  { force? } (optional) → Message
//   POST   /messages/:id/moderation  { action: hide|unhide|delete|like|unlike } → Message
//   POST   /uploads   (raw bytes; Content-Type, X-File-Name) → UploadedFile
//   GET    /uploads/:id                             → the bytes (Meta fetches outbound attachments here)
//   GET    /channels                                → Channel[]
//   PATCH  /channels/:id/settings  Partial<ChannelSettings> → Channel
//   POST   /channels/:id/actions  ChannelAction     → Channel
//   POST   /connect/pages  { userAccessToken }      → ConnectablePage[]
//   POST   /connect  { userAccessToken, pageIds }   → Channel[]
//   GET    /agents                                  → Agent[]
//   GET    /customers/:id                           → Customer
//   PATCH  /customers/:id  CustomerDetailsPatch     → Customer
//   POST   /customers/:id/block  { blocked }        → Customer
//   GET    /templates?channelId                     → ReplyTemplate[]
//   POST   /templates  ReplyTemplateInput           → ReplyTemplate (admin)
//   PATCH  /templates/:id  Partial<ReplyTemplateInput> → ReplyTemplate (admin)
//   DELETE /templates/:id                           → 204 (admin)
//   POST   /conversations/:id/templates  { templateId } → { messages: Message[] }
//   GET    /events   (text/event-stream; Last-Event-ID resumes) → LiveEvent per `data:` line, and
//                     `event: clock` frames `{ now }` (no id) on connect, with each event and heartbeat
// Every answer carries `x-pagedesk-now`: the server's clock, epoch ms.
// Errors answer `{ error: SerializedError }` with a 4xx/5xx status.

// Schemas below that reach the browser use plain `z.object` spreads, `z.union` (each member's tag
// rejects the others at once) and one-value `z.enum` tags rather than `z.extend`,
// `z.discriminatedUnion` and `z.literal`: the same checks, with less of zod in the React kit's bundle.
export const conversationWithCustomerSchema = z.object({
  ...conversationSchema.shape,
  customer: customerSchema,
});
/** A conversation with its customer, as the inbox list shows it. */
export type ConversationWithCustomer = z.infer<typeof conversationWithCustomerSchema>;

/** The schema of a {@link Paged} list of `item`. */
export const pagedSchema = <T extends z.core.$ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

/**
 * The schema of a {@link Paged} list of `item`.
 * @deprecated Renamed {@link pagedSchema}; this alias goes in the next major version.
 */
export const pageSchema: typeof pagedSchema = pagedSchema;

export {
  type SendAuthor,
  type SendDraft,
  sendAuthorSchema,
  sendDraftSchema,
  type UploadedFile,
  uploadedFileSchema,
} from './sendDraft.js';

// Every call below is marked pure so a bundle that never validates patches or actions (the React kit
// only sends them) drops these schemas: esbuild does not follow zod's own annotations through its
// re-exports.
export const conversationPatchSchema = /* @__PURE__ */ z.object({
  status: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.enum(['open', 'resolved'])),
  assigneeId: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.nullable(/* @__PURE__ */ z.string())),
  /** Marks every message read (unread count to 0) and tells Meta (mark_seen). */
  read: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.literal(true)),
});
export type ConversationPatch = z.infer<typeof conversationPatchSchema>;

export const channelActionSchema = /* @__PURE__ */ z.union([
  /* @__PURE__ */ z.object({
    action: /* @__PURE__ */ z.enum(['deactivate', 'activate', 'disconnect', 'resubscribe', 'check']),
  }),
  /* @__PURE__ */ z.object({
    action: /* @__PURE__ */ z.enum(['reauthorize']),
    userAccessToken: /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.minLength(1)),
  }),
]);
export type ChannelAction = z.infer<typeof channelActionSchema>;

/** A page (or Instagram account) the user administers, offered in the connect picker. */
export const connectablePageSchema = z.object({
  id: z.string(),
  name: z.string(),
  platform: platformSchema,
  pictureUrl: z.optional(z.string()),
  /** The user's tasks on the page (MESSAGING, MODERATE, MANAGE...). */
  tasks: z.array(z.string()),
  /** Why it cannot be connected (already connected to another organisation, missing task). */
  unavailableReason: z.optional(z.string()),
  /** Already connected to this organisation. */
  connected: z.boolean(),
});
export type ConnectablePage = z.infer<typeof connectablePageSchema>;

export const agentSchema = z.object({ id: z.string(), name: z.string(), avatarUrl: z.optional(z.string()) });
export type Agent = z.infer<typeof agentSchema>;

/** A change pushed to connected browsers, in order; `seq` is the SSE event id used to resume. */
export const liveEventSchema = z.union([
  z.object({
    seq: z.number(),
    type: z.enum(['conversation:created']),
    conversation: conversationWithCustomerSchema,
  }),
  z.object({
    seq: z.number(),
    type: z.enum(['conversation:updated']),
    conversation: conversationWithCustomerSchema,
  }),
  z.object({ seq: z.number(), type: z.enum(['message:created']), message: messageSchema }),
  z.object({ seq: z.number(), type: z.enum(['message:updated']), message: messageSchema }),
  z.object({ seq: z.number(), type: z.enum(['channel:updated']), channel: channelSchema }),
  /** A customer's profile or details changed (the customer panel): replace it wherever it is shown. */
  z.object({ seq: z.number(), type: z.enum(['customer:updated']), customer: customerSchema }),
  /** A channel and everything reached through it were deleted (`channels.purge`): drop it, refetch lists. */
  z.object({ seq: z.number(), type: z.enum(['channel:purged']), channelId: z.string() }),
  /** History imported on connect, stored without per-message events: refetch conversation lists. */
  z.object({
    seq: z.number(),
    type: z.enum(['history:imported']),
    channelId: z.string(),
    conversations: z.number(),
    messages: z.number(),
  }),
  z.object({
    seq: z.number(),
    type: z.enum(['typing']),
    conversationId: z.string(),
    on: z.boolean(),
    /** Who types: an agent of the helpdesk (with `agentId` when the API knows it), else the customer. */
    by: z.optional(z.enum(['customer', 'agent'])),
    agentId: z.optional(z.string()),
  }),
  /**
   * The stream could not resume from the client's Last-Event-ID (older than the server's replay buffer,
   * or from another server process): refetch what is shown, then carry on from this `seq`.
   */
  z.object({ seq: z.number(), type: z.enum(['reset']) }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** Connection state of the live-update stream, for a "Reconnecting..." banner. */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The conversation filters a browser may send. The organisation and the channels a principal may see
 * are decided on the server (the inbox API adds them to the store query), never taken from the page.
 */
export type ConversationListQuery = Omit<ConversationQuery, 'organizationId' | 'channelIds'>;

/**
 * The server's clock as a transport learns it (the inbox API sends it with every answer and on the
 * live stream): windows and dates then follow the server, not a browser whose clock may be wrong.
 */
export interface ServerClock {
  /** Milliseconds to add to this machine's `Date.now()` to get the server's time. */
  offset(): number;
  /** Called when the offset moves (by more than a second). Returns a function that unsubscribes. */
  subscribe(listener: () => void): () => void;
}

/** What `@pagedesk/react` needs from a backend. Every method rejects with a `PagedeskError`. */
export interface InboxTransport {
  listConversations(query: ConversationListQuery): Promise<Paged<ConversationWithCustomer>>;
  getConversation(id: string): Promise<ConversationWithCustomer>;
  updateConversation(id: string, patch: ConversationPatch): Promise<ConversationWithCustomer>;
  listMessages(
    conversationId: string,
    query?: { before?: string; limit?: number },
  ): Promise<Paged<z.infer<typeof messageSchema>>>;
  sendMessage(conversationId: string, draft: SendDraft): Promise<Array<z.infer<typeof messageSchema>>>;
  /**
   * Re-sends a failed message; one whose outcome is unknown is checked with Meta first. `force: true`
   * sends without checking (the customer may get it twice): offer it only when the check itself failed.
   */
  retryMessage(messageId: string, options?: { force?: boolean }): Promise<z.infer<typeof messageSchema>>;
  setTyping(conversationId: string, on: boolean): Promise<void>;
  /** Sends a satisfaction survey (Messenger's Customer Feedback Template); the answer lands on `conversation.survey`. */
  sendSurvey?(conversationId: string, draft: SurveyDraft): Promise<z.infer<typeof messageSchema>>;
  /** Takes, passes or requests the customer's thread (Messenger handover), or checks who holds it. */
  threadControl?(
    conversationId: string,
    action: 'take' | 'pass' | 'request' | 'check',
    options?: { targetAppId?: string; metadata?: string },
  ): Promise<ConversationWithCustomer>;
  /** Hides, unhides, deletes, likes or unlikes a comment on Meta; resolves with the message, its `moderation` updated. */
  moderateComment?(messageId: string, action: CommentAction): Promise<z.infer<typeof messageSchema>>;
  uploadFile(file: Blob, name: string): Promise<UploadedFile>;
  listChannels(): Promise<Array<z.infer<typeof channelSchema>>>;
  updateChannelSettings(
    channelId: string,
    settings: Partial<z.infer<typeof channelSchema>['settings']>,
  ): Promise<z.infer<typeof channelSchema>>;
  channelAction(channelId: string, action: ChannelAction): Promise<z.infer<typeof channelSchema>>;
  listConnectablePages(userAccessToken: string): Promise<ConnectablePage[]>;
  connectPages(userAccessToken: string, pageIds: string[]): Promise<Array<z.infer<typeof channelSchema>>>;
  listAgents(): Promise<Agent[]>;
  /** One customer (the customer panel). Optional: a transport without it has no customer panel. */
  getCustomer?(customerId: string): Promise<z.infer<typeof customerSchema>>;
  /** Changes what agents recorded about a customer; `null` clears a field. */
  updateCustomer?(customerId: string, patch: CustomerDetailsPatch): Promise<z.infer<typeof customerSchema>>;
  /** Blocks or unblocks a customer from the page (Messenger); replies are refused while blocked. */
  blockCustomer?(customerId: string, blocked: boolean): Promise<z.infer<typeof customerSchema>>;
  /** The reply templates the principal may send (on `channelId` only, when given). Optional, like the rest below. */
  listTemplates?(query?: { channelId?: string }): Promise<ReplyTemplate[]>;
  /** Saves a new template (admin). */
  createTemplate?(input: ReplyTemplateInput): Promise<ReplyTemplate>;
  /** Changes a template (admin). */
  updateTemplate?(templateId: string, patch: Partial<ReplyTemplateInput>): Promise<ReplyTemplate>;
  /** Deletes a template (admin). */
  deleteTemplate?(templateId: string): Promise<void>;
  /** Sends a template's parts in order through the send path; resolves with every message sent. */
  sendTemplate?(conversationId: string, templateId: string): Promise<Array<z.infer<typeof messageSchema>>>;
  /** Starts live updates; returns a function that stops them. */
  subscribe(onEvent: (event: LiveEvent) => void, onStatus?: (status: LiveStatus) => void): () => void;
  /** The server's clock, when the transport learns it. */
  readonly serverClock?: ServerClock;
}

/** The JSON shape of an error crossing the transport. Never holds a token or secret. */
export const serializedErrorSchema = z.object({
  name: z.string(),
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  graphCode: z.optional(z.number()),
  subcode: z.optional(z.number()),
  fbtraceId: z.optional(z.string()),
  rule: z.optional(z.string()),
  limit: z.optional(z.number()),
  reason: z.optional(z.string()),
  retryAfterMs: z.optional(z.number()),
  closedAt: z.optional(z.number()),
  status: z.optional(z.string()),
  issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
export type SerializedError = z.infer<typeof serializedErrorSchema>;

/** Turns a Pagedesk error into JSON for the wire. */
export function serializeError(error: PagedeskError): SerializedError {
  const e = error as PagedeskError & Record<string, unknown>;
  const out: SerializedError = {
    name: error.name,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
  };
  if (error instanceof GraphError || typeof e['graphCode'] === 'number') {
    if (typeof e['graphCode'] === 'number') out.graphCode = e['graphCode'];
    if (typeof e['subcode'] === 'number') out.subcode = e['subcode'];
    if (typeof e['fbtraceId'] === 'string') out.fbtraceId = e['fbtraceId'];
  }
  for (const key of ['rule', 'reason', 'status'] as const)
    if (typeof e[key] === 'string') out[key] = e[key] as string;
  for (const key of ['limit', 'retryAfterMs', 'closedAt'] as const)
    if (typeof e[key] === 'number') out[key] = e[key] as number;
  if (Array.isArray(e['issues'])) out.issues = e['issues'] as SerializedError['issues'] & object;
  return out;
}

/** Rebuilds the typed error from its JSON, so a UI can `instanceof` or switch on `code`. */
export function deserializeError(json: SerializedError): PagedeskError {
  const details = {
    ...(json.graphCode === undefined ? {} : { graphCode: json.graphCode }),
    ...(json.subcode === undefined ? {} : { subcode: json.subcode }),
    ...(json.fbtraceId === undefined ? {} : { fbtraceId: json.fbtraceId }),
  };
  switch (json.name) {
    case 'WindowClosedError':
      return new WindowClosedError(json.message, {
        ...details,
        ...(json.closedAt === undefined ? {} : { closedAt: json.closedAt }),
      });
    case 'TokenError':
      return new TokenError(json.message, (json.reason ?? 'invalid') as TokenErrorReason, details);
    case 'PermissionError':
      return new PermissionError(json.message, details);
    case 'HumanAgentUnavailableError':
      return new HumanAgentUnavailableError(json.message, details);
    case 'RateLimitError':
      return new RateLimitError(json.message, {
        ...details,
        ...(json.retryAfterMs === undefined ? {} : { retryAfterMs: json.retryAfterMs }),
      });
    case 'RecipientUnavailableError':
      return new RecipientUnavailableError(json.message, details);
    case 'ThreadControlError':
      return new ThreadControlError(json.message, details);
    case 'GraphError':
      return new GraphError(json.message, details, { retryable: json.retryable });
    case 'RuleViolationError':
      return new RuleViolationError(json.rule ?? json.code, json.message, json.limit);
    case 'ValidationError': {
      const error = new ValidationError('input', json.issues ?? []);
      return Object.assign(error, { message: json.message });
    }
    case 'NotFoundError':
      return Object.assign(new NotFoundError('resource', ''), { message: json.message });
    case 'ChannelUnavailableError':
      return Object.assign(new ChannelUnavailableError('', json.status ?? 'unavailable'), {
        message: json.message,
      });
    default:
      return new PagedeskError(json.code, json.message, { retryable: json.retryable });
  }
}
