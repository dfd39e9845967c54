import * as z from 'zod/mini';

// What the composer sends: uploaded files and the reply draft (the transport, the send path and
// templates all read these shapes).

/** A file the agent attached, already uploaded to the host's backend. */
export const uploadedFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number(),
  /** Where the backend serves it (Meta fetches outbound attachments by URL). */
  url: z.string(),
});
export type UploadedFile = z.infer<typeof uploadedFileSchema>;

/**
 * Who sends a reply through the send path. `agent` is a person (HUMAN_AGENT allowed after 24 h when
 * the channel has the feature); `automation` is the host's bot or auto-reply: only inside the 24-hour
 * window, with RESPONSE, never a tag. `createInboxApi()` always sends as the signed-in agent.
 */
export const sendAuthorSchema = z.union([
  z.object({ kind: z.enum(['agent']), agentId: z.optional(z.string().check(z.minLength(1))) }),
  z.object({
    kind: z.enum(['automation']),
    /** Shown in the inbox ("Order bot"); Meta's customer sees the page. */
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  }),
]);
export type SendAuthor = z.infer<typeof sendAuthorSchema>;

/** Quick replies: at most 13, titles up to 20 characters, payloads up to 1000 (https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies). */
export const QUICK_REPLY_LIMITS = { count: 13, title: 20, payload: 1000 } as const;

/** The quick replies under a reply or a template's part, checked before anything is recorded or sent. */
export const quickRepliesSchema = z
  .array(
    z.object({
      title: z.string().check(z.minLength(1), z.maxLength(QUICK_REPLY_LIMITS.title)),
      payload: z.string().check(z.minLength(1), z.maxLength(QUICK_REPLY_LIMITS.payload)),
    }),
  )
  .check(z.maxLength(QUICK_REPLY_LIMITS.count));

/** An agent's reply as the composer builds it (or a host's automation, with `author`). */
export const sendDraftSchema = z.object({
  text: z.optional(z.string()),
  /** Uploaded files, sent in this order. */
  attachments: z.optional(z.array(uploadedFileSchema)),
  /** Quote a message of the conversation (Pagedesk message id). */
  replyToMessageId: z.optional(z.string()),
  quickReplies: z.optional(quickRepliesSchema),
  /** Split text over the limit into several messages instead of refusing it. */
  split: z.optional(z.boolean()),
  /** For comment conversations: answer publicly under the comment instead of privately. */
  publicReply: z.optional(z.boolean()),
  /** The composer's id for the optimistic message; the server keeps it as the message id when unused. */
  clientId: z.optional(z.string()),
  /** The agent who writes (Persona name and avatar shown to the customer when the channel allows). */
  agentId: z.optional(z.string()),
  /** Who sends: an agent (default; `agentId` is its shorthand) or `{ kind: 'automation' }`. */
  author: z.optional(sendAuthorSchema),
});
export type SendDraft = z.infer<typeof sendDraftSchema>;
