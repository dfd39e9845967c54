import {
  ChannelUnavailableError,
  type ConversationWithCustomer,
  deserializeError,
  GraphError,
  type Message,
  NotFoundError,
  type Paged,
  PermissionError,
  RateLimitError,
  RuleViolationError,
  TokenError,
  ValidationError,
  WindowClosedError,
} from '@pagedesk/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AuthorizeResult,
  createInboxApi,
  type InboxApi,
  type InboxApiOptions,
  type InboxApiRoute,
  memoryUploadStore,
} from '../index.js';
import { conversation, customer, fakeChannels, message, seededInbox } from './helpers.js';

const ORIGIN = 'http://helpdesk.test';
/** A single-tenant admin: sees every channel without an organisation (the seeded page-1). */
const admin = () => ({ role: 'admin' as const });

let api: InboxApi | undefined;
afterEach(() => api?.close());

async function setup(options: Partial<InboxApiOptions> = {}, count = 3) {
  const inbox = await seededInbox(count);
  const channels = fakeChannels();
  const onError = vi.fn();
  api = createInboxApi({ inbox, channels, onError, authorize: admin, ...options });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api!.fetch(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );
  return { inbox, channels, onError, api, call };
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: Parameters<typeof deserializeError>[0] };
  return body.error;
}

describe('createInboxApi options', () => {
  it('refuses bad options with a ValidationError naming the field', async () => {
    const inbox = await seededInbox(0);
    expect(() => createInboxApi({} as InboxApiOptions)).toThrow(/inbox/);
    const authorize = admin;
    expect(() => createInboxApi({ inbox, authorize, basePath: 'pagedesk/' })).toThrow(ValidationError);
    expect(() => createInboxApi({ inbox, authorize, basePath: '/pagedesk/' })).toThrow(/basePath/);
    expect(() => createInboxApi({ inbox, authorize, replayBuffer: -1 })).toThrow(/replayBuffer/);
    expect(() => createInboxApi({ inbox, authorize, publicUrl: 'not a url' })).toThrow(/publicUrl/);
    expect(() => createInboxApi({ inbox, authorize: 'yes' as never })).toThrow(/authorize/);
    // authorize is required: no API that lets everyone in by default.
    expect(() => createInboxApi({ inbox } as InboxApiOptions)).toThrow(ValidationError);
    expect(() => createInboxApi({ inbox } as InboxApiOptions)).toThrow(/authorize: required/);
  });
});

