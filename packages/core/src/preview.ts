import type { Message } from './model.js';

const MAX_PREVIEW = 140;

/**
 * The conversation list's one-line preview of a message: its text (cut to 140 characters), a
 * postback's title, its attachment kind ("[image]", "3 attachments"), or "Message removed" once
 * unsent. The inbox, imported history and the React kit's fake all preview with it.
 *
 * @param message - The newest message of the conversation.
 * @returns The preview, or undefined when the message has nothing to show.
 * @example
 * messagePreview({ ...message, text: 'Where is my order?' }); // 'Where is my order?'
 */
export function messagePreview(
  message: Pick<Message, 'text' | 'attachments' | 'unsent' | 'postback'>,
): string | undefined {
  if (message.unsent) return 'Message removed';
  if (message.text) {
    return message.text.length > MAX_PREVIEW ? `${message.text.slice(0, MAX_PREVIEW - 1)}…` : message.text;
  }
  if (message.postback?.title) return message.postback.title;
  const first = message.attachments[0];
  if (!first) return undefined;
  const label = first.kind.replace('_', ' ');
  return message.attachments.length > 1 ? `${message.attachments.length} attachments` : `[${label}]`;
}
