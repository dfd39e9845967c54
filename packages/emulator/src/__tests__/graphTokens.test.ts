import { describe, expect, it } from 'vitest';
import { startEmulator } from '../index.js';
import { APP_SECRET, DAY, graph, IG, PAGE, sendText, useGraphEmulator } from './helpers.js';

// Page and user tokens: revocation subcodes, reissue, debug_token, /me/accounts and the long-lived exchange.

const env = useGraphEmulator();

describe('tokens', () => {
  it('maps each revocation reason to its 190 subcode, and reissue retires the old token (467)', async () => {
    const page = { id: '2001', name: 'Tokens', accessToken: 'tokens-page-2001-abc' };
    env.emu.pages.add(page);
    const cases = [
      ['password_changed', 460],
      ['app_removed', 458],
      ['session_invalid', 492],
      ['checkpoint', 459],
      ['invalid', 467],
    ] as const;
    let token = page.accessToken;
    for (const [reason, subcode] of cases) {
      env.emu.tokens.revoke(page.id, reason);
      expect((await graph(env.emu, 'GET', 'me', { token })).body.error).toMatchObject({
        code: 190,
        error_subcode: subcode,
      });
      const debug = await graph(env.emu, 'GET', 'debug_token', {
        token: env.emu.appToken,
        proof: false,
        query: { input_token: token },
      });
      expect(debug.body['data']).toMatchObject({ is_valid: false, error: { code: 190, subcode } });
      const old = token;
      token = env.emu.tokens.reissue(page.id);
      expect((await graph(env.emu, 'GET', 'me', { token })).status).toBe(200);
      expect((await graph(env.emu, 'GET', 'me', { token: old })).body.error).toMatchObject({
        code: 190,
        error_subcode: 467,
      });
    }
    env.emu.tokens.expire(page.id);
    expect((await graph(env.emu, 'GET', 'me', { token })).body.error?.error_subcode).toBe(463);
  });

  it('permission_revoked keeps the token valid but drops pages_messaging: sends fail with 200', async () => {
    const page = { id: '2002', name: 'Perm', accessToken: 'perm-page-2002-abcd' };
    env.emu.pages.add(page);
    const c = env.emu.customers.create({ pageId: page.id, name: 'P' });
    await env.emu.customer(c.id).send({ text: 'hi' });
    env.emu.tokens.revoke(page.id, 'permission_revoked');
    expect((await sendText(env.emu, c.id, 'x', {}, page.accessToken)).body.error?.code).toBe(200);
    const debug = await graph(env.emu, 'GET', 'debug_token', {
      token: env.emu.appToken,
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
      tokenExpiresAt: env.emu.clock.now() + DAY,
    };
    env.emu.pages.add(page);
    const asPage = await graph(env.emu, 'GET', 'debug_token', { query: { input_token: page.accessToken } });
    expect(asPage.body.error?.code).toBe(100);
    const debug = await graph(env.emu, 'GET', 'debug_token', {
      token: env.emu.appToken,
      proof: false,
      query: { input_token: page.accessToken },
    });
    expect(debug.body['data']).toMatchObject({
      app_id: env.emu.appId,
      is_valid: true,
      expires_at: Math.floor(page.tokenExpiresAt / 1000),
    });
    env.emu.clock.advance(DAY);
    expect((await graph(env.emu, 'GET', 'me', { token: page.accessToken })).body.error?.error_subcode).toBe(
      463,
    );
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
