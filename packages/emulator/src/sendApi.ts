import { DAY } from './clock.js';
import { customerDelivered, customerRead } from './customerActions.js';
import { sendEcho } from './echoes.js';
import { customerFeedbackSurvey, type EmulatorSurvey, isCustomerFeedback } from './feedback.js';
import { requireScope } from './graphAuth.js';
import { list, obj, str } from './graphParams.js';
import { type GraphRequest, type GraphResult, ok } from './graphTypes.js';
import { assertHoldsThread } from './handover.js';
import { invalidParam, MetaError, noMatchingUser, permissionError, windowClosed } from './metaError.js';
import { checkSendText } from './sendLimits.js';
import type { EmulatorAttachment, EmulatorComment, SentMessage } from './types.js';
import { outboundAttachment } from './uploads.js';
import { type Customer, newMessage, type PageState, type World } from './world.js';

// The Send API (`POST /{page}/messages`) with Meta's validation, in the order Meta checks: the
// recipient, sender actions, messaging type and tag, content, attachments, then who may be messaged
// and the window (docs/meta-platform.md). https://developers.facebook.com/docs/messenger-platform/reference/send-api

const METADATA_MAX = 1000;
const REMOVED_TAGS = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY'];
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
/** The parameters a sender action may come with. */
const SENDER_ACTION_PARAMS = new Set([
  'recipient',
  'sender_action',
  'access_token',
  'appsecret_proof',
  'appsecret_time',
  'persona_id',
  'payload',
]);

const unavailable = () =>
  new MetaError(400, 551, "(#551) This person isn't available right now.", { subcode: 1545041 });

interface Target {
  recipient: Record<string, unknown>;
  customer: Customer;
  /** The comment or visitor post of a private reply. */
  comment: EmulatorComment | undefined;
}

/** The recipient: a PSID/IGSID, or a comment / visitor post for a private reply. */
function resolveRecipient(world: World, p: PageState, recipient: Record<string, unknown>): Target {
  const keys = Object.keys(recipient).filter((k) => recipient[k] !== undefined);
  const commentKey =
    recipient['comment_id'] !== undefined
      ? 'comment_id'
      : recipient['post_id'] !== undefined
        ? 'post_id'
        : null;
  let customerId: string;
  let comment: EmulatorComment | undefined;
  if (commentKey) {
    comment = world.comments.get(str(recipient[commentKey]) ?? '');
    if (!comment || comment.pageId !== p.id || comment.isPost !== (commentKey === 'post_id')) {
      throw invalidParam(
        `param recipient[${commentKey}] is not a valid ${commentKey === 'post_id' ? 'post' : 'comment'} of this page.`,
        33,
      );
    }
    customerId = comment.customerId;
  } else if (recipient['id'] !== undefined) {
    customerId = str(recipient['id']) ?? '';
  } else {
    throw invalidParam(`param recipient[${keys[0]}] is not supported by the emulator.`);
  }
  const customer = world.customers.get(customerId);
  if (!customer || customer.pageId !== p.id) throw noMatchingUser();
  return { recipient, customer, comment };
}

function senderAction(
  world: World,
  p: PageState,
  customer: Customer,
  action: string,
  personaId: string | undefined,
): GraphResult {
  if (!SENDER_ACTIONS.includes(action))
    throw invalidParam(
      `param sender_action must be one of {${SENDER_ACTIONS.map((a) => a.toUpperCase()).join(', ')}}`,
    );
  if (customer.unavailable) throw unavailable();
  const now = world.clock.now();
  if (world.windowFor(customer, now) === 'closed') throw windowClosed(customer.platform);
  world.actionLog.push({
    pageId: p.id,
    recipientId: customer.id,
    action,
    timestamp: now,
    ...(personaId ? { personaId } : {}),
  });
  if (action === 'typing_on' || action === 'typing_off')
    world.emit({ type: 'typing', pageId: p.id, customerId: customer.id, on: action === 'typing_on' });
  return ok({ recipient_id: customer.id });
}

