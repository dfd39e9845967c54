// createChannels: connecting pages, checks, channel actions and settings.
import { describe, expect, it, vi } from 'vitest';
import { ChannelUnavailableError, ValidationError } from '../../errors.js';
import { testEvents } from '../../testing/events.js';
import { ChannelConflictError } from '../connect.js';
import { customerWrites, HOUR } from './channelsSetup.js';
import { ADMIN_ID, APP_ID, harness, T0, useFakeMeta } from './fakeMeta.js';

const env = useFakeMeta();

describe('connecting', () => {
  const accounts = [
    {
      id: 'PAGE_2',
      name: 'Shop Two',
      access_token: 'page-2-token-abcdef',
      tasks: ['MANAGE', 'MODERATE', 'MESSAGING'],
      instagram_business_account: { id: 'IG_2', username: 'shop.two' },
    },
    { id: 'PAGE_3', name: 'Other Org Page', access_token: 'page-3-token-abcdef', tasks: ['MANAGE'] },
    { id: 'PAGE_4', name: 'Analyst Only', access_token: 'page-4-token-abcdef', tasks: ['ANALYZE'] },
  ];

  it('lists pages with tasks and availability, and refuses one owned by another organisation', async () => {
    env.meta.accounts = accounts;
    const h = await harness(env.standin, { channels: { organizationId: 'org-a' } });
    await h.store.channels.put({
      ...(await h.store.channels.get('PAGE_1'))!,
      id: 'PAGE_3',
      organizationId: 'org-b',
    });
    const pages = await h.channels.listConnectablePages('user-token-123456');
    expect(pages.map((p) => [p.id, p.platform, p.connected, p.unavailableReason ?? null])).toEqual([
      ['PAGE_2', 'messenger', false, null],
      ['IG_2', 'instagram', false, null],
      ['PAGE_3', 'messenger', false, 'Already connected to another organisation'],
      ['PAGE_4', 'messenger', false, expect.stringContaining('MESSAGING')],
    ]);
    await expect(h.channels.connect('user-token-123456', ['PAGE_3'])).rejects.toBeInstanceOf(
      ChannelConflictError,
    );
    await expect(h.channels.connect('user-token-123456', ['PAGE_9'])).rejects.toThrow(/pageIds\[0\]/);
    expect((await h.channels.list()).map((c) => c.id)).toEqual(['PAGE_1']);
  });

  it('connects pages: long-lived token, subscription, status check and history imported silently', async () => {
    env.meta.accounts = accounts;
    env.meta.history.conversations = [
      { id: 't_1', participants: { data: [{ id: 'PSID_7', name: 'Old Customer' }, { id: 'PAGE_2' }] } },
    ];
    env.meta.history.messages['t_1'] = [
      {
        id: 'm_h2',
        created_time: '2026-01-10T11:30:00+0000',
        from: { id: 'PAGE_2' },
        message: 'We will check',
      },
      {
        id: 'm_h1',
        created_time: '2026-01-10T11:00:00+0000',
        from: { id: 'PSID_7', name: 'Old Customer' },
        message: 'Where is my order?',
      },
    ];
    const h = await harness(env.standin, { channels: { organizationId: 'org-a', historyImport: {} } });
    const created: string[] = [];
    h.inbox.on('message:created', ({ message }) => created.push(message.id));
    const imported = vi.fn();
    h.channels.on('history:imported', imported);
    const [channel] = await h.channels.connect('short-user-token', ['PAGE_2']);
    expect(channel).toMatchObject({
      id: 'PAGE_2',
      platform: 'messenger',
      organizationId: 'org-a',
      status: 'active',
      appId: APP_ID,
    });
    expect(await h.store.credentials.get('PAGE_2')).toEqual({
      accessToken: 'page-2-token-abcdef',
      connectedByUserId: ADMIN_ID,
    });
    const accountsCall = env.standin.requests.find((r) => r.path === 'me/accounts')!;
    expect(accountsCall.query['access_token']).toBe('long-short-user-token');
    const subscribe = env.standin.requests.find(
      (r) => r.method === 'POST' && r.path === 'PAGE_2/subscribed_apps',
    )!;
    expect(subscribe.query['subscribed_fields']).toContain('messages');
    expect(subscribe.query['subscribed_fields']).toContain('message_echoes');
    expect(imported).toHaveBeenCalledWith(expect.objectContaining({ conversations: 1, messages: 2 }));
    expect(created).toEqual([]);
    const conversation = (await h.store.conversations.list({ channelId: 'PAGE_2' })).items[0]!;
    expect(conversation).toMatchObject({
      unreadCount: 0,
      lastInboundAt: Date.UTC(2026, 0, 10, 11),
      preview: 'We will check',
    });
    const messages = (await h.store.messages.list(conversation.id)).items;
    expect(messages.map((m) => [m.direction, m.imported, m.text])).toEqual([
      ['echo', true, 'We will check'],
      ['inbound', true, 'Where is my order?'],
    ]);
    // A redelivered webhook for an imported message changes nothing.
    const changes = await h.inbox.apply([
      testEvents.message({
        pageId: 'PAGE_2',
        customerId: 'PSID_7',
        mid: 'm_h1',
        timestamp: Date.UTC(2026, 0, 10, 11),
      }),
    ]);
    expect(changes.filter((c) => c.type === 'message:created')).toEqual([]);
  });

  it('connects an Instagram account through its Page', async () => {
    env.meta.accounts = accounts;
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      scopes: ['pages_manage_metadata', 'instagram_basic', 'instagram_manage_messages'],
    };
    const h = await harness(env.standin);
    const [channel] = await h.channels.connect('user-token-123456', ['IG_2']);
    expect(channel).toMatchObject({ id: 'IG_2', platform: 'instagram', name: 'shop.two', status: 'active' });
    expect(await h.store.credentials.get('IG_2')).toEqual({
      accessToken: 'page-2-token-abcdef',
      pageId: 'PAGE_2',
      connectedByUserId: ADMIN_ID,
    });
    const subscribe = env.standin.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/subscribed_apps'),
    )!;
    expect(subscribe.path).toBe('PAGE_2/subscribed_apps');
  });

  it('reauthorizes a revoked channel with a fresh user token', async () => {
    env.meta.accounts = [
      { id: 'PAGE_1', name: 'Acme Support', access_token: 'fresh-page-token-xyz', tasks: ['MANAGE'] },
    ];
    const h = await harness(env.standin, {
      channel: { status: 'revoked', statusReason: 'Password changed' },
    });
    env.meta.subscribed = false;
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel, previous }) =>
      statuses.push(`${previous}->${channel.status}`),
    );
    const channel = await h.channels.action('PAGE_1', {
      action: 'reauthorize',
      userAccessToken: 'user-token-abcdef',
    });
    expect(channel).toMatchObject({ status: 'active' });
    expect(channel.statusReason).toBeUndefined();
    expect(statuses).toEqual(['revoked->active']);
    // The admin who reauthorized is the one a deauthorize callback will name.
    expect(await h.store.credentials.get('PAGE_1')).toEqual({
      accessToken: 'fresh-page-token-xyz',
      connectedByUserId: ADMIN_ID,
    });
    expect(env.meta.subscribed).toBe(true);
    env.meta.accounts = [];
    await expect(h.channels.reauthorize('PAGE_1', 'user-token-abcdef')).rejects.toThrow(/PAGE_1/);
  });
});

