import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPagedeskError } from '@pagedesk/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { APP_SECRET, DAY, graph, HOUR, IG, PAGE, proof, sendText } from './helpers.js';

let emu: Emulator;
const T0 = Date.UTC(2026, 10, 1, 12);

beforeAll(async () => {
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [
      PAGE,
      IG,
      { id: '1003', name: 'No Agent', accessToken: 'page-token-1003-abcdef', humanAgent: false },
    ],
    now: T0,
    freezeClock: true,
    customerBehaviour: { deliverAfterMs: null },
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.clear());

function customer(pageId = PAGE.id, name = 'Ana Lima') {
  return emu.customers.create({ pageId, name });
}

describe('authentication', () => {
  it('requires an access token (104) and rejects unknown tokens (190)', async () => {
    const none = await graph(emu, 'GET', 'me', { token: null });
    expect(none.body.error).toMatchObject({ code: 104, type: 'OAuthException' });
    const unknown = await graph(emu, 'GET', 'me', { token: 'not-a-real-token' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe(190);
    expect(unknown.body.error?.error_subcode).toBeUndefined();
    expect(unknown.body.error?.fbtrace_id).toMatch(/^A/);
  });

  it('enforces appsecret_proof: missing or wrong → 100, right (also the timed variant) → ok', async () => {
    const missing = await graph(emu, 'GET', 'me', { proof: false });
    expect(missing.body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(missing.body.error?.message).toContain('appsecret_proof');
    const wrong = await graph(emu, 'GET', 'me', { proof: proof(PAGE.accessToken, 'another-secret') });
    expect(wrong.body.error?.code).toBe(100);
    const right = await graph(emu, 'GET', 'me');
    expect(right.body).toEqual({ name: PAGE.name, id: PAGE.id });
    const time = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const timed = createHmac('sha256', APP_SECRET).update(`${PAGE.accessToken}|${time}`).digest('hex');
    const timedOk = await graph(emu, 'GET', 'me', { proof: timed, query: { appsecret_time: time } });
    expect(timedOk.status).toBe(200);
  });

  it('accepts calls without a proof when requireAppSecretProof is off', async () => {
    const lax = await startEmulator({ appSecret: APP_SECRET, pages: [PAGE], requireAppSecretProof: false });
    try {
      expect((await graph(lax, 'GET', 'me', { proof: false })).status).toBe(200);
    } finally {
      await lax.close();
    }
  });

  it('accepts the token in an Authorization header', async () => {
    const url = `${emu.graphUrl}/v22.0/me?appsecret_proof=${proof(PAGE.accessToken)}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${PAGE.accessToken}` } });
    expect(await response.json()).toEqual({ name: PAGE.name, id: PAGE.id });
  });

  it('reads page fields, including expansions, on /me and /{page-id}', async () => {
    const me = await graph(emu, 'GET', 'me', { query: { fields: 'id,name,picture{url}' } });
    expect(me.body).toEqual({
      id: PAGE.id,
      name: PAGE.name,
      picture: { data: { url: expect.stringContaining('/samples/') } },
    });
    const ig = await graph(emu, 'GET', IG.id, {
      token: IG.accessToken,
      query: { fields: 'username,profile_picture_url' },
    });
    expect(ig.body).toMatchObject({ id: IG.id, username: IG.name, profile_picture_url: expect.any(String) });
    expect(
      (await graph(emu, 'GET', 'me', { query: { fields: 'id,favourite_colour' } })).body.error?.code,
    ).toBe(100);
  });

  it('answers unknown routes with Meta’s 100/33 GraphMethodException', async () => {
    const response = await graph(emu, 'GET', 'me/nothing_here');
    expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });
});

describe('Send API', () => {
  it('accepts a text reply inside 24 h and records every field for assertions', async () => {
    const ana = customer();
    const { mid } = await emu.customer(ana.id).send({ text: 'Hi', at: '-1h' });
    const res = await sendText(emu, ana.id, 'Hello Ana', {
      reply_to: { mid },
      persona_id: undefined,
      notification_type: 'NO_PUSH',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recipient_id: ana.id, message_id: expect.stringMatching(/^m_/) });
    const meta = await graph(emu, 'POST', `${PAGE.id}/messages`, {
      body: {
        recipient: { id: ana.id },
        messaging_type: 'UPDATE',
        message: { text: 'Update', metadata: 'draft-42' },
      },
    });
    expect(meta.status).toBe(200);
    const sent = emu.sent(PAGE.id).filter((m) => m.recipientId === ana.id);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({
      text: 'Hello Ana',
      messagingType: 'RESPONSE',
      tag: null,
      replyToMid: mid,
      notificationType: 'NO_PUSH',
    });
    expect(sent[1]).toMatchObject({
      text: 'Update',
      messagingType: 'UPDATE',
      metadata: 'draft-42',
      mid: meta.body['message_id'],
    });
    expect(
      emu
        .customer(ana.id)
        .messages()
        .map((m) => m.direction),
    ).toEqual(['inbound', 'outbound', 'outbound']);
  });

  it('refuses after 24 h with 10/2018278, allows HUMAN_AGENT up to 7 days, refuses after', async () => {
    const ben = customer(PAGE.id, 'Ben');
    await emu.customer(ben.id).send({ text: 'Change address?', at: emu.clock.now() - 30 * HOUR });
    const response = await sendText(emu, ben.id, 'Sure');
    expect(response.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    const tagged = await sendText(emu, ben.id, 'Sure', { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(tagged.status).toBe(200);
    expect(emu.sent().at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    emu.clock.advance(6 * DAY);
    const late = await sendText(emu, ben.id, 'Still there?', {
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(late.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
  });

  it('computes the window from the last inbound message, reactions and postbacks, on the emulated clock', async () => {
    const c = customer(PAGE.id, 'Clock Person');
    await emu.customer(c.id).send({ text: 'hello' });
    emu.clock.advance(24 * HOUR);
    expect((await sendText(emu, c.id, 'exactly 24 h')).status).toBe(200);
    emu.clock.advance(1);
    expect((await sendText(emu, c.id, 'one ms late')).body.error?.error_subcode).toBe(2018278);
    await emu.customer(c.id).postback({ title: 'Get Started', payload: 'GET_STARTED' });
    expect((await sendText(emu, c.id, 'after postback')).status).toBe(200);
    emu.clock.advance(25 * HOUR);
    const mid = emu.customer(c.id).messages().at(-1)!.mid;
    await emu.customer(c.id).react(mid, '👍');
    expect((await sendText(emu, c.id, 'after reaction')).status).toBe(200);
  });

  it('never opens a window for a customer who has not written, and uses 2534022 on Instagram', async () => {
    const silent = customer(PAGE.id, 'Silent');
    expect((await sendText(emu, silent.id, 'hi')).body.error?.error_subcode).toBe(2018278);
    const igUser = customer(IG.id, 'Ig Person');
    await emu.customer(igUser.id).send({ text: 'hey', at: emu.clock.now() - 2 * DAY });
    const ig = await sendText(emu, igUser.id, 'late', {}, IG.accessToken);
    expect(ig.body.error).toMatchObject({ code: 10, error_subcode: 2534022 });
  });

  it('refuses HUMAN_AGENT without the Human Agent feature (200)', async () => {
    const c = customer('1003', 'Dora');
    await emu.customer(c.id).send({ text: 'hi', at: emu.clock.now() - 2 * DAY });
    const res = await sendText(
      emu,
      c.id,
      'x',
      { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
      'page-token-1003-abcdef',
    );
    expect(res.body.error?.code).toBe(200);
  });

  it('rejects removed tags, a missing tag and a missing messaging_type with 100', async () => {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    for (const tag of ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']) {
      expect((await sendText(emu, c.id, 'x', { messaging_type: 'MESSAGE_TAG', tag })).body.error?.code).toBe(
        100,
      );
    }
    expect((await sendText(emu, c.id, 'x', { messaging_type: 'MESSAGE_TAG' })).body.error?.code).toBe(100);
    const untyped = await graph(emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, message: { text: 'x' } },
    });
    expect(untyped.body.error?.code).toBe(100);
  });

  it('enforces the 2000-character text limit in characters, not UTF-16 units', async () => {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    expect((await sendText(emu, c.id, '🙂'.repeat(2000))).status).toBe(200);
    const long = await sendText(emu, c.id, 'a'.repeat(2001));
    expect(long.body.error?.code).toBe(100);
    expect(long.body.error?.message).toContain('2000');
  });

  it('validates message shape: one content kind, ≤ 13 quick replies, metadata ≤ 1000, images-only attachments ≤ 30', async () => {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    const qr = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title: `Q${i}`, payload: `P${i}` }));
    const post = (message: unknown) =>
      graph(emu, 'POST', 'me/messages', {
        body: { recipient: { id: c.id }, messaging_type: 'RESPONSE', message },
      });
    expect((await post({ text: 'pick', quick_replies: qr(13) })).status).toBe(200);
    expect((await post({ text: 'pick', quick_replies: qr(14) })).body.error?.code).toBe(100);
    expect((await post({ text: 'x', metadata: 'm'.repeat(1001) })).body.error?.code).toBe(100);
    const image = { type: 'image', payload: { url: `${emu.url}/samples/ocean.png` } };
    expect((await post({ text: 'x', attachment: image })).body.error?.code).toBe(100);
    expect((await post({})).body.error?.code).toBe(100);
    expect((await post({ attachments: Array.from({ length: 30 }, () => image) })).status).toBe(200);
    expect((await post({ attachments: Array.from({ length: 31 }, () => image) })).body.error?.code).toBe(100);
    expect(
      (await post({ attachments: [{ type: 'file', payload: { url: `${emu.url}/samples/ocean.png` } }] })).body
        .error?.code,
    ).toBe(100);
    expect(emu.sent().at(-1)?.attachments).toHaveLength(30);
  });

  it('answers 2018001 for an unknown or foreign recipient and 551 for an unavailable one', async () => {
    expect((await sendText(emu, '999999', 'x')).body.error).toMatchObject({
      code: 100,
      error_subcode: 2018001,
    });
    const igUser = customer(IG.id, 'Other Page');
    expect((await sendText(emu, igUser.id, 'x')).body.error?.error_subcode).toBe(2018001);
    const gone = emu.customers.create({ pageId: PAGE.id, name: 'Gone', unavailable: true });
    await emu.customer(gone.id).send({ text: 'bye' });
    expect((await sendText(emu, gone.id, 'x')).body.error).toMatchObject({ code: 551 });
  });

  it('accepts sender actions only alone, and records them', async () => {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    const typing = await graph(emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, sender_action: 'typing_on' },
    });
    expect(typing.body).toEqual({ recipient_id: c.id });
    expect(emu.senderActions().at(-1)).toMatchObject({ action: 'typing_on', recipientId: c.id });
    const mixed = await graph(emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, sender_action: 'typing_on', message: { text: 'x' } },
    });
    expect(mixed.body.error?.code).toBe(100);
  });

  it('accepts form-encoded calls with JSON-encoded fields', async () => {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    const form = new URLSearchParams({
      recipient: JSON.stringify({ id: c.id }),
      messaging_type: 'RESPONSE',
      message: JSON.stringify({ text: 'form' }),
    });
    const url = `${emu.graphUrl}/v25.0/me/messages?access_token=${PAGE.accessToken}&appsecret_proof=${proof(PAGE.accessToken)}`;
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(emu.sent().at(-1)?.text).toBe('form');
  });
});