/** `messaging_type` and `tag`: the message's reason, with Meta's removed and unemulated tags refused. */
function messagingTypeOf(
  params: Record<string, unknown>,
  message: Record<string, unknown>,
  privateReply: boolean,
) {
  const messagingType = str(params['messaging_type']) ?? (privateReply ? 'RESPONSE' : undefined);
  if (!messagingType || !MESSAGING_TYPES.includes(messagingType))
    throw invalidParam(`param messaging_type must be one of {${MESSAGING_TYPES.join(', ')}}`);
  const tag = str(params['tag']) ?? null;
  if (messagingType === 'MESSAGE_TAG') {
    if (!tag) throw invalidParam('param tag is required when messaging_type is MESSAGE_TAG.');
    if (REMOVED_TAGS.has(tag))
      throw invalidParam(`The ${tag} tag is no longer supported. Use utility messages instead.`);
    if (tag !== 'HUMAN_AGENT' && tag !== 'CUSTOMER_FEEDBACK')
      throw invalidParam(`param tag must be one of {HUMAN_AGENT, CUSTOMER_FEEDBACK}`);
    if (tag === 'CUSTOMER_FEEDBACK' && !isCustomerFeedback(obj(message['attachment'], 'message[attachment]')))
      throw invalidParam('The CUSTOMER_FEEDBACK tag is only allowed with the customer feedback template.');
  }
  if (messagingType === 'UTILITY')
    throw invalidParam(
      'UTILITY messages need an approved utility template, which the emulator does not emulate.',
    );
  return { messagingType, tag };
}

function checkQuickReplies(quickReplies: unknown[]): void {
  if (quickReplies.length > 13)
    throw invalidParam('param message[quick_replies] must have a maximum of 13 elements.');
  for (const [i, qr] of quickReplies.entries()) {
    const q = qr as Record<string, unknown>;
    const ct = q?.['content_type'];
    if (ct !== 'text' && ct !== 'user_phone_number' && ct !== 'user_email') {
      throw invalidParam(
        `param message[quick_replies][${i}][content_type] must be one of {text, user_phone_number, user_email}`,
      );
    }
    if (
      ct === 'text' &&
      (typeof q['title'] !== 'string' || typeof q['payload'] !== 'string' || q['payload'].length > 1000)
    ) {
      throw invalidParam(
        `param message[quick_replies][${i}] needs a title and a payload of at most 1000 characters.`,
      );
    }
  }
}

/** The message's content rules: exactly one of text, attachment or attachments, metadata, quick replies. */
function readContent(p: PageState, message: Record<string, unknown>) {
  const text = message['text'];
  const attachment = obj(message['attachment'], 'message[attachment]');
  const attachmentList = list(message['attachments'], 'message[attachments]');
  const count = [text !== undefined, attachment !== undefined, attachmentList !== undefined].filter(
    Boolean,
  ).length;
  if (count === 0) throw invalidParam('param message must contain text or attachment.');
  if (count > 1)
    throw invalidParam('param message must contain only one of text, attachment or attachments.');
  if (text !== undefined) {
    if (typeof text !== 'string' || text.length === 0)
      throw invalidParam('param message[text] must be a non-empty UTF-8 string.');
    checkSendText(p.platform, text);
  }
  const metadata = message['metadata'];
  if (metadata !== undefined && (typeof metadata !== 'string' || metadata.length > METADATA_MAX))
    throw invalidParam(`param message[metadata] must be a string of at most ${METADATA_MAX} characters.`);
  const quickReplies = list(message['quick_replies'], 'message[quick_replies]');
  if (quickReplies) checkQuickReplies(quickReplies);
  return {
    text: text as string | undefined,
    metadata: metadata as string | undefined,
    attachment,
    attachmentList,
    quickReplies,
  };
}