describe('conversations', () => {
  it('lists conversations joined with their customers, newest first', async () => {
    const { call } = await setup();
    const response = await call('GET', '/conversations');
    expect(response.status).toBe(200);
    const page = (await response.json()) as Paged<ConversationWithCustomer>;
    expect(page.items.map((c) => c.id)).toEqual(['conv-3', 'conv-2', 'conv-1']);
    expect(page.items[0]?.customer).toEqual(customer(3));
    expect(page.nextCursor).toBeNull();
  });

  it('pages with cursors until nextCursor is null', async () => {
    const { call } = await setup({}, 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = (await (
        await call('GET', `/conversations?limit=2${query}`)
      ).json()) as Paged<ConversationWithCustomer>;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(['conv-5', 'conv-4', 'conv-3', 'conv-2', 'conv-1']);
  });

  it('filters by status, assignee (null = unassigned) and unread', async () => {
    const { call, inbox } = await setup();
    await inbox.resolve('conv-1');
    await inbox.assign('conv-2', 'agent-7');
    const ids = async (query: string) =>
      (
        (await (await call('GET', `/conversations?${query}`)).json()) as Paged<ConversationWithCustomer>
      ).items.map((c) => c.id);
    expect(await ids('status=resolved')).toEqual(['conv-1']);
    expect(await ids('assigneeId=agent-7')).toEqual(['conv-2']);
    expect(await ids('assigneeId=null&status=open')).toEqual(['conv-3']);
    expect(await ids('assigneeId=&status=open')).toEqual(['conv-3']);
    await inbox.markRead('conv-3');
    expect(await ids('unread=true&status=open')).toEqual(['conv-2']);
  });

  it('answers 400 naming the wrong query field', async () => {
    const { call } = await setup();
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['status=closed', 'status'],
      ['platform=whatsapp', 'platform'],
      ['unread=perhaps', 'unread'],
    ] as const) {
      const response = await call('GET', `/conversations?${query}`);
      expect(response.status, query).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_input');
      expect(error.issues?.map((i) => i.path)).toContain(field);
    }
  });

  it('gets one conversation, 404 for an unknown one', async () => {
    const { call } = await setup();
    const found = (await (await call('GET', '/conversations/conv-2')).json()) as ConversationWithCustomer;
    expect(found).toMatchObject({ id: 'conv-2', customer: { id: 'page-1:psid-2' } });
    const missing = await call('GET', '/conversations/nope');
    expect(missing.status).toBe(404);
    expect(deserializeError(await errorOf(missing))).toBeInstanceOf(NotFoundError);
  });

  it('still lists a conversation whose customer is missing, and reports it', async () => {
    const { call, inbox, onError } = await setup({}, 0);
    await inbox.store.conversations.put(conversation(9));
    const page = (await (await call('GET', '/conversations')).json()) as Paged<ConversationWithCustomer>;
    expect(page.items[0]?.customer).toMatchObject({
      id: 'page-1:psid-9',
      psid: 'psid-9',
      profileStatus: 'unknown',
    });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'not_found' }), { during: 'join' });
  });

  it('resolves (recording the agent), reopens and assigns through the inbox', async () => {
    const { call } = await setup({ authorize: () => ({ role: 'admin', agentId: 'agent-ana' }) });
    const resolved = (await (
      await call('PATCH', '/conversations/conv-1', { status: 'resolved' })
    ).json()) as ConversationWithCustomer;
    expect(resolved).toMatchObject({
      id: 'conv-1',
      status: 'resolved',
      resolvedBy: 'agent-ana',
      customer: { id: 'page-1:psid-1' },
    });
    expect(resolved.resolvedAt).not.toBeNull();
    const reopened = (await (
      await call('PATCH', '/conversations/conv-1', { status: 'open' })
    ).json()) as ConversationWithCustomer;
    expect(reopened.status).toBe('open');
    const assigned = (await (
      await call('PATCH', '/conversations/conv-1', { assigneeId: 'agent-1' })
    ).json()) as ConversationWithCustomer;
    expect(assigned.assigneeId).toBe('agent-1');
    const unassigned = (await (
      await call('PATCH', '/conversations/conv-1', { assigneeId: null })
    ).json()) as ConversationWithCustomer;
    expect(unassigned.assigneeId).toBeNull();
  });

  it('marks read and tells Meta; a failed mark_seen does not fail the PATCH', async () => {
    const { call, channels, onError } = await setup();
    const read = (await (
      await call('PATCH', '/conversations/conv-1', { read: true })
    ).json()) as ConversationWithCustomer;
    expect(read.unreadCount).toBe(0);
    expect(channels.markSeen).toHaveBeenCalledWith('conv-1');

    channels.markSeen.mockRejectedValueOnce(new GraphError('Meta is down', { status: 500 }));
    const response = await call('PATCH', '/conversations/conv-2', { read: true });
    expect(response.status).toBe(200);
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'graph_error' }), {
        during: 'mark_seen',
        route: 'updateConversation',
      }),
    );
  });

  it('refuses a bad patch with 400 and a missing conversation with 404', async () => {
    const { call, inbox } = await setup();
    const bad = await call('PATCH', '/conversations/conv-1', { status: 'closed' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues?.[0]?.path).toBe('status');
    expect((await call('PATCH', '/conversations/conv-1', { read: false })).status).toBe(400);
    expect((await call('PATCH', '/conversations/conv-1', '{not json')).status).toBe(400);
    expect((await call('PATCH', '/conversations/conv-1', '')).status).toBe(400);
    expect((await call('PATCH', '/conversations/nope', { status: 'resolved' })).status).toBe(404);
    expect((await inbox.store.conversations.get('conv-1'))?.status).toBe('open');
  });
});