describe('attachments', () => {
  let fileServer: ReturnType<typeof createServer>;
  let fileUrl: string;
  beforeAll(async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1, 1);
    fileServer = createServer((req, res) => {
      if (req.url === '/big.png') res.writeHead(200, { 'content-type': 'image/png' }).end(big);
      else if (req.url === '/song.mp3') res.writeHead(200, { 'content-type': 'text/plain' }).end('not audio');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => fileServer.close(() => resolve())));

  async function ready() {
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    return c;
  }
  const sendAttachment = (id: string, attachment: unknown) =>
    graph(emu, 'POST', 'me/messages', {
      body: { recipient: { id }, messaging_type: 'RESPONSE', message: { attachment } },
    });

  it('uploads a file (multipart filedata), sends it by attachment_id, and expires the id after 90 days', async () => {
    const c = await ready();
    const form = new FormData();
    form.set('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
    form.set('filedata', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'photo.png');
    const upload = await graph(emu, 'POST', 'me/message_attachments', { form });
    expect(upload.body).toEqual({ attachment_id: expect.stringMatching(/^\d+$/) });
    const id = upload.body['attachment_id'] as string;
    expect((await sendAttachment(c.id, { type: 'image', payload: { attachment_id: id } })).status).toBe(200);
    const media = await fetch(emu.sent().at(-1)!.attachments[0]!.url!);
    expect(media.headers.get('content-type')).toBe('image/png');
    emu.clock.advance(91 * DAY);
    await emu.customer(c.id).send({ text: 'still here' });
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { attachment_id: id } })).body.error,
    ).toMatchObject({
      code: 100,
      error_subcode: 2018074,
    });
  });

  it('refuses another page’s attachment id (2018074) and files over 25 MB (2018109)', async () => {
    const form = new FormData();
    form.set('message', JSON.stringify({ attachment: { type: 'file' } }));
    form.set('filedata', new Blob([new Uint8Array(10)], { type: 'application/pdf' }), 'a.pdf');
    const igUpload = await graph(emu, 'POST', 'me/message_attachments', { form, token: IG.accessToken });
    const c = await ready();
    const foreign = await sendAttachment(c.id, {
      type: 'file',
      payload: { attachment_id: igUpload.body['attachment_id'] },
    });
    expect(foreign.body.error?.error_subcode).toBe(2018074);
    const huge = new FormData();
    huge.set('message', JSON.stringify({ attachment: { type: 'file' } }));
    huge.set(
      'filedata',
      new Blob([new Uint8Array(25 * 1024 * 1024 + 1)], { type: 'application/pdf' }),
      'huge.pdf',
    );
    const tooBig = await graph(emu, 'POST', 'me/message_attachments', { form: huge });
    expect(tooBig.body.error).toMatchObject({ code: 100, error_subcode: 2018109 });
  });

  it('fetches attachment URLs: images over 8 MB → 2018109, unreachable → 2018008, audio must be audio/*', async () => {
    const c = await ready();
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { url: `${fileUrl}/big.png` } })).body.error
        ?.error_subcode,
    ).toBe(2018109);
    expect(
      (await sendAttachment(c.id, { type: 'image', payload: { url: `${fileUrl}/missing.png` } })).body.error
        ?.error_subcode,
    ).toBe(2018008);
    expect(
      (await sendAttachment(c.id, { type: 'audio', payload: { url: `${fileUrl}/song.mp3` } })).body.error
        ?.error_subcode,
    ).toBe(2018008);
    const file = await sendAttachment(c.id, {
      type: 'file',
      payload: { url: `${fileUrl}/big.png`, is_reusable: true },
    });
    expect(file.body).toMatchObject({ message_id: expect.any(String), attachment_id: expect.any(String) });
  });
});

