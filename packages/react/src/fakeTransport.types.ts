import type {
  Attachment,
  Channel,
  ConversationWithCustomer,
  InboxTransport,
  LiveEvent,
  LiveStatus,
  Message,
  PagedeskError,
  ReplyTemplate,
} from '@pagedesk/core';

// The public shapes of the fake transport (`@pagedesk/react/testing`): its options and the controls it
// adds to an `InboxTransport`.

/** Options of {@link createFakeTransport}. */
export interface FakeTransportOptions {
  /** Seed of the generated data: the same seed gives the same inbox. Default 1. */
  seed?: number;
  /** How many conversations to generate. Default 40. */
  conversations?: number;
  /** Messages generated per conversation (the first one holds every attachment kind). Default 30. */
  messagesPerConversation?: number;
  /** The fake's clock; every generated time is relative to it. Default `Date.now`. */
  now?: () => number;
  /** Delay of every answer in ms (0 answers on the next microtask). Default 0. */
  latencyMs?: number;
  /**
   * Where the sample media point: a folder serving `photo.png`, `dance.gif`, `clip.webm`, `voice.wav`,
   * `invoice.pdf`, `sticker.png` and `story.jpg` (the repository's Storybook serves them from
   * `.storybook/public/pagedesk/`, so stories and screenshots need no network). Default
   * https://example.com/pagedesk/ (placeholders that do not load).
   */
  assetBaseUrl?: string;
  /** Channels to start with instead of the generated Messenger page and Instagram account. */
  channels?: Channel[];
  /** Reply templates to start with. */
  templates?: ReplyTemplate[];
  /**
   * Records to serve instead of generated ones (`conversations` and `messagesPerConversation` are then
   * ignored): exactly these conversations, and these messages (any order) and no others.
   */
  records?: { conversations: ConversationWithCustomer[]; messages?: Message[] };
}

export type Method = Exclude<keyof InboxTransport, 'subscribe'>;

/** The in-memory transport plus controls for tests and stories. */
export interface FakeTransport extends InboxTransport {
  /** A customer writes (on a comment conversation: a new comment in the thread): stores it and pushes it live. */
  receive(conversationId: string, message: { text?: string; attachments?: Attachment[] }): Message;
  /** Pushes a typing notice live: the customer's, or the agent's named by `agentId`. */
  typing(conversationId: string, on: boolean, agentId?: string): void;
  /** Pushes any live event (seq is filled in). */
  emit(event: DistributiveOmit<LiveEvent, 'seq'> | { type: 'reset' }): void;
  /** Sets the live status reported to subscribers (e.g. `reconnecting`). */
  setStatus(status: LiveStatus): void;
  /** The next call of `method` rejects with `error`. */
  failNext(method: Method, error: PagedeskError): void;
  /** Every later call of `method` never settles (loading states). */
  stall(method: Method): void;
  /** Moves the outbound message to `delivered` or `read` and pushes it live. */
  deliver(messageId: string, state: 'delivered' | 'read'): void;
  /** The live records (changing one changes what the fake serves next), for assertions and stories. */
  readonly data: {
    channels: Channel[];
    conversations: ConversationWithCustomer[];
    messages(conversationId: string): Message[];
  };
  /** Calls made, in order, with their arguments. */
  readonly calls: Array<{ method: Method; args: unknown[] }>;
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