describe('messages', () => {
  it('lists messages newest first with a before cursor', async () => {
    const { call, inbox } = await setup();
    for (let n = 1; n <= 5; n++) await inbox.store.messages.put(message(n));
    const first = (await (
      await call('GET', '/conversations/conv-1/messages?limit=2')
    ).json()) as Paged<Message>;
    expect(first.items.map((m) => m.id)).toEqual(['msg-5', 'msg-4']);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await call(
        'GET',
        `/conversations/conv-1/messages?limit=2&before=${encodeURIComponent(first.nextCursor!)}`,
      )
    ).json()) as Paged<Message>;
    expect(second.items.map((m) => m.id)).toEqual(['msg-3', 'msg-2']);
    expect((await call('GET', '/conversations/nope/messages')).status).toBe(404);
    expect((await call('GET', '/conversations/conv-1/messages?limit=0')).status).toBe(400);
  });

  it('sends the validated draft through channels.send, the signed-in agent as author', async () => {
    const { call, channels } = await setup({ authorize: () => ({ agentId: 'agent-9', role: 'agent' }) });
    const response = await call('POST', '/conversations/conv-1/messages', {
      text: 'Hi there',
      clientId: 'tmp-1',
      agentId: 'someone-else',
      author: { kind: 'automation' },
      extra: 'dropped',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { messages: Message[] };
    expect(body.messages).toHaveLength(1);
    expect(channels.send).toHaveBeenCalledWith('conv-1', {
      text: 'Hi there',
      clientId: 'tmp-1',
      agentId: 'agent-9',
      author: { kind: 'agent', agentId: 'agent-9' },
    });
  });

  it('refuses an invalid draft before channels.send', async () => {
    const { call, channels } = await setup();
    const response = await call('POST', '/conversations/conv-1/messages', {
      text: 5,
      attachments: [{ id: 'x' }],
    });
    expect(response.status).toBe(400);
    const paths = (await errorOf(response)).issues?.map((i) => i.path);
    expect(paths).toContain('text');
    expect(paths?.some((p) => p.startsWith('attachments[0]'))).toBe(true);
    expect(channels.send).not.toHaveBeenCalled();
  });

  it('retries through channels.retry and sets typing through channels.setTyping', async () => {
    const { call, channels, inbox } = await setup();
    await inbox.store.messages.put(message(7));
    const retried = await call('POST', '/messages/msg-7/retry');
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as Message).id).toBe('msg-7');
    expect(channels.retry).toHaveBeenCalledWith('msg-7', {});
    expect((await call('POST', '/messages/msg-7/retry', { force: true })).status).toBe(200);
    expect(channels.retry).toHaveBeenLastCalledWith('msg-7', { force: true });
    expect((await call('POST', '/messages/msg-7/retry', { force: 'yes' })).status).toBe(400);
    const typing = await call('POST', '/conversations/conv-1/typing', { on: true });
    expect(typing.status).toBe(204);
    expect(channels.setTyping).toHaveBeenCalledWith('conv-1', true);
    expect((await call('POST', '/conversations/conv-1/typing', { on: 'yes' })).status).toBe(400);
  });

  it('answers 501 for sending and channel changes without channels, but still lists channels', async () => {
    const inbox = await seededInbox(1);
    await inbox.store.messages.put(message(1));
    api = createInboxApi({ inbox, authorize: admin });
    const post = (path: string, body: unknown) =>
      api!.fetch(new Request(`${ORIGIN}${path}`, { method: 'POST', body: JSON.stringify(body) }));
    const response = await post('/conversations/conv-1/messages', { text: 'hi' });
    expect(response.status).toBe(501);
    expect((await errorOf(response)).message).toMatch(/channels/);
    expect((await post('/messages/msg-1/retry', {})).status).toBe(501);
    expect((await post('/conversations/conv-1/typing', { on: true })).status).toBe(501);
    expect((await post('/channels/page-1/actions', { action: 'check' })).status).toBe(501);
    const list = await api.fetch(new Request(`${ORIGIN}/channels`));
    expect(((await list.json()) as Array<{ id: string }>).map((c) => c.id)).toEqual(['page-1']);
  });
});

