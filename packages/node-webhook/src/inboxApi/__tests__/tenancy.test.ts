import type { Channel, ConversationWithCustomer, Inbox, Paged } from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInboxApi, type InboxApi, type InboxApiRoute } from '../index.js';
import { eventsOf, message, readFrames, serve } from './helpers.js';
import {
  ACME,
  ACME_HIDDEN,
  ACME_OPEN,
  authorizeByHeader,
  directory,
  forbiddenWords,
  GLOBEX_OPEN,
  onPage,
  principals,
  tenantInbox,
} from './tenants.js';

// Organisations over real HTTP on 127.0.0.1: every route × (own, other organisation's, hidden
// channel's) resource × (admin, agent) answers the expected status, and no answer ever holds a word of
// what the principal may not see.

let inbox: Inbox;
let api: InboxApi;
let server: Awaited<ReturnType<typeof serve>>;
const connected: Array<[string, string[], { organizationId?: string }]> = [];

/** `Channels` over the real store: enough for every route to succeed when it is allowed. */
function storeChannels(target: Inbox): Channels {
  const { store } = target;
  const existing = async (id: string) => (await store.channels.get(id)) as Channel;
  return {
    list: () => store.channels.list(),
    get: existing,
    async send(conversationId, draft) {
      const conversation = await store.conversations.get(conversationId);
      return [
        message(100, conversationId, {
          id: `sent-${conversationId}`,
          channelId: conversation?.channelId ?? '',
          direction: 'outbound',
          ...(draft.text === undefined ? {} : { text: draft.text }),
          author: { kind: 'agent', ...(draft.agentId === undefined ? {} : { agentId: draft.agentId }) },
        }),
      ];
    },
    retry: async (id) => (await store.messages.get(id))!,
    setBlocked: (id, blocked) => target.recordBlocked(id, blocked ? { at: 1 } : null),
    threadControl: (id) => target.recordThreadOwner(id, { appId: null, since: 1 }),
    async sendSurvey(conversationId, draft, by) {
      const conversation = await store.conversations.get(conversationId);
      return message(100, conversationId, {
        id: `survey-${conversationId}`,
        channelId: conversation?.channelId ?? '',
        direction: 'outbound',
        text: draft.type,
        author: { kind: 'agent', ...(by?.agentId === undefined ? {} : { agentId: by.agentId }) },
      });
    },
    moderateComment: (id, action, options) => target.recordModeration(id, action, options?.agentId),
    setTyping: async () => {},
    markSeen: async () => {},
    updateSettings: async (id, settings) => {
      const current = await existing(id);
      return target.updateChannel({ ...current, settings: { ...current.settings, ...settings } });
    },
    action: existing,
    listConnectablePages: async () => [
      { id: 'page-new', name: 'New page', platform: 'messenger', tasks: ['MESSAGING'], connected: false },
    ],
    async connect(token: string, pageIds: string[], options?: { organizationId?: string }) {
      connected.push([token, pageIds, options ?? {}]);
      return [];
    },
    on: () => () => {},
  } as Channels;
}

const asPrincipal = (name: keyof typeof principals) => ({ 'x-principal': name });

beforeAll(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({
    inbox,
    channels: storeChannels(inbox),
    heartbeatMs: 0,
    authorize: authorizeByHeader,
    agents: (principal) => directory[principal.organizationId ?? ''] ?? [],
    media: {
      put: async (key) => `/media/${key}`,
      get: async () => ({ bytes: new Uint8Array([0xff, 0xd8, 0xff]), contentType: 'image/jpeg' }),
    },
  });
  server = await serve(api);
});
afterAll(async () => {
  api.close();
  await server.close();
});

