import { isPagedeskError } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../index.js';
import { APP_SECRET, DAY, graph, HOUR, IG, PAGE, proof, sendText, useGraphEmulator } from './helpers.js';

// The Graph API's authentication, the Send API and the emulator's options.

const env = useGraphEmulator();

describe('authentication', () => {
  it('requires an access token (104) and rejects unknown tokens (190)', async () => {
    const none = await graph(env.emu, 'GET', 'me', { token: null });
    expect(none.body.error).toMatchObject({ code: 104, type: 'OAuthException' });
    const unknown = await graph(env.emu, 'GET', 'me', { token: 'not-a-real-token' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe(190);
    expect(unknown.body.error?.error_subcode).toBeUndefined();
    expect(unknown.body.error?.fbtrace_id).toMatch(/^A/);
  });

  it('enforces appsecret_proof: missing or wrong → 100, right (also the timed variant) → ok', async () => {
    const missing = await graph(env.emu, 'GET', 'me', { proof: false });
    expect(missing.body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(missing.body.error?.message).toContain('appsecret_proof');
    const wrong = await graph(env.emu, 'GET', 'me', { proof: proof(PAGE.accessToken, 'another-secret') });
    expect(wrong.body.error?.code).toBe(100);
    const right = await graph(env.emu, 'GET', 'me');
    expect(right.body).toEqual({ name: PAGE.name, id: PAGE.id });
    const time = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const timed = createHmac('sha256', APP_SECRET).update(`${PAGE.accessToken}|${time}`).digest('hex');
    const timedOk = await graph(env.emu, 'GET', 'me', { proof: timed, query: { appsecret_time: time } });
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
    const url = `${env.emu.graphUrl}/v22.0/me?appsecret_proof=${proof(PAGE.accessToken)}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${PAGE.accessToken}` } });
    expect(await response.json()).toEqual({ name: PAGE.name, id: PAGE.id });
  });

  it('reads page fields, including expansions, on /me and /{page-id}', async () => {
    const me = await graph(env.emu, 'GET', 'me', { query: { fields: 'id,name,picture{url}' } });
    expect(me.body).toEqual({
      id: PAGE.id,
      name: PAGE.name,
      picture: { data: { url: expect.stringContaining('/samples/') } },
    });
    const ig = await graph(env.emu, 'GET', IG.id, {
      token: IG.accessToken,
      query: { fields: 'username,profile_picture_url' },
    });
    expect(ig.body).toMatchObject({ id: IG.id, username: IG.name, profile_picture_url: expect.any(String) });
    expect(
      (await graph(env.emu, 'GET', 'me', { query: { fields: 'id,favourite_colour' } })).body.error?.code,
    ).toBe(100);
  });

  it('answers unknown routes with Meta’s 100/33 GraphMethodException', async () => {
    const response = await graph(env.emu, 'GET', 'me/nothing_here');
    expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });
});