async function resolveAttachments(
  world: World,
  p: PageState,
  content: ReturnType<typeof readContent>,
  req: GraphRequest,
): Promise<{ attachments: EmulatorAttachment[]; reusableId: string | undefined }> {
  const { attachment, attachmentList } = content;
  if (attachment) {
    const resolved = await outboundAttachment(
      world,
      p,
      attachment,
      req.files.get('filedata'),
      'message[attachment]',
    );
    return { attachments: [resolved.attachment], reusableId: resolved.reusableId };
  }
  const attachments: EmulatorAttachment[] = [];
  if (!attachmentList) return { attachments, reusableId: undefined };
  if (attachmentList.length === 0 || attachmentList.length > 30)
    throw invalidParam('param message[attachments] must have between 1 and 30 elements.');
  for (const [i, item] of attachmentList.entries()) {
    const name = `message[attachments][${i}]`;
    const a = obj(item, name)!;
    if (a['type'] !== 'image')
      throw invalidParam(`param ${name}[type] must be image: only images can be sent together.`);
    attachments.push((await outboundAttachment(world, p, a, undefined, name)).attachment);
  }
  return { attachments, reusableId: undefined };
}

/** Who can be messaged, then the window: 24 h, 7 days with HUMAN_AGENT, 7 days for a private reply. */
function checkWindow(
  world: World,
  p: PageState,
  target: Target,
  messagingType: string,
  tag: string | null,
): void {
  const { customer, comment } = target;
  const now = world.clock.now();
  if (customer.unavailable) throw unavailable();
  if (comment) {
    if (comment.privateReplyMid !== null)
      throw new MetaError(400, 10900, '(#10900) Activity already replied to');
    if (now - comment.createdAt > 7 * DAY) throw windowClosed(customer.platform);
    return;
  }
  const window = world.windowFor(customer, now);
  if (tag === 'HUMAN_AGENT' && messagingType === 'MESSAGE_TAG') {
    if (!p.humanAgent)
      throw permissionError('The HUMAN_AGENT tag requires the Human Agent feature for this app.');
    if (window === 'closed') throw windowClosed(customer.platform);
  } else if (window !== 'standard') {
    throw windowClosed(customer.platform);
  }
}

export async function send(world: World, p: PageState, req: GraphRequest): Promise<GraphResult> {
  const params = req.params;
  assertHoldsThread(world, p.id, params);
  const recipient = obj(params['recipient'], 'recipient');
  if (!recipient || Object.keys(recipient).length === 0)
    throw invalidParam('param recipient must be non-empty.');
  if (Object.keys(recipient).filter((k) => recipient[k] !== undefined).length !== 1)
    throw invalidParam('param recipient must have exactly one of id, comment_id, post_id, user_ref.');
  const action = str(params['sender_action']);
  const message = obj(params['message'], 'message');
  const personaId = str(params['persona_id']);
  if (action !== undefined && (message || Object.keys(params).some((k) => !SENDER_ACTION_PARAMS.has(k))))
    throw invalidParam('sender_action must be sent alone, with only recipient.');
  requireScope(p, p.platform === 'instagram' ? 'instagram_manage_messages' : 'pages_messaging');
  const target = resolveRecipient(world, p, recipient);

  if (personaId !== undefined) {
    const persona = world.personas.get(personaId);
    if (!persona || persona.deleted || persona.pageId !== p.id)
      throw invalidParam('param persona_id is not a valid persona of this page.');
    if (action !== undefined && action !== 'typing_on' && action !== 'typing_off')
      throw invalidParam('persona_id can only be used with typing_on and typing_off sender actions.');
  }
  if (action !== undefined) return senderAction(world, p, target.customer, action, personaId);

  if (!message) throw invalidParam('param message must be non-empty.');
  const { messagingType, tag } = messagingTypeOf(params, message, target.comment !== undefined);
  const content = readContent(p, message);
  const replyTo = obj(params['reply_to'], 'reply_to');
  const replyToMid = replyTo ? str(replyTo['mid']) : undefined;
  if (replyTo && (!replyToMid || !world.conversation(target.customer.id).some((m) => m.mid === replyToMid)))
    throw invalidParam('param reply_to[mid] is not a message of this conversation.');
  // The customer feedback template (feedback.ts) is checked, window included, on its own.
  const survey =
    content.attachment && isCustomerFeedback(content.attachment) && !target.comment
      ? customerFeedbackSurvey(world, {
          platform: target.customer.platform,
          lastInboundAt: target.customer.lastInboundAt,
          attachment: content.attachment,
          tagged: tag === 'CUSTOMER_FEEDBACK',
        })
      : undefined;
  const { attachments, reusableId } = survey
    ? { attachments: [], reusableId: undefined }
    : await resolveAttachments(world, p, content, req);
  if (survey) {
    if (target.customer.unavailable) throw unavailable();
  } else checkWindow(world, p, target, messagingType, tag);
  const mid = accept(world, p, target, {
    content,
    attachments,
    messagingType,
    tag,
    personaId,
    replyToMid,
    notificationType: str(params['notification_type']),
    survey,
  });
  return ok({
    recipient_id: target.customer.id,
    message_id: mid,
    ...(reusableId ? { attachment_id: reusableId } : {}),
  });
}