describe('error mapping', () => {
  const cases: Array<[string, Error, number, string]> = [
    ['window closed', new WindowClosedError('Window closed', { closedAt: 5 }), 409, 'window_closed'],
    ['rule', new RuleViolationError('text_too_long', 'Too long', 2000), 422, 'rule_violation'],
    ['token', new TokenError('Token expired', 'expired', { graphCode: 190 }), 409, 'token_expired'],
    ['permission', new PermissionError('No permission', { graphCode: 200 }), 409, 'permission_denied'],
    ['channel', new ChannelUnavailableError('page-1', 'deactivated'), 409, 'channel_unavailable'],
    ['not found', new NotFoundError('Conversation', 'x'), 404, 'not_found'],
    ['rate limit', new RateLimitError('Slow down', { retryAfterMs: 2500 }), 429, 'rate_limited'],
    ['graph', new GraphError('Meta broke', { status: 500, fbtraceId: 'T1' }), 502, 'graph_error'],
  ];
  it.each(cases)('%s → %i with the typed error', async (_, error, status, code) => {
    const { call, channels } = await setup();
    channels.send.mockRejectedValueOnce(error);
    const response = await call('POST', '/conversations/conv-1/messages', { text: 'hi' });
    expect(response.status).toBe(status);
    const serialized = await errorOf(response);
    expect(serialized.code).toBe(code);
    expect(deserializeError(serialized)).toBeInstanceOf(error.constructor);
    if (status === 429) expect(response.headers.get('retry-after')).toBe('3');
  });

  it('answers an unknown failure 500 without its message and reports it', async () => {
    const { call, channels, onError } = await setup();
    channels.send.mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    const response = await call('POST', '/conversations/conv-1/messages', { text: 'hi' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('10.0.0.5');
    expect(JSON.parse(text).error).toMatchObject({ code: 'internal', message: 'Internal error' });
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.5:5432' }),
      {
        during: 'request',
        route: 'sendMessage',
      },
    );
  });

  it('logs to console.error when no onError is given', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const inbox = await seededInbox(1);
    const channels = fakeChannels();
    channels.retry.mockRejectedValueOnce(new Error('boom'));
    api = createInboxApi({ inbox, channels, authorize: admin });
    await inbox.store.messages.put(message(1));
    expect((await api.fetch(new Request(`${ORIGIN}/messages/msg-1/retry`, { method: 'POST' }))).status).toBe(
      500,
    );
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });

  it('answers 404 outside the routes, 405 with Allow for a wrong method, and honours basePath', async () => {
    const { call } = await setup({ basePath: '/pagedesk' });
    expect((await call('GET', '/conversations')).status).toBe(404);
    expect((await call('GET', '/pagedesk/nothing')).status).toBe(404);
    expect((await call('GET', '/pagedeskconversations')).status).toBe(404);
    const wrong = await call('DELETE', '/pagedesk/conversations/conv-1');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PATCH');
    expect((await call('GET', '/pagedesk/conversations')).status).toBe(200);
    expect((await call('GET', '/pagedesk/conversations/%E0%A4%A')).status).toBe(400);
  });

  it('answers 503 after close()', async () => {
    const { call, api: created } = await setup();
    created.close();
    const response = await call('GET', '/conversations');
    expect(response.status).toBe(503);
    expect((await errorOf(response)).retryable).toBe(true);
  });
});

