import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileMediaStore } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi } from '../index.js';
import { fakeChannels, seededInbox, serve } from './helpers.js';

// Archived media over HTTP: a principal who sees the channel gets the exact bytes with safe headers;
// a missing file, a key that tries to leave the directory, or an API without a media store answer
// 404 / 501, and no principal gets 401. (Another organisation's channel: tenancy.test.ts.)

let dir: string;
let api: InboxApi;
let server: Awaited<ReturnType<typeof serve>>;
const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagedesk-media-'));
  const media = fileMediaStore(dir, { publicPath: '/pagedesk/media' });
  const inbox = await seededInbox(1);
  const channelId = (await inbox.store.channels.list())[0]!.id;
  expect(await media.put(`${channelId}/m_1/0.png`, bytes, 'image/png')).toBe(
    `/pagedesk/media/${channelId}/m_1/0.png`,
  );
  api = createInboxApi({
    inbox,
    channels: fakeChannels(),
    basePath: '/pagedesk',
    media,
    authorize: (request) => (request.headers.get('x-agent') ? { role: 'agent', agentId: 'a' } : null),
  });
  server = await serve(api);
});
afterAll(async () => {
  api.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, agent = true) =>
  fetch(`${server.base}/pagedesk/media/${path}`, { headers: agent ? { 'x-agent': '1' } : {} });

describe('GET /media/:channel/:folder/:file', () => {
  it('serves the archived bytes with nosniff and a sandbox policy', async () => {
    const channelId = 'page-1';
    const response = await get(`${channelId}/m_1/0.png`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect((await get(`${channelId}/m_1/1.png`)).status).toBe(404);
    expect((await get(`${channelId}/..%2F..%2Fetc/passwd`)).status).toBe(404);
    expect((await get(`${channelId}/m_1/0.png`, false)).status).toBe(401);
    expect((await get('nope/m_1/0.png')).status).toBe(404);
  });

  it('answers 501 without a media store', async () => {
    const inbox = await seededInbox(1);
    const bare = createInboxApi({ inbox, channels: fakeChannels(), authorize: () => ({ role: 'agent' }) });
    const channelId = (await inbox.store.channels.list())[0]!.id;
    expect((await bare.fetch(new Request(`http://h.test/media/${channelId}/m_1/0.png`))).status).toBe(501);
    bare.close();
  });
});
