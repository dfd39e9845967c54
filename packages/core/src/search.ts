import { normaliseSearch } from './conversationQuery.js';
import type { Message } from './model.js';

// The inbox search (`ConversationQuery.search`) as every store applies it: a case-insensitive
// substring of the customer's name or username, the conversation's preview, or any message body of
// the conversation. The names and the preview belong to the conversation filter; the bodies are this
// separate step, which a store runs on the conversations the other filters let through.

/** The search text of a query as stores match it (trimmed, lower-cased, undefined when blank). */
export const searchTerm: (search: string | undefined) => string | undefined = normaliseSearch;

/**
 * Whether any of the messages' bodies contains `term` (a {@link searchTerm}): the message-body step
 * of `ConversationQuery.search`. A removed (unsent) message has no body left to match.
 *
 * @example
 * bodiesMatch(messagesOfConversation, searchTerm('Order 1042')!); // true when a message mentions it
 */
export function bodiesMatch(messages: Iterable<Pick<Message, 'text'>>, term: string): boolean {
  for (const message of messages) if (message.text?.toLowerCase().includes(term)) return true;
  return false;
}