describe('channels, connect and agents', () => {
  it('lists channels and changes settings and status through channels', async () => {
    const { call, channels } = await setup();
    expect(((await (await call('GET', '/channels')).json()) as unknown[]).length).toBe(1);
    const settings = await call('PATCH', '/channels/page-1/settings', {
      textMaxLength: 1600,
      humanAgent: false,
    });
    expect(settings.status).toBe(200);
    expect(channels.updateSettings).toHaveBeenCalledWith('page-1', {
      textMaxLength: 1600,
      humanAgent: false,
    });
    const bad = await call('PATCH', '/channels/page-1/settings', { textMaxLength: 5000 });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues?.[0]?.path).toBe('textMaxLength');
    const action = await call('POST', '/channels/page-1/actions', { action: 'deactivate' });
    expect(((await action.json()) as { status: string }).status).toBe('deactivated');
    expect(channels.action).toHaveBeenCalledWith('page-1', { action: 'deactivate' });
    expect((await call('POST', '/channels/page-1/actions', { action: 'explode' })).status).toBe(400);
    expect((await call('POST', '/channels/page-1/actions', { action: 'reauthorize' })).status).toBe(400);
    expect(channels.action).toHaveBeenCalledTimes(1);
  });

  it('lists connectable pages and connects them; a refused body never echoes the token', async () => {
    const { call, channels } = await setup();
    const pages = await call('POST', '/connect/pages', { userAccessToken: 'EAAtoken' });
    expect(((await pages.json()) as Array<{ id: string }>)[0]?.id).toBe('page-2');
    expect(channels.listConnectablePages).toHaveBeenCalledWith('EAAtoken', {});
    const connected = await call('POST', '/connect', { userAccessToken: 'EAAtoken', pageIds: ['page-2'] });
    expect(connected.status).toBe(200);
    expect(channels.connect).toHaveBeenCalledWith('EAAtoken', ['page-2'], {});
    const refused = await call('POST', '/connect', { userAccessToken: 'EAAsecretvalue', pageIds: [] });
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toContain('pageIds');
    expect(text).not.toContain('EAAsecretvalue');
    expect((await call('POST', '/connect/pages', { userAccessToken: '' })).status).toBe(400);
  });

  it('lists agents from the host, [] without a directory, 500 for a bad directory', async () => {
    const { call } = await setup();
    expect(await (await call('GET', '/agents')).json()).toEqual([]);
    const agents = [{ id: 'a1', name: 'Ana' }];
    const withAgents = await setup({ agents: async () => agents });
    expect(await (await withAgents.call('GET', '/agents')).json()).toEqual(agents);
    const broken = await setup({ agents: () => [{ id: 1 }] as never });
    expect((await broken.call('GET', '/agents')).status).toBe(500);
    expect(broken.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'internal' }), {
      during: 'request',
      route: 'listAgents',
    });
  });
});

