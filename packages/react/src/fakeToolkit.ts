import {
  assertModeratable,
  type Channel,
  type CommentAction,
  type ConversationWithCustomer,
  type Customer,
  type CustomerDetailsPatch,
  checkTemplate,
  customerDetailsPatchSchema,
  customerSchema,
  type InboxTransport,
  type LiveEvent,
  type Message,
  moderationAfter,
  NotFoundError,
  parseOrThrow,
  type ReplyTemplate,
  type ReplyTemplateInput,
  RuleViolationError,
  renderTemplate,
  replyTemplateInputSchema,
  type SurveyDraft,
  surveyDraftSchema,
  surveyWindow,
  templateContext,
  templateDrafts,
  ValidationError,
  WindowClosedError,
} from '@pagedesk/core';

// The customer panel (details, blocking), thread control, moderation and reply templates of `createFakeTransport`, kept beside it so the fake's main
// module stays about the inbox. Same rules as the server: templates checked against every channel in
// their scope, sent part by part through the fake's own `sendMessage`.

type Method = Exclude<keyof InboxTransport, 'subscribe'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What the fake's toolkit methods need from the fake. */
export interface FakeToolkitDeps {
  answer<T>(method: Method, args: unknown[], run: () => T): Promise<T>;
  conversations: ConversationWithCustomer[];
  channels: Channel[];
  emit(event: DistributiveOmit<LiveEvent, 'seq'>): void;
  now(): number;
  sendMessage: InboxTransport['sendMessage'];
  /** The fake's messages of a conversation, newest first (its own array: changes stick). */
  messagesOf(conversationId: string): Message[];
  /** Stores a changed message and pushes it live. */
  storeMessage(message: Message): void;
  /** The templates to start with. */
  templates?: ReplyTemplate[];
}

