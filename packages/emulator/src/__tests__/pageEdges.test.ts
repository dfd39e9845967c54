import { describe, expect, it } from 'vitest';
import { DAY, graph, IG, PAGE, sendText, useGraphEmulator } from './helpers.js';

// Profiles, subscribed_apps, personas, comment replies and conversation history.

const env = useGraphEmulator();

describe('profiles', () => {
  it('returns Messenger and Instagram fields, and Meta’s consent errors', async () => {
    const ana = env.customer(PAGE.id, 'Ana Maria Lima');
    const profile = await graph(env.emu, 'GET', ana.id, {
      query: { fields: 'first_name,last_name,profile_pic' },
    });
    expect(profile.body).toEqual({
      first_name: 'Ana',
      last_name: 'Maria Lima',
      profile_pic: expect.stringContaining('/samples/'),
      id: ana.id,
    });
    expect((await graph(env.emu, 'GET', ana.id, { query: { fields: 'shoe_size' } })).body.error?.code).toBe(
      100,
    );
    const igUser = env.emu.customers.create({ pageId: IG.id, name: 'Farah H', username: 'farah.h' });
    await env.emu.customer(igUser.id).comment({ text: 'nice' });
    const consent = await graph(env.emu, 'GET', igUser.id, {
      token: IG.accessToken,
      query: { fields: 'name,username' },
    });
    expect(consent.body.error?.code).toBe(230);
    await env.emu.customer(igUser.id).send({ text: 'hello' });
    const ig = await graph(env.emu, 'GET', igUser.id, {
      token: IG.accessToken,
      query: { fields: 'name,username,profile_pic' },
    });
    expect(ig.body).toMatchObject({ name: 'Farah H', username: 'farah.h', id: igUser.id });
    const phone = env.emu.customers.create({ pageId: PAGE.id, name: 'Phone Only', profileError: 2018218 });
    expect((await graph(env.emu, 'GET', phone.id)).body.error?.code).toBe(2018218);
    expect((await graph(env.emu, 'GET', igUser.id)).body.error?.error_subcode).toBe(2018001);
  });
});