async function call(
  who: keyof typeof principals,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...asPrincipal(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

/** Every route that reaches one resource, with a request that succeeds when it is allowed. */
const resourceRoutes: Array<{
  route: InboxApiRoute;
  method: string;
  path: (page: string) => string;
  body?: unknown;
  ok: number;
  adminOnly?: boolean;
}> = [
  {
    route: 'getConversation',
    method: 'GET',
    path: (p) => `/conversations/${onPage(p).conversationId}`,
    ok: 200,
  },
  {
    route: 'updateConversation',
    method: 'PATCH',
    path: (p) => `/conversations/${onPage(p).conversationId}`,
    body: { read: true },
    ok: 200,
  },
  {
    route: 'listMessages',
    method: 'GET',
    path: (p) => `/conversations/${onPage(p).conversationId}/messages`,
    ok: 200,
  },
  {
    route: 'sendMessage',
    method: 'POST',
    path: (p) => `/conversations/${onPage(p).conversationId}/messages`,
    body: { text: 'Hello' },
    ok: 201,
  },
  {
    route: 'setTyping',
    method: 'POST',
    path: (p) => `/conversations/${onPage(p).conversationId}/typing`,
    body: { on: true },
    ok: 204,
  },
  { route: 'retryMessage', method: 'POST', path: (p) => `/messages/${onPage(p).messageId}/retry`, ok: 200 },
  {
    route: 'threadControl',
    method: 'POST',
    path: (p) => `/conversations/${onPage(p).conversationId}/thread`,
    body: { action: 'check' },
    ok: 200,
  },
  { route: 'getMedia', method: 'GET', path: (p) => `/media/${p}/m_1/0.jpg`, ok: 200 },
  {
    route: 'sendSurvey',
    method: 'POST',
    path: (p) => `/conversations/${onPage(p).conversationId}/survey`,
    body: { type: 'csat' },
    ok: 201,
  },
  {
    route: 'moderateComment',
    method: 'POST',
    path: (p) => `/messages/${onPage(p).messageId}/moderation`,
    body: { action: 'hide' },
    ok: 200,
  },
  {
    route: 'blockCustomer',
    method: 'POST',
    path: (p) => `/customers/${onPage(p).customerId}/block`,
    body: { blocked: false },
    ok: 200,
  },
  { route: 'getCustomer', method: 'GET', path: (p) => `/customers/${onPage(p).customerId}`, ok: 200 },
  {
    route: 'updateCustomer',
    method: 'PATCH',
    path: (p) => `/customers/${onPage(p).customerId}`,
    body: { notes: 'Prefers email' },
    ok: 200,
  },
  {
    route: 'updateChannelSettings',
    method: 'PATCH',
    path: (p) => `/channels/${p}/settings`,
    body: { humanAgent: true },
    ok: 200,
    adminOnly: true,
  },
  {
    route: 'channelAction',
    method: 'POST',
    path: (p) => `/channels/${p}/actions`,
    body: { action: 'check' },
    ok: 200,
    adminOnly: true,
  },
];

type Whose = 'own' | 'other organisation' | 'hidden channel';
const pageOf: Record<Whose, string> = {
  own: ACME_OPEN,
  'other organisation': GLOBEX_OPEN,
  'hidden channel': ACME_HIDDEN,
};

function expected(who: 'acmeAdmin' | 'acmeAgent', whose: Whose, row: (typeof resourceRoutes)[number]) {
  if (whose === 'other organisation') return 404;
  if (whose === 'hidden channel' && who === 'acmeAgent') return 404;
  if (row.adminOnly && who === 'acmeAgent') return 403;
  return row.ok;
}

const table = resourceRoutes.flatMap((row) =>
  (['acmeAdmin', 'acmeAgent'] as const).flatMap((who) =>
    (['own', 'other organisation', 'hidden channel'] as const).map(
      (whose) => [row.route, who, whose, expected(who, whose, row), row] as const,
    ),
  ),
);

describe('every route × resource × role', () => {
  it.each(table)('%s as %s on the %s resource → %i', async (_route, who, whose, status, row) => {
    const path = row.path(pageOf[whose]);
    const answer = await call(who, row.method, path, row.body);
    expect(answer.status).toBe(status);
    // The 404 names the id the caller sent (its own input, no news to it); nothing else may leak, and
    // the answer is the same as for an id that exists nowhere.
    const requested = decodeURIComponent(path.split('/')[2] ?? '');
    const echo = (text: string, id: string) => text.replaceAll(id, '<requested>');
    expect(echo(answer.text, requested)).not.toMatch(forbiddenWords(principals[who]));
    if (status === 404) {
      const missing = await call(who, row.method, path.replace(requested, 'nothing-here'), row.body);
      expect(echo(answer.text, requested)).toBe(echo(missing.text, 'nothing-here'));
    }
  });

  it('checks visibility before the body, the role and the channels (404 never becomes 400, 403 or 501)', async () => {
    const foreign = onPage(GLOBEX_OPEN).conversationId;
    expect((await call('acmeAdmin', 'POST', `/conversations/${foreign}/messages`, '{not json')).status).toBe(
      404,
    );
    expect(
      (await call('acmeAgent', 'PATCH', `/channels/${GLOBEX_OPEN}/settings`, { textMaxLength: -1 })).status,
    ).toBe(404);
    const bare = createInboxApi({ inbox, authorize: () => principals.acmeAdmin });
    const typing = await bare.fetch(
      new Request(`http://h.test/conversations/${foreign}/typing`, { method: 'POST', body: '{"on":true}' }),
    );
    expect(typing.status).toBe(404);
    bare.close();
  });
});

describe('lists, search, agents and connecting are scoped', () => {
  const conversationsOf = async (who: keyof typeof principals, query = '') => {
    const answer = await call(who, 'GET', `/conversations${query}`);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toMatch(forbiddenWords(principals[who]));
    return (JSON.parse(answer.text) as Paged<ConversationWithCustomer>).items.map((c) => c.channelId).sort();
  };

  it('lists only the visible channels and their conversations', async () => {
    expect(await conversationsOf('acmeAdmin')).toEqual([ACME_HIDDEN, ACME_OPEN]);
    expect(await conversationsOf('acmeAgent')).toEqual([ACME_OPEN]);
    expect(await conversationsOf('globexAgent')).toEqual([GLOBEX_OPEN]);
    // Filters and search cannot reach outside.
    expect(await conversationsOf('acmeAgent', `?channelId=${GLOBEX_OPEN}`)).toEqual([]);
    expect(await conversationsOf('acmeAgent', `?channelId=${ACME_HIDDEN}`)).toEqual([]);
    expect(await conversationsOf('acmeAdmin', '?search=globex')).toEqual([]);
    expect(await conversationsOf('acmeAgent', '?search=hidden')).toEqual([]);
    // A customer's thread and the message-body search stay inside the same bounds.
    const thread = (page: string) => `?channelId=${page}&customerId=${onPage(page).customerId}`;
    expect(await conversationsOf('acmeAgent', thread(GLOBEX_OPEN))).toEqual([]);
    expect(await conversationsOf('acmeAgent', thread(ACME_HIDDEN))).toEqual([]);
    expect(await conversationsOf('acmeAgent', `?customerId=${onPage(GLOBEX_OPEN).customerId}`)).toEqual([]);
    expect(await conversationsOf('acmeAgent', thread(ACME_OPEN))).toEqual([ACME_OPEN]);
    expect(await conversationsOf('acmeAdmin', '?search=text%20of')).toEqual([ACME_HIDDEN, ACME_OPEN]);
    expect(await conversationsOf('acmeAgent', '?search=text%20of')).toEqual([ACME_OPEN]);
    expect(await conversationsOf('globexAgent', '?search=text%20of')).toEqual([GLOBEX_OPEN]);
    for (const who of Object.keys(principals) as Array<keyof typeof principals>) {
      const channels = await call(who, 'GET', '/channels');
      expect(channels.text).not.toMatch(forbiddenWords(principals[who]));
    }
    const ids = (text: string) => (JSON.parse(text) as Channel[]).map((c) => c.id).sort();
    expect(ids((await call('acmeAgent', 'GET', '/channels')).text)).toEqual([ACME_OPEN]);
    expect(ids((await call('acmeAdmin', 'GET', '/channels')).text)).toEqual([ACME_HIDDEN, ACME_OPEN]);
  });

  it('gives the agent directory the principal, and lets only admins connect, for their organisation', async () => {
    expect(JSON.parse((await call('globexAgent', 'GET', '/agents')).text)).toEqual(directory['org-globex']);
    expect(
      (await call('acmeAgent', 'POST', '/connect', { userAccessToken: 't', pageIds: ['p'] })).status,
    ).toBe(403);
    expect((await call('acmeAgent', 'POST', '/connect/pages', { userAccessToken: 't' })).status).toBe(403);
    expect((await call('acmeAdmin', 'POST', '/connect/pages', { userAccessToken: 't' })).status).toBe(200);
    expect(
      (await call('acmeAdmin', 'POST', '/connect', { userAccessToken: 't', pageIds: ['p'] })).status,
    ).toBe(200);
    expect(connected).toEqual([['t', ['p'], { organizationId: ACME }]]);
  });

  it('assigns only agents of the organisation who work the conversation’s page', async () => {
    const open = `/conversations/${onPage(ACME_OPEN).conversationId}`;
    const hidden = `/conversations/${onPage(ACME_HIDDEN).conversationId}`;
    const foreign = await call('acmeAdmin', 'PATCH', open, { assigneeId: 'agent-globex-1' });
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('agent-globex-1 is not an agent of this organisation');
    const offPage = await call('acmeAdmin', 'PATCH', hidden, { assigneeId: 'agent-acme-1' });
    expect(offPage.status).toBe(400);
    expect(offPage.text).toContain('agent-acme-1 does not work this channel');
    const ok = await call('acmeAdmin', 'PATCH', hidden, { assigneeId: 'agent-acme-2' });
    expect(JSON.parse(ok.text).assigneeId).toBe('agent-acme-2');
    expect((await call('acmeAdmin', 'PATCH', hidden, { assigneeId: null })).status).toBe(200);
  });

  it('signs sent messages with the principal agent, whatever the browser claims', async () => {
    const answer = await call(
      'acmeAgent',
      'POST',
      `/conversations/${onPage(ACME_OPEN).conversationId}/messages`,
      {
        text: 'Hi',
        agentId: 'agent-globex-1',
      },
    );
    expect(JSON.parse(answer.text).messages[0].author.agentId).toBe('agent-acme-1');
  });

  it('lets a send attach only uploads of its own organisation', async () => {
    const upload = async (who: keyof typeof principals) => {
      const response = await fetch(`${server.base}/uploads`, {
        method: 'POST',
        headers: { ...asPrincipal(who), 'content-type': 'text/plain', 'x-file-name': 'note.txt' },
        body: `written by ${who}`,
      });
      expect(response.status).toBe(201);
      return response.json() as Promise<{
        id: string;
        name: string;
        type: string;
        size: number;
        url: string;
      }>;
    };
    const acmeFile = await upload('acmeAgent');
    const globexFile = await upload('globexAgent');
    const path = `/conversations/${onPage(ACME_OPEN).conversationId}/messages`;
    const own = await call('acmeAgent', 'POST', path, { attachments: [acmeFile] });
    expect(own.status).toBe(201);
    const stolen = await call('acmeAgent', 'POST', path, { attachments: [globexFile] });
    expect(stolen.status).toBe(404);
    expect(stolen.text.replaceAll(globexFile.id, '')).not.toMatch(/globex/i);
  });
});

describe('live stream', () => {
  it('carries only what each principal sees, follows agentIds changes, and replays scoped', async () => {
    const open = (who: keyof typeof principals, lastEventId?: string) =>
      fetch(`${server.base}/events`, {
        headers: { ...asPrincipal(who), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      });
    const streams = await Promise.all(
      (['acmeAdmin', 'acmeAgent', 'globexAdmin'] as const).map(async (who) => {
        const response = await open(who);
        return { who, reading: readFrames(response.body!, (f) => f.some((x) => x.includes('"done"')), 4000) };
      }),
    );
    await vi.waitFor(() => expect(api.liveConnections).toBe(3));
    for (const page of [ACME_OPEN, ACME_HIDDEN, GLOBEX_OPEN])
      await inbox.assign(onPage(page).conversationId, 'x');
    // The admin gives agent-acme-1 the hidden page: its stream resets (refetch), then carries the page.
    const hidden = (await inbox.store.channels.get(ACME_HIDDEN))!;
    await inbox.updateChannel({ ...hidden, settings: { ...hidden.settings, agentIds: ['agent-acme-1'] } });
    await inbox.assign(onPage(ACME_HIDDEN).conversationId, 'done');
    await inbox.assign(onPage(GLOBEX_OPEN).conversationId, 'done');
    const got = Object.fromEntries(
      await Promise.all(streams.map(async ({ who, reading }) => [who, eventsOf(await reading)] as const)),
    );
    const channelsIn = (events: ReturnType<typeof eventsOf>) =>
      events.map((e) =>
        e.event === 'reset'
          ? 'reset'
          : `${e.event} ${(e.data['conversation'] as { channelId?: string } | undefined)?.channelId ?? (e.data['channel'] as { id?: string } | undefined)?.id}`,
      );
    expect(channelsIn(got['acmeAdmin']!)).toEqual([
      `conversation:updated ${ACME_OPEN}`,
      `conversation:updated ${ACME_HIDDEN}`,
      `channel:updated ${ACME_HIDDEN}`,
      `conversation:updated ${ACME_HIDDEN}`,
    ]);
    expect(channelsIn(got['acmeAgent']!)).toEqual([
      `conversation:updated ${ACME_OPEN}`,
      'reset',
      `conversation:updated ${ACME_HIDDEN}`,
    ]);
    expect(channelsIn(got['globexAdmin']!)).toEqual([
      `conversation:updated ${GLOBEX_OPEN}`,
      `conversation:updated ${GLOBEX_OPEN}`,
    ]);
    for (const who of ['globexAdmin'] as const)
      expect(JSON.stringify(got[who])).not.toMatch(forbiddenWords(principals[who]));

    // Replay after a reconnect: from the first id, Globex gets only its own events back.
    const first = got['acmeAdmin']![0]!.id;
    const replay = await open('globexAdmin', first);
    const replayed = eventsOf(
      await readFrames(replay.body!, (f) => f.filter((x) => x.includes('data: ')).length >= 2),
    );
    expect(channelsIn(replayed)).toEqual([
      `conversation:updated ${GLOBEX_OPEN}`,
      `conversation:updated ${GLOBEX_OPEN}`,
    ]);
    await inbox.updateChannel(hidden);
  });
});

describe('live stream while it connects', () => {
  it('applies a channel change made while the visible channels are read (reset, then nothing of it)', async () => {
    const target = await tenantInbox();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowStore = {
      ...target.store,
      channels: {
        ...target.store.channels,
        // The stream's read of the visible channels waits until the admin's change is broadcast.
        list: async (filter?: { organizationId?: string | null }) => {
          const channels = await target.store.channels.list(filter);
          await gate;
          return channels;
        },
      },
    };
    const local = createInboxApi({
      inbox: { ...target, store: slowStore } as Inbox,
      heartbeatMs: 0,
      authorize: () => principals.acmeAgent,
    });
    const opening = local.fetch(new Request('http://h.test/events'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The admin limits the open page to someone else while the agent's stream is being opened.
    const open = (await target.store.channels.get(ACME_OPEN))!;
    await target.updateChannel({ ...open, settings: { ...open.settings, agentIds: ['agent-acme-2'] } });
    release();
    const response = await opening;
    const reading = readFrames(response.body!, (frames) => frames.some((f) => f.includes('"done"')));
    await target.assign(onPage(ACME_OPEN).conversationId, 'not for agent-acme-1');
    const hidden = (await target.store.channels.get(ACME_HIDDEN))!;
    await target.updateChannel({ ...hidden, settings: { ...hidden.settings, agentIds: ['agent-acme-1'] } });
    await target.assign(onPage(ACME_HIDDEN).conversationId, 'done');
    const events = eventsOf(await reading).map((e) => e.event);
    expect(events).toEqual(['reset', 'reset', 'conversation:updated']);
    local.close();
  });
});

describe('history imports and channel changes on the live stream', () => {
  it('reach the browsers that see the channel, and only those', async () => {
    const target = await tenantInbox();
    const historyListeners: Array<
      (payload: { channel: Channel; conversations: number; messages: number }) => void
    > = [];
    const purgeListeners: Array<(payload: { channel: Channel }) => void> = [];
    const channels = {
      ...storeChannels(target),
      on: (event: string, listener: never) => {
        if (event === 'history:imported') historyListeners.push(listener);
        if (event === 'channel:purged') purgeListeners.push(listener);
        return () => {};
      },
    } as Channels;
    const local = createInboxApi({ inbox: target, channels, heartbeatMs: 0, authorize: authorizeByHeader });
    const streams = await Promise.all(
      (['acmeAdmin', 'acmeAgent', 'globexAgent'] as const).map(async (who) => {
        const response = await local.fetch(
          new Request('http://h.test/events', { headers: asPrincipal(who) }),
        );
        return [who, readFrames(response.body!, (f) => f.some((x) => x.includes('"last"')))] as const;
      }),
    );
    const globex = (await target.store.channels.get(GLOBEX_OPEN))!;
    const hidden = (await target.store.channels.get(ACME_HIDDEN))!;
    for (const listener of historyListeners) {
      listener({ channel: globex, conversations: 4, messages: 12 });
      listener({ channel: hidden, conversations: 2, messages: 5 });
    }
    // Purging Acme's hidden page: the browsers that showed it reset (refetch); nobody else hears of it.
    for (const listener of purgeListeners) listener({ channel: hidden });
    // A channel change (status, name) travels as channel:updated, scoped the same way.
    await target.updateChannel({ ...globex, name: 'Globex renamed' });
    // The end marker every stream sees: an Acme-wide open page for Acme, Globex's for Globex.
    await target.assign(onPage(ACME_OPEN).conversationId, 'last');
    await target.assign(onPage(GLOBEX_OPEN).conversationId, 'last');
    const seen = Object.fromEntries(
      await Promise.all(
        streams.map(async ([who, reading]) => [
          who,
          eventsOf(await reading).map((e) =>
            e.event === 'reset'
              ? 'reset'
              : `${e.event} ${String(e.data['channelId'] ?? (e.data['channel'] as Channel | undefined)?.id ?? (e.data['conversation'] as { channelId: string }).channelId)}`,
          ),
        ]),
      ),
    );
    expect(seen['acmeAdmin']).toEqual([
      `history:imported ${ACME_HIDDEN}`,
      'reset',
      `conversation:updated ${ACME_OPEN}`,
    ]);
    expect(seen['acmeAgent']).toEqual([`conversation:updated ${ACME_OPEN}`]);
    expect(seen['globexAgent']).toEqual([
      `history:imported ${GLOBEX_OPEN}`,
      `channel:updated ${GLOBEX_OPEN}`,
      `conversation:updated ${GLOBEX_OPEN}`,
    ]);
    local.close();
  });
});

describe('archived media', () => {
  it("never reaches another organisation's file through a key part that decodes to a path", async () => {
    // A store that reads keys as URL paths (a bucket or CDN behind HTTP): to it `a/../b` is `b`.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff]);
    const files = new Map([
      [`${ACME_OPEN}/m_1/0.jpg`, jpeg],
      [`${GLOBEX_OPEN}/m_1/0.jpg`, jpeg],
    ]);
    const bucket = createInboxApi({
      inbox,
      heartbeatMs: 0,
      authorize: authorizeByHeader,
      media: {
        put: async (key) => `/media/${key}`,
        get: async (key) => {
          const bytes = files.get(new URL(key, 'https://bucket.test/').pathname.slice(1));
          return bytes && { bytes, contentType: 'image/jpeg' };
        },
      },
    });
    const bucketServer = await serve(bucket);
    const get = async (path: string) =>
      (await fetch(`${bucketServer.base}/media/${path}`, { headers: asPrincipal('acmeAgent') })).status;
    try {
      expect(await get(`${ACME_OPEN}/m_1/0.jpg`)).toBe(200);
      // Each reaches Globex's file in this store; Acme's agent sees only its own channel's folder.
      expect(await get(`${ACME_OPEN}/..%2F${GLOBEX_OPEN}%2Fm_1/0.jpg`)).toBe(404);
      expect(await get(`${ACME_OPEN}/m_1/..%2F..%2F${GLOBEX_OPEN}%2Fm_1%2F0.jpg`)).toBe(404);
      expect(await get(`${ACME_OPEN}/..%5C${GLOBEX_OPEN}%5Cm_1/0.jpg`)).toBe(404);
    } finally {
      bucket.close();
      await bucketServer.close();
    }
  });
});
