import { NotFoundError, ValidationError } from '../errors.js';
import { createBlocking } from './blocking.js';
import { createChannelContext } from './channelContext.js';
import { createChannelLifecycle } from './channelLifecycle.js';
import type { ChannelsOptions, ServerChannels } from './channels.types.js';
import { createConnect } from './connect.js';
import { createHistoryImport } from './history.js';
import { createInstagramConnect } from './instagramChannels.js';
import { createModeration } from './moderation.js';
import { createPersonas } from './personas.js';
import { createProfiles } from './profiles.js';
import { createSendPath } from './sendPath.js';
import { createThreadControl } from './threadControl.js';

/** How long a message may stay `pending` before start-up recovery calls it interrupted. */
const RECOVER_AFTER_MS = 2 * 60 * 1000;

// `createChannels` puts the parts together: the send path (sendPath.ts), the channel lifecycle
// (channelLifecycle.ts), connecting (connect.ts), profiles (profiles.ts) and history (history.ts),
// all over one shared context (channelContext.ts).

/**
 * Every connected channel of a host, and the send path: window and rules first, then every part
 * recorded `pending`, then Meta, then `sent` or `failed` with a typed reason. Also connects pages,
 * checks tokens and subscriptions, looks up customer profiles and imports history.
 *
 * One `createChannels()` serves every organisation of a host: `connect(token, pageIds, {
 * organizationId })` records the organisation on each channel, and a page belongs to one organisation
 * at a time (`ChannelConflictError` otherwise, until `purge`). `createChannels({ organizationId })`
 * sets the default for a host with one organisation.
 *
 * @example
 * const channels = createChannels({ store, inbox, apps: { [appId]: { appSecret } } });
 * await channels.connect(userAccessToken, ['PAGE_ID'], { organizationId: 'org_a' });
 * const [message] = await channels.send(conversationId, { text: 'Hello!' });
 */
export function createChannels(options: ChannelsOptions): ServerChannels {
  const { store, inbox } = options;
  if (!store || !inbox)
    throw new ValidationError('channels options', [{ path: store ? 'inbox' : 'store', message: 'required' }]);
  if (!options.graph && Object.keys(options.apps ?? {}).length === 0)
    throw new ValidationError('channels options', [
      { path: 'apps', message: 'give apps or a graph factory' },
    ]);
  const ctx = createChannelContext(options);
  const personas = createPersonas(ctx);
  const sendPath = createSendPath(ctx, personas);
  const { refreshProfile } = createProfiles(ctx);
  const importHistory = createHistoryImport(ctx, refreshProfile);
  const lifecycle = createChannelLifecycle(ctx);
  const { listConnectablePages, connect } = createConnect(ctx, lifecycle, importHistory);
  const connectInstagram = createInstagramConnect(ctx, importHistory);
  const { getChannel, emitter } = ctx;
  const { send, retry, senderAction } = sendPath;

  const unsubscribeInbox = inbox.on('customer:created', ({ customer }) => {
    if (customer.profileStatus !== 'fetched') ctx.track(refreshProfile(customer.id));
  });
  // Every host and every server recovers what a crash left `pending`, without having to remember to.
  // Only messages pending for longer than any send takes: another live server may be sending the
  // newer ones. A second pass once that age has passed catches what was pending at the crash.
  if (options.recoverPendingOnStart !== false) {
    const recover = () => ctx.track(sendPath.recoverPending({ olderThanMs: RECOVER_AFTER_MS }));
    recover();
    ctx.timers.add(ctx.setTimer(recover, RECOVER_AFTER_MS));
  }

  const channels: ServerChannels = {
    async list(filter) {
      if (filter?.organizationId !== undefined) return store.channels.list(filter);
      const all = await store.channels.list();
      return options.organizationId
        ? all.filter((c) => c.organizationId === undefined || c.organizationId === options.organizationId)
        : all;
    },
    get: getChannel,
    send,
    retry,
    moderateComment: createModeration(ctx),
    threadControl: createThreadControl(ctx),
    sendSurvey: sendPath.sendSurvey,
    setBlocked: createBlocking(ctx),
    setTyping: (conversationId, on) => senderAction(conversationId, on ? 'typing_on' : 'typing_off'),
    markSeen: (conversationId) => senderAction(conversationId, 'mark_seen'),
    updateSettings: lifecycle.updateSettings,
    action: lifecycle.action,
    listConnectablePages,
    connect,
    connectInstagram,
    purge: lifecycle.purge,
    on(event, listener) {
      emitter.on(event, listener as never);
      return () => {
        emitter.off(event, listener as never);
      };
    },
    channel(channelId) {
      return {
        id: channelId,
        get: () => getChannel(channelId),
        async send(conversationId, draft) {
          const conversation = await store.conversations.get(conversationId);
          if (!conversation || conversation.channelId !== channelId)
            throw new NotFoundError('Conversation', conversationId);
          return send(conversationId, draft);
        },
        async retry(messageId, retryOptions) {
          const message = await store.messages.get(messageId);
          if (!message || message.channelId !== channelId) throw new NotFoundError('Message', messageId);
          return retry(messageId, retryOptions);
        },
      };
    },
    check: lifecycle.check,
    reauthorize: lifecycle.reauthorize,
    resubscribe: lifecycle.resubscribe,
    recoverPending: sendPath.recoverPending,
    importHistory,
    refreshProfile: (customerId) => refreshProfile(customerId),
    graphFor: ctx.graphFor,
    idle: ctx.idle,
    close() {
      unsubscribeInbox();
      ctx.close();
    },
  };
  return channels;
}