describe('subscriptions, personas, comments, history', () => {
  it('reads, changes and deletes subscribed_apps', async () => {
    const page = { id: '3001', name: 'Subs', accessToken: 'subs-page-3001-abcd' };
    env.emu.pages.add(page);
    const token = page.accessToken;
    const list = await graph(env.emu, 'GET', `${page.id}/subscribed_apps`, { token });
    expect(list.body['data']).toEqual([
      expect.objectContaining({
        id: env.emu.appId,
        subscribed_fields: expect.arrayContaining(['messages', 'message_echoes']),
      }),
    ]);
    expect((await graph(env.emu, 'DELETE', `${page.id}/subscribed_apps`, { token })).body).toEqual({
      success: true,
    });
    expect((await graph(env.emu, 'GET', `${page.id}/subscribed_apps`, { token })).body).toEqual({ data: [] });
    expect((await graph(env.emu, 'POST', `${page.id}/subscribed_apps`, { token })).body.error?.code).toBe(
      100,
    );
    const post = await graph(env.emu, 'POST', `${page.id}/subscribed_apps`, {
      token,
      query: { subscribed_fields: 'messages,message_reads' },
    });
    expect(post.body).toEqual({ success: true });
    expect(env.emu.subscriptions.fields(page.id)).toEqual(['messages', 'message_reads']);
    env.emu.subscriptions.drop(page.id);
    expect((await graph(env.emu, 'GET', `${page.id}/subscribed_apps`, { token })).body).toEqual({ data: [] });
  });

  it('creates, reads, uses and deletes personas', async () => {
    const created = await graph(env.emu, 'POST', 'me/personas', {
      body: { name: 'Jo from Support', profile_picture_url: 'https://example.com/jo.png' },
    });
    const personaId = created.body['id'] as string;
    expect(personaId).toMatch(/^\d+$/);
    expect((await graph(env.emu, 'GET', personaId)).body).toEqual({
      name: 'Jo from Support',
      profile_picture_url: 'https://example.com/jo.png',
      id: personaId,
    });
    expect(
      (
        await graph(env.emu, 'POST', 'me/personas', {
          body: { name: 'x'.repeat(51), profile_picture_url: 'https://e.com/a.png' },
        })
      ).body.error?.code,
    ).toBe(100);
    const c = env.customer();
    await env.emu.customer(c.id).send({ text: 'hi' });
    expect((await sendText(env.emu, c.id, 'as Jo', { persona_id: personaId })).status).toBe(200);
    expect(env.emu.sent().at(-1)?.personaId).toBe(personaId);
    expect((await graph(env.emu, 'DELETE', personaId)).body).toEqual({ success: true });
    expect((await sendText(env.emu, c.id, 'as Jo', { persona_id: personaId })).body.error?.code).toBe(100);
  });

  it('allows one private reply per comment within 7 days (10900 on the second) and public replies', async () => {
    const dan = env.customer(PAGE.id, 'Dan');
    const { comment } = await env.emu.customer(dan.id).comment({ text: 'Ship to Canada?' });
    const reply = (body: Record<string, unknown>) => graph(env.emu, 'POST', 'me/messages', { body });
    const first = await reply({
      recipient: { comment_id: comment.id },
      message: { text: 'Yes! Details in DM' },
    });
    expect(first.body).toEqual({ recipient_id: dan.id, message_id: expect.any(String) });
    expect(env.emu.sent().at(-1)?.recipient).toEqual({ comment_id: comment.id });
    const second = await reply({ recipient: { comment_id: comment.id }, message: { text: 'again' } });
    expect(second.body.error?.code).toBe(10900);
    // A private reply does not open the 24 h window.
    expect((await sendText(env.emu, dan.id, 'follow-up')).body.error?.error_subcode).toBe(2018278);
    const old = await env.emu
      .customer(dan.id)
      .comment({ text: 'old one', at: env.emu.clock.now() - 8 * DAY });
    expect(
      (await reply({ recipient: { comment_id: old.comment.id }, message: { text: 'late' } })).body.error
        ?.code,
    ).toBe(10);
    const visitorPost = await env.emu.customer(dan.id).post({ text: 'Great shop' });
    expect(
      (await reply({ recipient: { post_id: visitorPost.comment.id }, message: { text: 'Thanks!' } })).status,
    ).toBe(200);
    const pub = await graph(env.emu, 'POST', `${comment.id}/comments`, { body: { message: 'Yes we do!' } });
    expect(pub.body).toEqual({ id: expect.any(String) });
    expect(env.emu.comments(PAGE.id).find((c) => c.id === comment.id)?.replies[0]?.text).toBe('Yes we do!');
    expect(
      (await graph(env.emu, 'POST', `${comment.id}/replies`, { body: { message: 'wrong edge' } })).body.error
        ?.code,
    ).toBe(100);
    const igUser = env.customer(IG.id, 'Ig Commenter');
    const igComment = await env.emu.customer(igUser.id).comment({ text: 'love it' });
    expect(
      (
        await graph(env.emu, 'POST', `${igComment.comment.id}/replies`, {
          token: IG.accessToken,
          body: { message: 'thanks' },
        })
      ).status,
    ).toBe(200);
  });

  it('lists conversations and their message history', async () => {
    const page = { id: '3002', name: 'History', accessToken: 'hist-page-3002-abcd' };
    env.emu.pages.add(page);
    const c = env.emu.customers.create({ pageId: page.id, name: 'Hana Ito' });
    await env.emu.customer(c.id).send({ text: 'first', at: '-2h' });
    await env.emu.customer(c.id).send({ text: 'second', at: '-1h' });
    await sendText(env.emu, c.id, 'answer', {}, page.accessToken);
    const conversations = await graph(env.emu, 'GET', `${page.id}/conversations`, {
      token: page.accessToken,
    });
    const data = conversations.body['data'] as Array<{
      id: string;
      participants: { data: Array<{ id: string }> };
    }>;
    expect(data).toHaveLength(1);
    expect(data[0]!.participants.data.map((p) => p.id)).toEqual([c.id, page.id]);
    const history = await graph(env.emu, 'GET', `${data[0]!.id}/messages`, {
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