describe('profiles', () => {
  it('returns Messenger and Instagram fields, and Meta’s consent errors', async () => {
    const ana = customer(PAGE.id, 'Ana Maria Lima');
    const profile = await graph(emu, 'GET', ana.id, {
      query: { fields: 'first_name,last_name,profile_pic' },
    });
    expect(profile.body).toEqual({
      first_name: 'Ana',
      last_name: 'Maria Lima',
      profile_pic: expect.stringContaining('/samples/'),
      id: ana.id,
    });
    expect((await graph(emu, 'GET', ana.id, { query: { fields: 'shoe_size' } })).body.error?.code).toBe(100);
    const igUser = emu.customers.create({ pageId: IG.id, name: 'Farah H', username: 'farah.h' });
    await emu.customer(igUser.id).comment({ text: 'nice' });
    const consent = await graph(emu, 'GET', igUser.id, {
      token: IG.accessToken,
      query: { fields: 'name,username' },
    });
    expect(consent.body.error?.code).toBe(230);
    await emu.customer(igUser.id).send({ text: 'hello' });
    const ig = await graph(emu, 'GET', igUser.id, {
      token: IG.accessToken,
      query: { fields: 'name,username,profile_pic' },
    });
    expect(ig.body).toMatchObject({ name: 'Farah H', username: 'farah.h', id: igUser.id });
    const phone = emu.customers.create({ pageId: PAGE.id, name: 'Phone Only', profileError: 2018218 });
    expect((await graph(emu, 'GET', phone.id)).body.error?.code).toBe(2018218);
    expect((await graph(emu, 'GET', igUser.id)).body.error?.error_subcode).toBe(2018001);
  });
});