/** Stores an accepted message, logs it, echoes it and plays the customer's delivery and read receipts. */
function accept(
  world: World,
  p: PageState,
  { recipient, customer, comment }: Target,
  accepted: {
    content: ReturnType<typeof readContent>;
    attachments: EmulatorAttachment[];
    messagingType: string;
    tag: string | null;
    personaId: string | undefined;
    replyToMid: string | undefined;
    notificationType: string | undefined;
    survey: EmulatorSurvey | undefined;
  },
): string {
  const { content, attachments, personaId, replyToMid, notificationType, survey } = accepted;
  const { text, metadata, quickReplies } = content;
  const timestamp = world.clock.now();
  const stored = newMessage({
    pageId: p.id,
    customerId: customer.id,
    direction: 'outbound',
    ...(typeof text === 'string' ? { text } : {}),
    attachments,
    timestamp,
    appId: world.options.appId,
    ...(typeof metadata === 'string' ? { metadata } : {}),
    ...(personaId ? { personaId, personaName: world.personas.get(personaId)!.name } : {}),
    ...(replyToMid ? { replyToMid } : {}),
    ...(comment ? { commentId: comment.id } : {}),
    // What the customer's Messenger offers under the message (the chat page shows them).
    ...(quickReplies ? { quickReplies: structuredClone(quickReplies) } : {}),
    ...(survey ? { survey } : {}),
  });
  const mid = stored.mid;
  if (comment) comment.privateReplyMid = mid;
  const sent: SentMessage = {
    mid,
    pageId: p.id,
    recipientId: customer.id,
    recipient: Object.fromEntries(Object.entries(recipient).map(([k, v]) => [k, String(v)])),
    ...(typeof text === 'string' ? { text } : {}),
    attachments: structuredClone(attachments),
    messagingType: accepted.messagingType,
    tag: accepted.tag,
    ...(typeof metadata === 'string' ? { metadata } : {}),
    ...(personaId ? { personaId } : {}),
    ...(replyToMid ? { replyToMid } : {}),
    ...(quickReplies ? { quickReplies } : {}),
    ...(notificationType ? { notificationType } : {}),
    timestamp,
  };
  world.sentLog.push(sent);
  world.insert(stored);
  world.emit({ type: 'typing', pageId: p.id, customerId: customer.id, on: false });
  void sendEcho(world, stored);
  const behaviour = world.options.customerBehaviour;
  if (behaviour.deliverAfterMs !== null)
    world.later(behaviour.deliverAfterMs, () => void customerDelivered(world, customer.id, [mid]));
  if (behaviour.readAfterMs !== null)
    world.later(behaviour.readAfterMs, () => void customerRead(world, customer.id));
  return mid;
}