describe('Send API', () => {
  it('accepts a text reply inside 24 h and records every field for assertions', async () => {
    const ana = env.customer();
    const { mid } = await env.emu.customer(ana.id).send({ text: 'Hi', at: '-1h' });
    const res = await sendText(env.emu, ana.id, 'Hello Ana', {
      reply_to: { mid },
      persona_id: undefined,
      notification_type: 'NO_PUSH',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recipient_id: ana.id, message_id: expect.stringMatching(/^m_/) });
    const meta = await graph(env.emu, 'POST', `${PAGE.id}/messages`, {
      body: {
        recipient: { id: ana.id },
        messaging_type: 'UPDATE',
        message: { text: 'Update', metadata: 'draft-42' },
      },
    });
    expect(meta.status).toBe(200);
    const sent = env.emu.sent(PAGE.id).filter((m) => m.recipientId === ana.id);
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
      env.emu
        .customer(ana.id)
        .messages()
        .map((m) => m.direction),
    ).toEqual(['inbound', 'outbound', 'outbound']);
  });

  it('refuses after 24 h with 10/2018278, allows HUMAN_AGENT up to 7 days, refuses after', async () => {
    const ben = env.customer(PAGE.id, 'Ben');
    await env.emu.customer(ben.id).send({ text: 'Change address?', at: env.emu.clock.now() - 30 * HOUR });
    const response = await sendText(env.emu, ben.id, 'Sure');
    expect(response.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    const tagged = await sendText(env.emu, ben.id, 'Sure', {
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(tagged.status).toBe(200);
    expect(env.emu.sent().at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    env.emu.clock.advance(6 * DAY);
    const late = await sendText(env.emu, ben.id, 'Still there?', {
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(late.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
  });

  it('computes the window from the last inbound message, reactions and postbacks, on the emulated clock', async () => {
    const c = env.customer(PAGE.id, 'Clock Person');
    await env.emu.customer(c.id).send({ text: 'hello' });
    env.emu.clock.advance(24 * HOUR);
    expect((await sendText(env.emu, c.id, 'exactly 24 h')).status).toBe(200);
    env.emu.clock.advance(1);
    expect((await sendText(env.emu, c.id, 'one ms late')).body.error?.error_subcode).toBe(2018278);
    await env.emu.customer(c.id).postback({ title: 'Get Started', payload: 'GET_STARTED' });
    expect((await sendText(env.emu, c.id, 'after postback')).status).toBe(200);
    env.emu.clock.advance(25 * HOUR);
    const mid = env.emu.customer(c.id).messages().at(-1)!.mid;
    await env.emu.customer(c.id).react(mid, '👍');
    expect((await sendText(env.emu, c.id, 'after reaction')).status).toBe(200);
  });

  it('never opens a window for a customer who has not written, and uses 2534022 on Instagram', async () => {
    const silent = env.customer(PAGE.id, 'Silent');
    expect((await sendText(env.emu, silent.id, 'hi')).body.error?.error_subcode).toBe(2018278);
    const igUser = env.customer(IG.id, 'Ig Person');
    await env.emu.customer(igUser.id).send({ text: 'hey', at: env.emu.clock.now() - 2 * DAY });
    const ig = await sendText(env.emu, igUser.id, 'late', {}, IG.accessToken);
    expect(ig.body.error).toMatchObject({ code: 10, error_subcode: 2534022 });
  });

  it('refuses HUMAN_AGENT without the Human Agent feature (200)', async () => {
    const c = env.customer('1003', 'Dora');
    await env.emu.customer(c.id).send({ text: 'hi', at: env.emu.clock.now() - 2 * DAY });
    const res = await sendText(
      env.emu,
      c.id,
      'x',
      { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
      'page-token-1003-abcdef',
    );
    expect(res.body.error?.code).toBe(200);
  });

  it('rejects removed tags, a missing tag and a missing messaging_type with 100', async () => {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    for (const tag of ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']) {
      expect(
        (await sendText(env.emu, c.id, 'x', { messaging_type: 'MESSAGE_TAG', tag })).body.error?.code,
      ).toBe(100);
    }
    expect((await sendText(env.emu, c.id, 'x', { messaging_type: 'MESSAGE_TAG' })).body.error?.code).toBe(
      100,
    );
    const untyped = await graph(env.emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, message: { text: 'x' } },
    });
    expect(untyped.body.error?.code).toBe(100);
  });

  it('enforces the 2000-character text limit in characters, not UTF-16 units', async () => {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    expect((await sendText(env.emu, c.id, '🙂'.repeat(2000))).status).toBe(200);
    const long = await sendText(env.emu, c.id, 'a'.repeat(2001));
    expect(long.body.error?.code).toBe(100);
    expect(long.body.error?.message).toContain('2000');
  });

  it('validates message shape: one content kind, ≤ 13 quick replies, metadata ≤ 1000, images-only attachments ≤ 30', async () => {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    const qr = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title: `Q${i}`, payload: `P${i}` }));
    const post = (message: unknown) =>
      graph(env.emu, 'POST', 'me/messages', {
        body: { recipient: { id: c.id }, messaging_type: 'RESPONSE', message },
      });
    expect((await post({ text: 'pick', quick_replies: qr(13) })).status).toBe(200);
    expect((await post({ text: 'pick', quick_replies: qr(14) })).body.error?.code).toBe(100);
    expect((await post({ text: 'x', metadata: 'm'.repeat(1001) })).body.error?.code).toBe(100);
    const image = { type: 'image', payload: { url: `${env.emu.url}/samples/ocean.png` } };
    expect((await post({ text: 'x', attachment: image })).body.error?.code).toBe(100);
    expect((await post({})).body.error?.code).toBe(100);
    expect((await post({ attachments: Array.from({ length: 30 }, () => image) })).status).toBe(200);
    expect((await post({ attachments: Array.from({ length: 31 }, () => image) })).body.error?.code).toBe(100);
    expect(
      (await post({ attachments: [{ type: 'file', payload: { url: `${env.emu.url}/samples/ocean.png` } }] }))
        .body.error?.code,
    ).toBe(100);
    expect(env.emu.sent().at(-1)?.attachments).toHaveLength(30);
  });

  it('answers 2018001 for an unknown or foreign recipient and 551 for an unavailable one', async () => {
    expect((await sendText(env.emu, '999999', 'x')).body.error).toMatchObject({
      code: 100,
      error_subcode: 2018001,
    });
    const igUser = env.customer(IG.id, 'Other Page');
    expect((await sendText(env.emu, igUser.id, 'x')).body.error?.error_subcode).toBe(2018001);
    const gone = env.emu.customers.create({ pageId: PAGE.id, name: 'Gone', unavailable: true });
    await env.emu.customer(gone.id).send({ text: 'bye' });
    expect((await sendText(env.emu, gone.id, 'x')).body.error).toMatchObject({ code: 551 });
  });

  it('accepts sender actions only alone, and records them', async () => {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    const typing = await graph(env.emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, sender_action: 'typing_on' },
    });
    expect(typing.body).toEqual({ recipient_id: c.id });
    expect(env.emu.senderActions().at(-1)).toMatchObject({ action: 'typing_on', recipientId: c.id });
    const mixed = await graph(env.emu, 'POST', 'me/messages', {
      body: { recipient: { id: c.id }, sender_action: 'typing_on', message: { text: 'x' } },
    });
    expect(mixed.body.error?.code).toBe(100);
  });

  it('accepts form-encoded calls with JSON-encoded fields', async () => {
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    const form = new URLSearchParams({
      recipient: JSON.stringify({ id: c.id }),
      messaging_type: 'RESPONSE',
      message: JSON.stringify({ text: 'form' }),
    });
    const url = `${env.emu.graphUrl}/v25.0/me/messages?access_token=${PAGE.accessToken}&appsecret_proof=${proof(PAGE.accessToken)}`;
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(env.emu.sent().at(-1)?.text).toBe('form');
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