/** The fake's `getCustomer`, `updateCustomer` and template methods. */
export function fakeToolkit(deps: FakeToolkitDeps) {
  const { answer, conversations, channels, emit, now } = deps;
  const templates: ReplyTemplate[] = [...(deps.templates ?? [])];
  let nextId = templates.length + 1;

  const customerById = (customerId: string): Customer => {
    const found = conversations.find((c) => c.customer.id === customerId)?.customer;
    if (!found) throw new NotFoundError('Customer', customerId);
    return found;
  };
  // Stores a changed customer in its conversations and pushes it live, as the server does.
  const replaceCustomer = (next: Customer): Customer => {
    conversations.forEach((conversation, index) => {
      if (conversation.customer.id !== next.id) return;
      conversations[index] = { ...conversation, customer: next };
      emit({ type: 'conversation:updated', conversation: { ...conversation, customer: next } });
    });
    emit({ type: 'customer:updated', customer: next });
    return next;
  };
  const templateById = (templateId: string) => {
    const found = templates.find((t) => t.id === templateId);
    if (!found) throw new NotFoundError('Template', templateId);
    return found;
  };
  const inScope = (input: ReplyTemplateInput) =>
    input.channelIds === null ? channels : channels.filter((c) => input.channelIds?.includes(c.id));
  const byName = (a: ReplyTemplate, b: ReplyTemplate) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;

  return {
    moderateComment: (messageId: string, action: CommentAction) =>
      answer('moderateComment', [messageId, action], () => {
        const conversation = conversations.find((c) => deps.messagesOf(c.id).some((m) => m.id === messageId));
        const message = conversation && deps.messagesOf(conversation.id).find((m) => m.id === messageId);
        if (!conversation || !message) throw new NotFoundError('Message', messageId);
        assertModeratable(conversation, message, action);
        const at = now();
        const next: Message = {
          ...message,
          moderation: moderationAfter(message.moderation, action, at),
          updatedAt: at,
        };
        deps.storeMessage(next);
        return next;
      }),
    sendSurvey: (conversationId: string, draft: SurveyDraft) =>
      answer('sendSurvey', [conversationId, draft], () => {
        const conversation = conversations.find((c) => c.id === conversationId);
        if (!conversation) throw new NotFoundError('conversation', conversationId);
        const at = now();
        // The same rule as the server: Messenger threads, up to 7 days after the customer wrote.
        const window = surveyWindow(conversation, at);
        if (!window.canSend)
          throw window.reason === 'window_closed' || window.reason === 'no_customer_message'
            ? new WindowClosedError(window.text)
            : new RuleViolationError('survey_not_available', window.text);
        const { type } = parseOrThrow(surveyDraftSchema, draft, 'survey');
        const id = `survey_${nextId++}`;
        const message: Message = {
          id,
          conversationId,
          channelId: conversation.channelId,
          direction: 'outbound',
          text: 'How did we do?',
          attachments: [],
          reactions: [],
          delivery: 'sent',
          author: { kind: 'agent' },
          messagingType: window.messagingType,
          ...(window.messagingType === 'MESSAGE_TAG' ? { tag: window.tag } : {}),
          survey: {
            type,
            questionId: id,
            title: 'How did we do?',
            buttonTitle: 'Rate us',
            privacyUrl: 'https://example.com/privacy',
          },
          createdAt: at,
          updatedAt: at,
        };
        deps.storeMessage(message);
        return message;
      }),
    getCustomer: (customerId: string) => answer('getCustomer', [customerId], () => customerById(customerId)),
    blockCustomer: (customerId: string, blocked: boolean) =>
      answer('blockCustomer', [customerId, blocked], () => {
        const current = customerById(customerId);
        if (current.platform === 'instagram')
          throw new ValidationError('block customer', [
            { path: 'customerId', message: 'only Messenger customers can be blocked from a page' },
          ]);
        const { blocked: _was, ...rest } = current;
        return replaceCustomer(blocked ? { ...rest, blocked: { at: now() } } : rest);
      }),
    threadControl: (
      conversationId: string,
      action: 'take' | 'pass' | 'request' | 'check',
      options: { targetAppId?: string; metadata?: string } = {},
    ) =>
      answer('threadControl', [conversationId, action, options], () => {
        const index = conversations.findIndex((c) => c.id === conversationId);
        const conversation = conversations[index];
        if (!conversation) throw new NotFoundError('conversation', conversationId);
        const channel = channels.find((c) => c.id === conversation.channelId);
        if (
          conversation.source !== 'message' ||
          (conversation.platform === 'instagram' && action !== 'check')
        )
          throw new ValidationError('thread control', [
            { path: 'action', message: 'only Messenger conversations can take, pass or request the thread' },
          ]);
        if (action === 'pass' && !options.targetAppId)
          throw new ValidationError('thread control', [{ path: 'targetAppId', message: 'required to pass' }]);
        // Like Meta: a request changes nothing until the owner passes the thread; check reads it.
        if (action === 'request' || action === 'check') return conversation;
        const appId = action === 'take' ? (channel?.appId ?? null) : (options.targetAppId as string);
        const next = { ...conversation, threadOwner: { appId, since: now() }, updatedAt: now() };
        conversations[index] = next;
        emit({ type: 'conversation:updated', conversation: next });
        return next;
      }),
    updateCustomer: (customerId: string, patch: CustomerDetailsPatch) =>
      answer('updateCustomer', [customerId, patch], () => {
        const changes = parseOrThrow(customerDetailsPatchSchema, patch, 'customer details');
        const current = customerById(customerId);
        const details: Record<string, unknown> = { ...current.details, updatedAt: now() };
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) delete details[key];
          else if (value !== undefined) details[key] = value;
        }
        return replaceCustomer(parseOrThrow(customerSchema, { ...current, details }, 'customer'));
      }),
    listTemplates: (query: { channelId?: string } = {}) =>
      answer('listTemplates', [query], () =>
        templates
          .filter(
            (t) =>
              query.channelId === undefined ||
              t.channelIds === null ||
              t.channelIds.includes(query.channelId),
          )
          .sort(byName),
      ),
    createTemplate: (input: ReplyTemplateInput) =>
      answer('createTemplate', [input], () => {
        const parsed = parseOrThrow(replyTemplateInputSchema, input, 'reply template');
        const checked = checkTemplate(parsed, inScope(parsed));
        const at = now();
        const template: ReplyTemplate = { ...checked, id: `tpl_${nextId++}`, createdAt: at, updatedAt: at };
        templates.push(template);
        return template;
      }),
    updateTemplate: (templateId: string, patch: Partial<ReplyTemplateInput>) =>
      answer('updateTemplate', [templateId, patch], () => {
        const current = templateById(templateId);
        const { id: _id, createdAt: _c, updatedAt: _u, ...input } = current;
        const merged = { ...input, ...patch };
        const checked = checkTemplate(
          merged,
          inScope(parseOrThrow(replyTemplateInputSchema, merged, 'reply template')),
        );
        const next: ReplyTemplate = { ...current, ...checked, updatedAt: now() };
        templates[templates.indexOf(current)] = next;
        return next;
      }),
    deleteTemplate: (templateId: string) =>
      answer('deleteTemplate', [templateId], () => {
        templates.splice(templates.indexOf(templateById(templateId)), 1);
      }),
    async sendTemplate(conversationId: string, templateId: string): Promise<Message[]> {
      const drafts = await answer('sendTemplate', [conversationId, templateId], () => {
        const chosen = templateById(templateId);
        const conversation = conversations.find((c) => c.id === conversationId);
        if (!conversation) throw new NotFoundError('conversation', conversationId);
        if (chosen.channelIds !== null && !chosen.channelIds.includes(conversation.channelId))
          throw new RuleViolationError(
            'template_not_for_channel',
            `Template "${chosen.name}" is not meant for this conversation's channel`,
          );
        const channel = channels.find((c) => c.id === conversation.channelId);
        const parts = renderTemplate(chosen, templateContext({ customer: conversation.customer, channel }));
        return templateDrafts(parts);
      });
      const sent: Message[] = [];
      for (const draft of drafts) sent.push(...(await deps.sendMessage(conversationId, draft)));
      return sent;
    },
  };
}
