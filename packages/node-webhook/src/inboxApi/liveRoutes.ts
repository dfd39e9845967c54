import { type Conversation, type Message, ValidationError } from '@pagedesk/core';
import { createLiveViewer } from './access.js';
import { type Broadcaster, type LiveEventDraft, type LiveFanout, scopeFor, scopeOf } from './liveEvents.js';
import type { InboxApiOptions } from './options.js';
import { type InboxPrincipal, toPrincipal, UnauthorizedError } from './principal.js';
import type { Handlers, RouteDeps } from './routes.js';

// The live side of the API: inbox and channel changes become scoped live events on the fanout, the
// fanout's events reach this instance's broadcaster, and `GET /events` opens a stream that carries
// only what the principal sees.

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression middleware and proxies from buffering the stream.
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

type LiveDeps = Pick<RouteDeps, 'inbox' | 'store' | 'channels' | 'report'>;

/** A message event's scope: its channel, and the organisation of the conversation it belongs to. */
const messageScope = (message: Message, conversation: Conversation) =>
  scopeFor({ channelId: message.channelId, organizationId: conversation.organizationId });

/**
 * Publishes every change as a scoped live event and feeds the fanout into the broadcaster. Returns
 * `publish` (for routes that publish themselves, like typing) and `stop`.
 */
export function createLiveLink(deps: LiveDeps, fanout: LiveFanout, broadcaster: Broadcaster) {
  const { inbox, store, report } = deps;
  const stopFanout = fanout.subscribe((event, seq) => {
    // The fanout may call this from inside the inbox's own emit: a failure here must not reach it.
    try {
      // Fail closed: an event without a scope is numbered (replay stays unbroken) but shown to nobody.
      if (!scopeOf(event))
        report(
          new ValidationError(`live event ${event.type}`, [
            { path: 'scope', message: 'expected { channelId, organizationId? }; delivered to nobody' },
          ]),
          { during: 'live' },
        );
      broadcaster.broadcast(event, seq);
    } catch (error) {
      report(error, { during: 'live' });
    }
  }, broadcaster.reset);
  const publish = (event: LiveEventDraft) => {
    try {
      const result = fanout.publish(event);
      if (result && typeof result.then === 'function')
        result.then(undefined, (error: unknown) => report(error, { during: 'live' }));
    } catch (error) {
      report(error, { during: 'live' });
    }
  };
  // One subscription per event kind for the life of the API; browsers attach to the broadcaster, so
  // connecting and disconnecting never touches the inbox's listeners.
  const stops = [
    inbox.on('conversation:created', ({ conversation, customer }) =>
      publish({
        type: 'conversation:created',
        conversation: { ...conversation, customer },
        scope: scopeFor(conversation),
      }),
    ),
    inbox.on('conversation:updated', ({ conversation, customer }) =>
      publish({
        type: 'conversation:updated',
        conversation: { ...conversation, customer },
        scope: scopeFor(conversation),
      }),
    ),
    // A message is its conversation's: the organisation goes with it, so a page that later moves to
    // another organisation never replays this one's messages to the new one.
    inbox.on('message:created', ({ message, conversation }) =>
      publish({ type: 'message:created', message, scope: messageScope(message, conversation) }),
    ),
    inbox.on('message:updated', ({ message, conversation }) =>
      publish({ type: 'message:updated', message, scope: messageScope(message, conversation) }),
    ),
    // A change stored without its event (a store read failed after the commit): the browsers that see
    // the channel refetch. Through the fanout, so browsers on every server hear of it, and numbered,
    // so one that resumes from before it refetches too.
    inbox.on('channel:stale', ({ channelId, organizationId }) =>
      publish({ type: 'reset', scope: scopeFor({ channelId, organizationId }) }),
    ),
    inbox.on('channel:updated', ({ channel }) =>
      publish({ type: 'channel:updated', channel, scope: scopeFor({ ...channel, channelId: channel.id }) }),
    ),
    // A profile looked up after the first message (name, avatar) must replace "Unknown customer" in open
    // inboxes: republish the customer's current conversations with the new customer attached.
    inbox.on('customer:updated', ({ customer }) => {
      // The customer itself, for customer panels (details agents edited, a new avatar)...
      publish({ type: 'customer:updated', customer, scope: scopeFor(customer) });
      // ...and the conversations that show it, for lists and headers.
      const sources = ['message', 'comment'] as const;
      Promise.all(
        sources.map((source) =>
          store.conversations.findLatest({ channelId: customer.channelId, customerId: customer.id, source }),
        ),
      ).then(
        (found) => {
          for (const conversation of found)
            if (conversation)
              publish({
                type: 'conversation:updated',
                conversation: { ...conversation, customer },
                scope: scopeFor(conversation),
              });
        },
        (error: unknown) => report(error, { during: 'live' }),
      );
    }),
  ];
  // History arrives without per-message events; browsers that see the channel refetch their lists.
  if (deps.channels)
    stops.push(
      // A purged channel leaves every inbox that showed it (those browsers get a reset and refetch).
      deps.channels.on('channel:purged', ({ channel }) =>
        publish({
          type: 'channel:purged',
          channelId: channel.id,
          scope: scopeFor({ ...channel, channelId: channel.id }),
        }),
      ),
      deps.channels.on('history:imported', ({ channel, conversations, messages }) =>
        publish({
          type: 'history:imported',
          channelId: channel.id,
          conversations,
          messages,
          scope: scopeFor({ ...channel, channelId: channel.id }),
        }),
      ),
    );
  return {
    publish,
    stop() {
      for (const stop of stops) stop();
      stopFanout();
    },
  };
}

/** The principal of the request now, or null when the host says nobody is signed in (or fails). */
const principalNow = async (authorize: InboxApiOptions['authorize'], request: Request) => {
  try {
    return toPrincipal(await authorize(request, { route: 'subscribe', action: 'read', params: {} }));
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    return null;
  }
};

/**
 * `GET /events`: the principal's stream, resumed from Last-Event-ID with only what it sees. The host's
 * `authorize` is asked again while it is open (see `reauthorizeMs`).
 */
export function liveRoutes(broadcaster: Broadcaster, authorize: InboxApiOptions['authorize']) {
  return {
    subscribe: {
      access: 'read',
      async run({ request, url, access }) {
        // EventSource sends Last-Event-ID itself when it reconnects; a fresh EventSource cannot set
        // headers, so the client passes it in the query instead.
        const lastEventId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
        // Channel changes broadcast while the visible channels are read are applied on connect.
        const since = broadcaster.position;
        const viewer = createLiveViewer(access.principal, await access.visibleChannels());
        const principal: InboxPrincipal = access.principal;
        const reauthorize = () => principalNow(authorize, request);
        return new Response(
          broadcaster.connect(lastEventId, request.signal, viewer, { since, principal, reauthorize }),
          { headers: SSE_HEADERS },
        );
      },
    },
  } satisfies Partial<Handlers>;
}
