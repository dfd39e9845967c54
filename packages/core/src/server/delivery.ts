import { GraphError, PermissionError, ValidationError } from '../errors.js';
import type { Attachment, Channel, Message } from '../model.js';
import { defaultAttachmentHash, memoryAttachmentCache } from './attachmentCache.js';
import type { ChannelContext } from './channelContext.js';
import type { PageGraph, SendResult } from './pageGraph.js';
import type { Personas } from './personas.js';
import type { OutboundAttachment, SendMessageRequest } from './sendBody.js';

// One stored message → one Send API call. Attachments go by URL with `is_reusable` and come back as
// ids cached per page and content (https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets); a cached id Meta rejects is dropped and the
// file sent by URL again, and a rejected persona is dropped for the page. Both retries are safe
// because Meta answered with an error, so it did not accept the message.

/** Where and how the parts of one reply go: the same for every part. */
export interface Delivery {
  channel: Channel;
  page: PageGraph;
  recipient: SendMessageRequest['recipient'];
  messagingType: SendMessageRequest['messagingType'];
  tag?: string;
  personaId?: string;
}

/** The Send API call of the send path, with its attachment cache. */
export function createDeliver(
  ctx: ChannelContext,
  personas: Personas,
): (d: Delivery, message: Message) => Promise<SendResult> {
  const attachmentCache = ctx.options.attachmentCache ?? memoryAttachmentCache({ now: ctx.now });
  const hashAttachment = ctx.options.hashAttachment ?? defaultAttachmentHash;

  async function attachmentRef(
    channel: Channel,
    attachment: Attachment,
    useCache: boolean,
  ): Promise<{ ref: OutboundAttachment; hash?: string; cached: boolean }> {
    const kind =
      attachment.kind === 'image' || attachment.kind === 'video' || attachment.kind === 'audio'
        ? attachment.kind
        : 'file';
    if (attachment.attachmentId)
      return { ref: { type: kind, attachmentId: attachment.attachmentId }, cached: false };
    if (!attachment.url)
      throw new ValidationError('attachment', [
        { path: 'attachments.url', message: 'an outbound attachment needs a url' },
      ]);
    const hash = await hashAttachment({
      name: attachment.name ?? '',
      type: attachment.mimeType ?? '',
      size: attachment.size ?? 0,
      url: attachment.url,
    });
    const cachedId = useCache ? await attachmentCache.get(channel.id, hash) : undefined;
    if (cachedId) return { ref: { type: kind, attachmentId: cachedId }, hash, cached: true };
    return { ref: { type: kind, url: attachment.url, isReusable: true }, hash, cached: false };
  }

  /** One Send API call for one stored message, re-uploading rejected cached ids and dropping a rejected persona. */
  async function deliver(d: Delivery, message: Message): Promise<SendResult> {
    const attempt = async (useCache: boolean, personaId: string | undefined) => {
      const refs = await Promise.all(message.attachments.map((a) => attachmentRef(d.channel, a, useCache)));
      const request: SendMessageRequest = {
        recipient: d.recipient,
        messagingType: d.messagingType,
        ...(d.tag ? { tag: d.tag } : {}),
        ...(message.survey ? { survey: message.survey } : {}),
        ...(message.text !== undefined && refs.length === 0 && !message.survey ? { text: message.text } : {}),
        ...(refs.length === 1 ? { attachment: refs[0]!.ref } : {}),
        ...(refs.length > 1 ? { attachments: refs.map((r) => r.ref) } : {}),
        ...(message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
        // On private replies too: Meta sends them as any Send API message, and the page's echo of one
        // can land before this answer; its metadata is what matches it to this message then.
        metadata: message.id,
        ...(message.replyTo?.mid ? { replyTo: message.replyTo.mid } : {}),
        ...(personaId ? { personaId } : {}),
      };
      const result = await d.page.send(request);
      const single = refs.length === 1 ? refs[0] : undefined;
      if (single?.hash && !single.cached && result.attachmentId)
        await attachmentCache.set(d.channel.id, single.hash, result.attachmentId);
      return { result, refs };
    };
    let useCache = true;
    let personaId = d.personaId;
    // A permission error on a tagged send may be the tag's (no Human Agent feature), not the persona's:
    // the persona is blamed only when the same message then goes through without it.
    let personaDropped = false;
    for (let i = 0; i < 3; i++) {
      try {
        const { result } = await attempt(useCache, personaId);
        if (personaDropped) personas.reject(d.channel.id);
        return result;
      } catch (error) {
        // Meta answered with an error, so it did not accept the message: sending again is safe.
        if (useCache && error instanceof GraphError && error.subcode === 2018074) {
          useCache = false;
          for (const a of message.attachments) {
            const ref = await attachmentRef(d.channel, a, false).catch(() => undefined);
            if (ref?.hash) await attachmentCache.delete(d.channel.id, ref.hash);
          }
          continue;
        }
        const personaRejected =
          personaId !== undefined &&
          (error?.constructor === PermissionError ||
            (error?.constructor === GraphError && (error as GraphError).graphCode === 100));
        if (personaRejected) {
          if (d.tag === undefined) personas.reject(d.channel.id);
          else personaDropped = true;
          personaId = undefined;
          continue;
        }
        throw error;
      }
    }
    throw new GraphError(
      'Meta rejected the message after re-uploading its attachments',
      {},
      { retryable: true },
    );
  }

  return deliver;
}
