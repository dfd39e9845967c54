import { createChannels, createGraphClient, INSTAGRAM_FIELDS, MESSENGER_FIELDS } from '@pagedesk/core/server';
import { describe, expect, it } from 'vitest';
import { useCoreStack } from './coreStack.js';

// A Page and the Instagram account linked to it (Facebook Login) share one `subscribed_apps` record
// on the Page: every write keeps the fields of both live channels, only the last one deletes it.

const APP_SECRET = 'emulator-app-secret-123';
const ADMIN = '100000000004242';
const MESSENGER_ONLY = ['message_echoes', 'message_deliveries', 'message_reads', 'feed'];
const INSTAGRAM_ONLY = ['messaging_seen', 'comments'];
const stack = useCoreStack({
  appSecret: APP_SECRET,
  emulator: {
    user: { id: ADMIN, accessToken: 'user-token-4242-abcdef' },
    customerBehaviour: { deliverAfterMs: 0 },
  },
});

let next = 3000;
/** A fresh Page with its linked Instagram account, unknown to the store. */
function pagePair() {
  next += 1;
  const page = stack.emu.pages.add({
    id: String(next),
    name: `Acme ${next}`,
    platform: 'messenger',
    accessToken: `page-token-${next}-abcdef`,
  });
  const ig = stack.emu.pages.add({
    id: `1784000000000${next}`,
    name: `acme${next}.ig`,
    platform: 'instagram',
    accessToken: `ig-token-${next}-abcdef`,
    facebookPageId: page.id,
  });
  return { PAGE: page, IG: ig };
}

const fields = (pageId: string) => stack.emu.subscriptions.fields(pageId);

describe('Page + linked Instagram account share one subscribed_apps', () => {
  it('connecting (and checking) the Instagram account keeps the Messenger fields of its Page', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id]);
    await stack.channels.connect(stack.emu.userToken, [IG.id]);
    const checks = [await stack.channels.check(PAGE.id), await stack.channels.check(IG.id)];
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining([...MESSENGER_ONLY, ...INSTAGRAM_ONLY]));
    // Nothing flaps: each check finds the union it needs and writes nothing.
    expect(checks.map((c) => [c.channel.status, c.resubscribed])).toEqual([
      ['active', false],
      ['active', false],
    ]);
  });

  it('disconnecting the Instagram account does not unsubscribe the Messenger page', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id]);
    await stack.channels.connect(stack.emu.userToken, [IG.id]);
    await stack.channels.action(IG.id, { action: 'disconnect' });
    expect((await stack.channels.get(PAGE.id)).status).toBe('active');
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining(['messages', ...MESSENGER_ONLY]));
    expect(fields(PAGE.id)).not.toContain('messaging_seen');
    expect((await stack.channels.check(PAGE.id)).resubscribed).toBe(false);
  });

  it('disconnecting the Page keeps the Instagram fields; the last one out deletes the record', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id, IG.id]);
    await stack.channels.action(PAGE.id, { action: 'disconnect' });
    expect([...fields(PAGE.id)].sort()).toEqual([...INSTAGRAM_FIELDS].sort());
    const check = await stack.channels.check(IG.id);
    expect([check.channel.status, check.resubscribed]).toEqual(['active', false]);
    await stack.channels.action(IG.id, { action: 'disconnect' });
    expect(fields(PAGE.id)).toEqual([]);
  });

  it('check repairs a field of the sibling that is missing, without calling its own channel unsubscribed', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id, IG.id]);
    // What the defect left behind: a write of the Page's own fields only.
    const graph = createGraphClient({
      appId: stack.emu.appId,
      appSecret: APP_SECRET,
      baseUrl: stack.emu.graphUrl,
    });
    await graph.forPage({ id: PAGE.id, accessToken: PAGE.accessToken }).subscribe(MESSENGER_FIELDS);
    const check = await stack.channels.check(PAGE.id);
    expect(check).toMatchObject({ resubscribed: true, previous: 'active' });
    expect(check.missingFields).toEqual(expect.arrayContaining(INSTAGRAM_ONLY));
    expect(check.channel.status).toBe('active');
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining([...MESSENGER_ONLY, ...INSTAGRAM_ONLY]));
  });

  it('a dropped record is repaired with both channels’ fields, from either side', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id, IG.id]);
    stack.emu.subscriptions.drop(PAGE.id);
    expect((await stack.channels.check(IG.id)).resubscribed).toBe(true);
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining([...MESSENGER_ONLY, ...INSTAGRAM_ONLY]));
    stack.emu.subscriptions.drop(PAGE.id);
    await stack.channels.action(PAGE.id, { action: 'resubscribe' });
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining([...MESSENGER_ONLY, ...INSTAGRAM_ONLY]));
  });

  it('connecting both at once leaves no field missing, even before any check repairs', async () => {
    const { PAGE, IG } = pagePair();
    // Without repairs, the check each connect ends with cannot hide a write that lost a field.
    const channels = createChannels({
      store: stack.store,
      inbox: stack.inbox,
      apps: { [stack.emu.appId]: { appSecret: APP_SECRET } },
      baseUrl: stack.emu.graphUrl,
      now: () => stack.emu.clock.now(),
      historyImport: false,
      repairSubscriptions: false,
    });
    try {
      await Promise.all([
        channels.connect(stack.emu.userToken, [IG.id]),
        channels.connect(stack.emu.userToken, [PAGE.id]),
      ]);
      expect(fields(PAGE.id)).toEqual(expect.arrayContaining([...MESSENGER_ONLY, ...INSTAGRAM_ONLY]));
    } finally {
      channels.close();
    }
  });

  it('counts the sibling another organisation holds, without showing it', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id], { organizationId: 'org_a' });
    const [ig] = await stack.channels.connect(stack.emu.userToken, [IG.id], { organizationId: 'org_b' });
    expect(ig).toMatchObject({ id: IG.id, organizationId: 'org_b' });
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining(['messages', ...MESSENGER_ONLY]));
    expect((await stack.channels.list({ organizationId: 'org_b' })).map((c) => c.id)).toEqual([IG.id]);
    await stack.channels.action(IG.id, { action: 'disconnect' });
    expect((await stack.channels.get(PAGE.id)).status).toBe('active');
    expect(fields(PAGE.id)).toEqual(expect.arrayContaining(['messages', ...MESSENGER_ONLY]));
  });
});

describe('connectedByUserId', () => {
  it('records the admin who connected a Page and its Instagram account, and who reauthorized', async () => {
    const { PAGE, IG } = pagePair();
    await stack.channels.connect(stack.emu.userToken, [PAGE.id, IG.id]);
    expect((await stack.store.credentials.get(PAGE.id))?.connectedByUserId).toBe(ADMIN);
    expect((await stack.store.credentials.get(IG.id))?.connectedByUserId).toBe(ADMIN);
    const stored = (await stack.store.credentials.get(PAGE.id))!;
    await stack.store.credentials.put(PAGE.id, { ...stored, connectedByUserId: 'an-earlier-admin' });
    await stack.channels.action(PAGE.id, { action: 'reauthorize', userAccessToken: stack.emu.userToken });
    expect((await stack.store.credentials.get(PAGE.id))?.connectedByUserId).toBe(ADMIN);
  });
});
