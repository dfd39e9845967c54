import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInboxApi, type InboxApi, type InboxApiOptions } from '../index.js';
import { fakeChannels, seededInbox } from './helpers.js';

// A host that runs Facebook Login on its server: the browser holds only an opaque grant, and the
// connect routes swap it for the user token through `userToken` before calling the channels.

const ORIGIN = 'http://helpdesk.test';

let api: InboxApi | undefined;
afterEach(() => api?.close());

async function setup(userToken: NonNullable<InboxApiOptions['userToken']>) {
  const inbox = await seededInbox(1);
  const channels = fakeChannels();
  api = createInboxApi({
    inbox,
    channels,
    userToken,
    onError: vi.fn(),
    authorize: () => ({ role: 'admin', agentId: 'agent-sam' }),
  });
  const call = (method: string, path: string, body: unknown) =>
    api!.fetch(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  return { channels, call };
}

describe('createInboxApi({ userToken })', () => {
  it('lists, connects and reauthorizes with the token the grant stands for', async () => {
    const held = new Map([['agent-sam', { grant: 'grant-1', token: 'EAAserverSideToken' }]]);
    const userToken = vi.fn((principal: { agentId?: string }, grant: string) => {
      const entry = held.get(principal.agentId ?? '');
      return entry?.grant === grant ? entry.token : null;
    });
    const { channels, call } = await setup(userToken);
    expect((await call('POST', '/connect/pages', { userAccessToken: 'grant-1' })).status).toBe(200);
    expect(channels.listConnectablePages).toHaveBeenCalledWith('EAAserverSideToken', {});
    expect((await call('POST', '/connect', { userAccessToken: 'grant-1', pageIds: ['page-2'] })).status).toBe(
      200,
    );
    expect(channels.connect).toHaveBeenCalledWith('EAAserverSideToken', ['page-2'], {});
    const reauthorized = await call('POST', '/channels/page-1/actions', {
      action: 'reauthorize',
      userAccessToken: 'grant-1',
    });
    expect(reauthorized.status).toBe(200);
    expect(channels.action).toHaveBeenCalledWith('page-1', {
      action: 'reauthorize',
      userAccessToken: 'EAAserverSideToken',
    });
    expect(userToken).toHaveBeenCalledWith(expect.objectContaining({ agentId: 'agent-sam' }), 'grant-1');
  });

  it('refuses an unknown grant with a 400 that says to log in again, before calling Meta', async () => {
    const { channels, call } = await setup(async () => null);
    const refused = await call('POST', '/connect/pages', { userAccessToken: 'EAAforgedOrStale' });
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toMatch(/log in with Facebook again/);
    expect(text).not.toContain('EAAforgedOrStale');
    expect((await call('POST', '/connect', { userAccessToken: 'x', pageIds: ['page-2'] })).status).toBe(400);
    expect(channels.listConnectablePages).not.toHaveBeenCalled();
    expect(channels.connect).not.toHaveBeenCalled();
  });
});
