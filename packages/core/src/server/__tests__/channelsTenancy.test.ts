import { describe, expect, it, vi } from 'vitest';
import { testEvents } from '../../testing/events.js';
import { ChannelConflictError } from '../connect.js';
import { createGraphClient } from '../graphClient.js';
import { APP_ID, APP_SECRET, harness, useFakeMeta } from './fakeMeta.js';

// One createChannels() for every organisation of a host: connecting records the organisation, a page
// belongs to one organisation at a time (its history too), and purge frees it.

const env = useFakeMeta();
const TOKEN = 'user-token-123456';
const accounts = [
  { id: 'PAGE_2', name: 'Shop Two', access_token: 'page-2-token-abcdef', tasks: ['MANAGE'] },
  { id: 'PAGE_3', name: 'Shop Three', access_token: 'page-3-token-abcdef', tasks: ['MANAGE'] },
];

async function setup() {
  env.meta.accounts = accounts;
  const h = await harness(env.standin);
  const writes = (pageId: string, psid = 'PSID_SAME') =>
    h.inbox.apply([testEvents.message({ pageId, customerId: psid, text: `Hi ${pageId}` })]);
  return { ...h, writes };
}

describe('channels: organisations', () => {
  it('connects pages for the organisation given per call, and lists each one its own', async () => {
    const h = await setup();
    const [a] = await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    const [b] = await h.channels.connect(TOKEN, ['PAGE_3'], { organizationId: 'org_b' });
    expect([a!.organizationId, b!.organizationId]).toEqual(['org_a', 'org_b']);
    expect((await h.channels.list({ organizationId: 'org_a' })).map((c) => c.id)).toEqual(['PAGE_2']);
    expect((await h.channels.list({ organizationId: 'org_b' })).map((c) => c.id)).toEqual(['PAGE_3']);
    expect((await h.channels.list({ organizationId: null })).map((c) => c.id)).toEqual(['PAGE_1']);
    // What their customers write lands in their own organisation.
    await h.writes('PAGE_2');
    await h.writes('PAGE_3');
    const listed = await h.store.conversations.list({ organizationId: 'org_b' });
    expect(listed.items.map((c) => [c.channelId, c.preview])).toEqual([['PAGE_3', 'Hi PAGE_3']]);
    await expect(
      h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: '' as string }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('connects through the app given per call (an organisation with its own Meta app)', async () => {
    const h = await setup();
    const [channel] = await h.channels.connect(TOKEN, ['PAGE_2'], {
      organizationId: 'org_a',
      appId: 'APP_OF_A',
    });
    expect(channel).toMatchObject({ organizationId: 'org_a', appId: 'APP_OF_A' });
    await expect(h.channels.connect(TOKEN, ['PAGE_3'], { appId: '' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it("connects through the organisation's own app when a call names none (appFor), as the inbox API's calls do", async () => {
    const h = await setup();
    const asked: string[] = [];
    const appsUsed: string[] = [];
    const channels = h.make({
      appFor: async (organizationId) => {
        asked.push(organizationId);
        return organizationId === 'org_a' ? 'APP_OF_A' : undefined;
      },
      graph: (appId) => {
        appsUsed.push(appId);
        return createGraphClient({
          appId,
          appSecret: APP_SECRET,
          baseUrl: env.standin.url,
          sleep: async () => {},
        });
      },
    });
    await channels.listConnectablePages(TOKEN, { organizationId: 'org_a' });
    await channels.listConnectablePages(TOKEN, { organizationId: 'org_b' });
    expect(appsUsed).toEqual(['APP_OF_A', APP_ID]);
    const [own] = await channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    expect(own!.appId).toBe('APP_OF_A');
    // An app named by the call wins (appFor is not asked); an answer that is no app id is refused.
    const [named] = await channels.connect(TOKEN, ['PAGE_3'], { organizationId: 'org_b', appId: 'APP_OF_B' });
    expect(named!.appId).toBe('APP_OF_B');
    expect(asked).toEqual(['org_a', 'org_b', 'org_a']);
    const broken = h.make({ appFor: () => '' });
    await expect(broken.connect(TOKEN, ['PAGE_3'], { organizationId: 'org_b' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('refuses a page another organisation holds, in the picker and on connect', async () => {
    const h = await setup();
    await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    const pages = await h.channels.listConnectablePages(TOKEN, { organizationId: 'org_b' });
    expect(pages.map((p) => [p.id, p.connected, p.unavailableReason ?? null])).toEqual([
      ['PAGE_2', false, 'Already connected to another organisation'],
      ['PAGE_3', false, null],
    ]);
    const mine = await h.channels.listConnectablePages(TOKEN, { organizationId: 'org_a' });
    expect(mine.map((p) => [p.id, p.connected])).toEqual([
      ['PAGE_2', true],
      ['PAGE_3', false],
    ]);
    const error = await h.channels
      .connect(TOKEN, ['PAGE_3', 'PAGE_2'], { organizationId: 'org_b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelConflictError);
    expect(error).toMatchObject({ code: 'channel_conflict', channelId: 'PAGE_2', historyOnly: false });
    // Refused before anything was connected: not even the free page of the same call.
    expect(await h.store.channels.get('PAGE_3')).toBeUndefined();
    // A single-tenant host's channel (no organisation) is held too.
    await expect(h.channels.connect(TOKEN, ['PAGE_1'], { organizationId: 'org_b' })).rejects.toThrow(
      /PAGE_1/,
    );
  });

  it('refuses a page whose history another organisation keeps until it is purged, then reconnects it', async () => {
    const h = await setup();
    await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    await h.channels.updateSettings('PAGE_2', { agentIds: ['agent-of-a'] });
    await h.writes('PAGE_2');
    await h.writes('PAGE_2', 'PSID_2');
    await h.channels.action('PAGE_2', { action: 'disconnect' });
    expect((await h.store.channels.get('PAGE_2'))?.status).toBe('disconnected');

    const pages = await h.channels.listConnectablePages(TOKEN, { organizationId: 'org_b' });
    expect(pages.find((p) => p.id === 'PAGE_2')?.unavailableReason).toMatch(/history/);
    const error = await h.channels
      .connect(TOKEN, ['PAGE_2'], { organizationId: 'org_b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelConflictError);
    expect(error).toMatchObject({ channelId: 'PAGE_2', historyOnly: true });
    expect((error as Error).message).toMatch(/purged/);

    const purged = vi.fn();
    h.channels.on('channel:purged', purged);
    const report = await h.channels.purge('PAGE_2');
    expect(report).toEqual({
      channelId: 'PAGE_2',
      channel: true,
      conversations: 2,
      messages: 2,
      customers: 2,
      // Disconnecting already deleted the token.
      credentials: false,
      waiting: 0,
    });
    expect(purged).toHaveBeenCalledWith({
      channel: expect.objectContaining({ id: 'PAGE_2', organizationId: 'org_a' }),
      report,
    });
    expect(await h.store.conversations.list({ organizationId: 'org_a' })).toEqual({
      items: [],
      nextCursor: null,
    });

    const [channel] = await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_b' });
    expect(channel).toMatchObject({ id: 'PAGE_2', organizationId: 'org_b', status: 'active' });
    // Nothing of the first organisation carried over.
    expect(channel!.settings.agentIds).toEqual([]);
    await h.writes('PAGE_2');
    expect((await h.store.conversations.list({ organizationId: 'org_b' })).items).toHaveLength(1);
  });

  it('purges a live channel: unsubscribes the page, deletes its token and everything it holds', async () => {
    const h = await setup();
    await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    await h.writes('PAGE_2');
    env.standin.requests.length = 0;
    const report = await h.channels.purge('PAGE_2');
    expect(report).toMatchObject({ channel: true, credentials: true, conversations: 1, messages: 1 });
    expect(
      env.standin.requests.some((r) => r.method === 'DELETE' && r.path === 'PAGE_2/subscribed_apps'),
    ).toBe(true);
    expect(await h.store.credentials.get('PAGE_2')).toBeUndefined();
    await expect(h.channels.get('PAGE_2')).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(h.channels.purge('PAGE_2')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it("takes over another organisation's disconnected channel that kept no history, afresh", async () => {
    const h = await setup();
    await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_a' });
    await h.channels.updateSettings('PAGE_2', { agentIds: ['agent-of-a'] });
    await h.channels.action('PAGE_2', { action: 'disconnect' });
    const [channel] = await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_b' });
    expect(channel).toMatchObject({ organizationId: 'org_b', status: 'active' });
    expect(channel!.settings.agentIds).toEqual([]);
    // The same organisation reconnecting its own disconnected page keeps its settings.
    await h.channels.updateSettings('PAGE_2', { agentIds: ['agent-of-b'] });
    await h.writes('PAGE_2');
    await h.channels.action('PAGE_2', { action: 'disconnect' });
    const [again] = await h.channels.connect(TOKEN, ['PAGE_2'], { organizationId: 'org_b' });
    expect(again!.settings.agentIds).toEqual(['agent-of-b']);
    expect((await h.store.conversations.list({ organizationId: 'org_b' })).items).toHaveLength(1);
  });

  it('keeps createChannels({ organizationId }) as the default of a single-organisation host', async () => {
    env.meta.accounts = accounts;
    const h = await harness(env.standin, { channels: { organizationId: 'org_a' } });
    const [channel] = await h.channels.connect(TOKEN, ['PAGE_2']);
    expect(channel!.organizationId).toBe('org_a');
    // A page another organisation holds is refused to the default one.
    await h.store.channels.put({ ...channel!, id: 'PAGE_3', organizationId: 'org_b' });
    await expect(h.channels.connect(TOKEN, ['PAGE_3'])).rejects.toBeInstanceOf(ChannelConflictError);
    expect((await h.channels.list()).map((c) => c.id).sort()).toEqual(['PAGE_1', 'PAGE_2']);
  });
});