describe('tokens', () => {
  it('maps each revocation reason to its 190 subcode, and reissue retires the old token (467)', async () => {
    const page = { id: '2001', name: 'Tokens', accessToken: 'tokens-page-2001-abc' };
    emu.pages.add(page);
    const cases = [
      ['password_changed', 460],
      ['app_removed', 458],
      ['session_invalid', 492],
      ['checkpoint', 459],
      ['invalid', 467],
    ] as const;
    let token = page.accessToken;
    for (const [reason, subcode] of cases) {
      emu.tokens.revoke(page.id, reason);
      expect((await graph(emu, 'GET', 'me', { token })).body.error).toMatchObject({
        code: 190,
        error_subcode: subcode,
      });
      const debug = await graph(emu, 'GET', 'debug_token', {
        token: emu.appToken,
        proof: false,
        query: { input_token: token },
      });
      expect(debug.body['data']).toMatchObject({ is_valid: false, error: { code: 190, subcode } });
      const old = token;
      token = emu.tokens.reissue(page.id);
      expect((await graph(emu, 'GET', 'me', { token })).status).toBe(200);
      expect((await graph(emu, 'GET', 'me', { token: old })).body.error).toMatchObject({
        code: 190,
        error_subcode: 467,
      });
    }
    emu.tokens.expire(page.id);
    expect((await graph(emu, 'GET', 'me', { token })).body.error?.error_subcode).toBe(463);
  });

  it('permission_revoked keeps the token valid but drops pages_messaging: sends fail with 200', async () => {
    const page = { id: '2002', name: 'Perm', accessToken: 'perm-page-2002-abcd' };
    emu.pages.add(page);
    const c = emu.customers.create({ pageId: page.id, name: 'P' });
    await emu.customer(c.id).send({ text: 'hi' });
    emu.tokens.revoke(page.id, 'permission_revoked');
    expect((await sendText(emu, c.id, 'x', {}, page.accessToken)).body.error?.code).toBe(200);
    const debug = await graph(emu, 'GET', 'debug_token', {
      token: emu.appToken,
      proof: false,
      query: { input_token: page.accessToken },
    });
    expect(debug.body['data']).toMatchObject({ is_valid: true, type: 'PAGE', profile_id: page.id });
    expect((debug.body['data'] as { scopes: string[] }).scopes).not.toContain('pages_messaging');
  });

  it('debug_token needs the app token and describes a page token; expiry is on the emulated clock', async () => {
    const page = {
      id: '2003',
      name: 'Exp',
      accessToken: 'exp-page-2003-abcd',
      tokenExpiresAt: emu.clock.now() + DAY,
    };
    emu.pages.add(page);
    const asPage = await graph(emu, 'GET', 'debug_token', { query: { input_token: page.accessToken } });
    expect(asPage.body.error?.code).toBe(100);
    const debug = await graph(emu, 'GET', 'debug_token', {
      token: emu.appToken,
      proof: false,
      query: { input_token: page.accessToken },
    });
    expect(debug.body['data']).toMatchObject({
      app_id: emu.appId,
      is_valid: true,
      expires_at: Math.floor(page.tokenExpiresAt / 1000),
    });
    emu.clock.advance(DAY);
    expect((await graph(emu, 'GET', 'me', { token: page.accessToken })).body.error?.error_subcode).toBe(463);
  });

  it('lists pages for the user token with their tokens and linked Instagram accounts; exchanges for a long-lived token', async () => {
    const linked = await startEmulator({
      appSecret: APP_SECRET,
      pages: [PAGE, { ...IG, facebookPageId: PAGE.id }],
      user: { accessToken: 'user-token-abcdef' },
    });
    try {
      const accounts = await graph(linked, 'GET', 'me/accounts', { token: 'user-token-abcdef' });
      expect(accounts.body['data']).toEqual([
        expect.objectContaining({
          id: PAGE.id,
          access_token: PAGE.accessToken,
          instagram_business_account: expect.objectContaining({ id: IG.id }),
          tasks: expect.arrayContaining(['MESSAGING']),
        }),
      ]);
      const exchange = await graph(linked, 'GET', 'oauth/access_token', {
        token: null,
        query: {
          grant_type: 'fb_exchange_token',
          client_id: linked.appId,
          client_secret: APP_SECRET,
          fb_exchange_token: 'user-token-abcdef',
        },
      });
      expect(exchange.body).toMatchObject({ token_type: 'bearer', expires_in: 5183944 });
      const longLived = exchange.body['access_token'] as string;
      expect((await graph(linked, 'GET', 'me/accounts', { token: longLived })).status).toBe(200);
      const badSecret = await graph(linked, 'GET', 'oauth/access_token', {
        token: null,
        query: {
          grant_type: 'fb_exchange_token',
          client_id: linked.appId,
          client_secret: 'nope',
          fb_exchange_token: 'user-token-abcdef',
        },
      });
      expect(badSecret.status).toBe(400);
    } finally {
      await linked.close();
    }
  });
});