describe('check', () => {
  it.each([
    [460, 'revoked', /password/],
    [458, 'revoked', /app was removed/],
    // 462 (stale session) reads the same as a 190/462 seen while sending: one subcode table.
    [462, 'revoked', /lost their role|session/],
    [463, 'expired', /expired/],
  ] as const)('debug_token subcode %s makes the channel %s', async (subcode, status, reason) => {
    const h = await harness(env.standin);
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      is_valid: false,
      error: { code: 190, subcode, message: 'x' },
    };
    const { channel } = await h.channels.check('PAGE_1');
    expect(channel.status).toBe(status);
    expect(channel.statusReason).toMatch(reason);
  });
});

describe('channel actions and settings', () => {
  it('deactivates, re-activates and disconnects (history kept, token dropped)', async () => {
    const h = await harness(env.standin);
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel, previous }) =>
      statuses.push(`${previous}->${channel.status}`),
    );
    await h.channels.action('PAGE_1', { action: 'deactivate' });
    await h.channels.action('PAGE_1', { action: 'activate' });
    const disconnected = await h.channels.action('PAGE_1', { action: 'disconnect' });
    expect(statuses).toEqual(['active->deactivated', 'deactivated->active', 'active->disconnected']);
    expect(disconnected.status).toBe('disconnected');
    expect(await h.store.credentials.get('PAGE_1')).toBeUndefined();
    expect(env.meta.subscribed).toBe(false);
    await expect(h.channels.action('PAGE_1', { action: 'activate' })).rejects.toBeInstanceOf(
      ChannelUnavailableError,
    );
    await expect(h.channels.action('PAGE_1', { action: 'explode' } as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('updates settings and names a wrong field', async () => {
    const h = await harness(env.standin);
    const updated = await h.channels.updateSettings('PAGE_1', { textMaxLength: 1600 });
    expect(updated.settings.textMaxLength).toBe(1600);
    expect(updated.settings.humanAgent).toBe(true);
    const error = await h.channels.updateSettings('PAGE_1', { textMaxLength: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe('textMaxLength');
    await expect(h.channels.get('PAGE_9')).rejects.toThrow(/PAGE_9/);
  });

  it('a channel handle sends only in its own conversations', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const handle = h.channels.channel('PAGE_1');
    await expect(handle.send(conversationId, { text: 'via handle' })).resolves.toHaveLength(1);
    expect((await handle.get()).status).toBe('active');
    await expect(h.channels.channel('PAGE_2').send(conversationId, { text: 'x' })).rejects.toThrow(
      /Conversation/,
    );
  });
});
