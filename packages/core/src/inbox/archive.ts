import * as z from 'zod/mini';
import { NotFoundError, ValidationError } from '../errors.js';
import type { AttachmentArchive } from '../inbox.types.js';
import type { Message } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import { without } from './objects.js';
import { type Op, putMessage } from './runtime.js';

// What became of the host's copy of an inbound attachment (the media archiver in
// `@pagedesk/core/server` reports it): the copy's URL, or why there is none. Meta's `url` is kept.

const archiveSchema = z.union([
  z.strictObject({ archivedUrl: z.string().check(z.minLength(1)) }),
  z.strictObject({ archiveStatus: z.enum(['expired', 'too_large', 'failed']) }),
]);

/** Stores the archive outcome on attachment `index` of an inbound message; unchanged when already so. */
export async function recordArchive(
  op: Op,
  messageId: string,
  index: number,
  archive: AttachmentArchive,
): Promise<Message> {
  const outcome = parseOrThrow(archiveSchema, archive, 'attachment archive', 'archive');
  const message = typeof messageId === 'string' ? await op.rt.store.messages.get(messageId) : undefined;
  if (!message) throw new NotFoundError('Message', String(messageId));
  const current = Number.isInteger(index) ? message.attachments[index] : undefined;
  if (!current || message.direction !== 'inbound')
    throw new ValidationError('attachment archive', [
      { path: 'index', message: `message ${messageId} has no inbound attachment ${index}` },
    ]);
  const next: Message['attachments'][number] =
    'archivedUrl' in outcome
      ? { ...without(current, 'archiveStatus'), archivedUrl: outcome.archivedUrl }
      : { ...without(current, 'archivedUrl'), archiveStatus: outcome.archiveStatus };
  if (current.archivedUrl === next.archivedUrl && current.archiveStatus === next.archiveStatus)
    return message;
  const updated: Message = {
    ...message,
    attachments: message.attachments.map((a, i) => (i === index ? next : a)),
    updatedAt: op.rt.now(),
  };
  await putMessage(op, updated, false);
  return updated;
}