describe('authorize', () => {
  // Every route with a request that would succeed if allowed.
  const routes: Array<[InboxApiRoute, string, string, unknown?]> = [
    ['listConversations', 'GET', '/conversations'],
    ['getConversation', 'GET', '/conversations/conv-1'],
    [
      'updateConversation',
      'PATCH',
      '/conversations/conv-1',
      { status: 'resolved', assigneeId: 'x', read: true },
    ],
    ['listMessages', 'GET', '/conversations/conv-1/messages'],
    ['sendMessage', 'POST', '/conversations/conv-1/messages', { text: 'hi' }],
    ['setTyping', 'POST', '/conversations/conv-1/typing', { on: true }],
    ['retryMessage', 'POST', '/messages/msg-1/retry'],
    ['uploadFile', 'POST', '/uploads', 'bytes'],
    ['listChannels', 'GET', '/channels'],
    ['updateChannelSettings', 'PATCH', '/channels/page-1/settings', { humanAgent: false }],
    ['channelAction', 'POST', '/channels/page-1/actions', { action: 'disconnect' }],
    ['listConnectablePages', 'POST', '/connect/pages', { userAccessToken: 't' }],
    ['connectPages', 'POST', '/connect', { userAccessToken: 't', pageIds: ['p'] }],
    ['listAgents', 'GET', '/agents'],
    ['subscribe', 'GET', '/events'],
  ];

  it.each(routes)(
    '%s answers 401 when nobody is signed in and calls nothing',
    async (route, method, path, body) => {
      const uploads = memoryUploadStore();
      const put = vi.spyOn(uploads, 'put');
      const agents = vi.fn(() => []);
      const authorize = vi.fn((): AuthorizeResult => (route.length % 2 === 0 ? false : null));
      const { call, channels, inbox, api: created } = await setup({ authorize, agents, uploads });
      const response = await call(method, path, body);
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
      expect(authorize).toHaveBeenCalledWith(expect.any(Request), {
        route,
        action: method === 'GET' ? 'read' : 'write',
        params: expect.any(Object),
      });
      // Only the API's own subscription to history imports, made at construction.
      for (const [name, spy] of Object.entries(channels))
        if (name !== 'on') expect(spy).not.toHaveBeenCalled();
      expect(agents).not.toHaveBeenCalled();
      expect(put).not.toHaveBeenCalled();
      expect(created.liveConnections).toBe(0);
      expect(await inbox.store.conversations.get('conv-1')).toEqual(conversation(1));
    },
  );

  it('covers every route but the public upload download', () => {
    const all: InboxApiRoute[] = [
      'listConversations',
      'getConversation',
      'updateConversation',
      'listMessages',
      'sendMessage',
      'retryMessage',
      'setTyping',
      'uploadFile',
      'getUpload',
      'listChannels',
      'updateChannelSettings',
      'channelAction',
      'listConnectablePages',
      'connectPages',
      'listAgents',
      'subscribe',
    ];
    expect(
      all
        .filter((r) => r !== 'getUpload')
        .sort()
        .join(),
    ).toBe(
      routes
        .map(([r]) => r)
        .sort()
        .join(),
    );
  });

  it('awaits an async verdict and answers 500 when the hook throws', async () => {
    let allow = true;
    const { call, onError } = await setup({
      authorize: async (request) => {
        if (request.headers.get('x-boom')) throw new Error('session store down');
        return allow && { role: 'agent' };
      },
    });
    expect((await call('GET', '/conversations')).status).toBe(200);
    allow = false;
    expect((await call('GET', '/conversations')).status).toBe(401);
    expect((await call('GET', '/conversations', undefined, { 'x-boom': '1' })).status).toBe(500);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'session store down' }), {
      during: 'request',
      route: 'listConversations',
    });
  });

  it('passes path params to the hook', async () => {
    const authorize = vi.fn(
      (_: Request, context: { params: Readonly<Record<string, string>> }): AuthorizeResult =>
        context.params['id'] === 'conv-2' && { role: 'agent' },
    );
    const { call } = await setup({ authorize });
    expect((await call('GET', '/conversations/conv-1')).status).toBe(401);
    expect((await call('GET', '/conversations/conv-2')).status).toBe(200);
  });

  it('answers 500 naming the expected shape when the hook returns something else', async () => {
    for (const verdict of [true, undefined, { agentId: 'a' }, { role: 'owner' }, 'yes']) {
      const { call, onError } = await setup({ authorize: () => verdict as never });
      const response = await call('GET', '/conversations');
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('authorize');
      expect(onError).toHaveBeenCalledWith(
        expect.objectContaining({
          message: expect.stringMatching(/authorize\(\) must return \{ organizationId/),
        }),
        { during: 'request', route: 'listConversations' },
      );
    }
  });
});