describe('subscriptions, personas, comments, history', () => {
  it('reads, changes and deletes subscribed_apps', async () => {
    const page = { id: '3001', name: 'Subs', accessToken: 'subs-page-3001-abcd' };
    emu.pages.add(page);
    const token = page.accessToken;
    const list = await graph(emu, 'GET', `${page.id}/subscribed_apps`, { token });
    expect(list.body['data']).toEqual([
      expect.objectContaining({
        id: emu.appId,
        subscribed_fields: expect.arrayContaining(['messages', 'message_echoes']),
      }),
    ]);
    expect((await graph(emu, 'DELETE', `${page.id}/subscribed_apps`, { token })).body).toEqual({
      success: true,
    });
    expect((await graph(emu, 'GET', `${page.id}/subscribed_apps`, { token })).body).toEqual({ data: [] });
    expect((await graph(emu, 'POST', `${page.id}/subscribed_apps`, { token })).body.error?.code).toBe(100);
    const post = await graph(emu, 'POST', `${page.id}/subscribed_apps`, {
      token,
      query: { subscribed_fields: 'messages,message_reads' },
    });
    expect(post.body).toEqual({ success: true });
    expect(emu.subscriptions.fields(page.id)).toEqual(['messages', 'message_reads']);
    emu.subscriptions.drop(page.id);
    expect((await graph(emu, 'GET', `${page.id}/subscribed_apps`, { token })).body).toEqual({ data: [] });
  });

  it('creates, reads, uses and deletes personas', async () => {
    const created = await graph(emu, 'POST', 'me/personas', {
      body: { name: 'Jo from Support', profile_picture_url: 'https://example.com/jo.png' },
    });
    const personaId = created.body['id'] as string;
    expect(personaId).toMatch(/^\d+$/);
    expect((await graph(emu, 'GET', personaId)).body).toEqual({
      name: 'Jo from Support',
      profile_picture_url: 'https://example.com/jo.png',
      id: personaId,
    });
    expect(
      (
        await graph(emu, 'POST', 'me/personas', {
          body: { name: 'x'.repeat(51), profile_picture_url: 'https://e.com/a.png' },
        })
      ).body.error?.code,
    ).toBe(100);
    const c = customer();
    await emu.customer(c.id).send({ text: 'hi' });
    expect((await sendText(emu, c.id, 'as Jo', { persona_id: personaId })).status).toBe(200);
    expect(emu.sent().at(-1)?.personaId).toBe(personaId);
    expect((await graph(emu, 'DELETE', personaId)).body).toEqual({ success: true });
    expect((await sendText(emu, c.id, 'as Jo', { persona_id: personaId })).body.error?.code).toBe(100);
  });

  it('allows one private reply per comment within 7 days (10900 on the second) and public replies', async () => {
    const dan = customer(PAGE.id, 'Dan');
    const { comment } = await emu.customer(dan.id).comment({ text: 'Ship to Canada?' });
    const reply = (body: Record<string, unknown>) => graph(emu, 'POST', 'me/messages', { body });
    const first = await reply({
      recipient: { comment_id: comment.id },
      message: { text: 'Yes! Details in DM' },
    });
    expect(first.body).toEqual({ recipient_id: dan.id, message_id: expect.any(String) });
    expect(emu.sent().at(-1)?.recipient).toEqual({ comment_id: comment.id });
    const second = await reply({ recipient: { comment_id: comment.id }, message: { text: 'again' } });
    expect(second.body.error?.code).toBe(10900);
    // A private reply does not open the 24 h window.
    expect((await sendText(emu, dan.id, 'follow-up')).body.error?.error_subcode).toBe(2018278);
    const old = await emu.customer(dan.id).comment({ text: 'old one', at: emu.clock.now() - 8 * DAY });
    expect(
      (await reply({ recipient: { comment_id: old.comment.id }, message: { text: 'late' } })).body.error
        ?.code,
    ).toBe(10);
    const visitorPost = await emu.customer(dan.id).post({ text: 'Great shop' });
    expect(
      (await reply({ recipient: { post_id: visitorPost.comment.id }, message: { text: 'Thanks!' } })).status,
    ).toBe(200);
    const pub = await graph(emu, 'POST', `${comment.id}/comments`, { body: { message: 'Yes we do!' } });
    expect(pub.body).toEqual({ id: expect.any(String) });
    expect(emu.comments(PAGE.id).find((c) => c.id === comment.id)?.replies[0]?.text).toBe('Yes we do!');
    expect(
      (await graph(emu, 'POST', `${comment.id}/replies`, { body: { message: 'wrong edge' } })).body.error
        ?.code,
    ).toBe(100);
    const igUser = customer(IG.id, 'Ig Commenter');
    const igComment = await emu.customer(igUser.id).comment({ text: 'love it' });
    expect(
      (
        await graph(emu, 'POST', `${igComment.comment.id}/replies`, {
          token: IG.accessToken,
          body: { message: 'thanks' },
        })
      ).status,
    ).toBe(200);
  });

  it('lists conversations and their message history', async () => {
    const page = { id: '3002', name: 'History', accessToken: 'hist-page-3002-abcd' };
    emu.pages.add(page);
    const c = emu.customers.create({ pageId: page.id, name: 'Hana Ito' });
    await emu.customer(c.id).send({ text: 'first', at: '-2h' });
    await emu.customer(c.id).send({ text: 'second', at: '-1h' });
    await sendText(emu, c.id, 'answer', {}, page.accessToken);
    const conversations = await graph(emu, 'GET', `${page.id}/conversations`, { token: page.accessToken });
    const data = conversations.body['data'] as Array<{
      id: string;
      participants: { data: Array<{ id: string }> };
    }>;
    expect(data).toHaveLength(1);
    expect(data[0]!.participants.data.map((p) => p.id)).toEqual([c.id, page.id]);
    const history = await graph(emu, 'GET', `${data[0]!.id}/messages`, {
      token: page.accessToken,
      query: { limit: '2' },
    });
    expect((history.body['data'] as Array<{ message: string }>).map((m) => m.message)).toEqual([
      'answer',
      'second',
    ]);
    expect(history.body['paging']).toHaveProperty('next');
  });
});

describe('options', () => {
  it('rejects bad options with a ValidationError naming the field', async () => {
    const error = await startEmulator({ pages: [{ id: 'p1', name: 'x', accessToken: 'short' }] }).catch(
      (e: unknown) => e,
    );
    expect(isPagedeskError(error)).toBe(true);
    expect((error as Error).message).toContain('pages[0].accessToken');
    const dup = await startEmulator({ pages: [PAGE, PAGE] }).catch((e: unknown) => e);
    expect((dup as Error).message).toContain('pages[1].id');
  });
});
