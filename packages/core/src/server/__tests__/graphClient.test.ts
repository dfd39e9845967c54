import { describe, expect, it } from 'vitest';
import { GraphError, TokenError, ValidationError } from '../../errors.js';
import { createGraphClient } from '../graphClient.js';
import { metaError, proofOf } from './graphStandin.js';
import { APP_SECRET, PAGE_TOKEN, testClient, useGraphStandin } from './graphTestClient.js';

const env = useGraphStandin();

describe('createGraphClient: every call', () => {
  it('carries access_token and a correct appsecret_proof under the configured version', async () => {
    env.standin.handle((r) => {
      if (r.path === 'PAGE1/messages') return { json: { recipient_id: 'PSID', message_id: 'm_1' } };
      if (r.path === 'PSID') return { json: { id: 'PSID', first_name: 'Ana' } };
      if (r.path === 'PAGE1/subscribed_apps') return { json: { data: [] } };
      if (r.path === 'debug_token') return { json: { data: { is_valid: true } } };
      return undefined;
    });
    const { graph, page } = testClient(env.standin);
    await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    await page.senderAction('PSID', 'typing_on');
    await page.profile('PSID', 'messenger');
    await page.subscribedApps();
    await graph.debugToken(PAGE_TOKEN);
    expect(env.standin.requests).toHaveLength(5);
    for (const r of env.standin.requests) {
      expect(r.version).toBe('25.0');
      expect(r.query['access_token']).toBeTruthy();
      expect(r.query['appsecret_proof']).toBe(proofOf(APP_SECRET, r.query['access_token']!));
    }
    expect(env.standin.requests.at(-1)!.query['access_token']).toBe(`111|${APP_SECRET}`);
    expect(env.standin.requests.at(-1)!.query['input_token']).toBe(PAGE_TOKEN);
  });

  it('accepts a version with a leading v and refuses a malformed one', () => {
    expect(createGraphClient({ appSecret: 'x', version: 'v24.0' }).version).toBe('24.0');
    expect(() => createGraphClient({ appSecret: 'x', version: 'latest' })).toThrow(ValidationError);
    expect(() => createGraphClient({ appSecret: '', version: '25.0' })).toThrow(/appSecret/);
  });

  it('never puts the token, the proof or the secret in onRequest info or errors', async () => {
    env.standin.handle(() => ({
      status: 400,
      json: metaError(190, 460, `Error validating access token ${PAGE_TOKEN}`),
    }));
    const { page, logs } = testClient(env.standin);
    const error = await page.profile('PSID', 'messenger').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('password_changed');
    const everything =
      JSON.stringify(logs) + String((error as Error).message) + String((error as Error).stack);
    expect(everything).not.toContain(PAGE_TOKEN);
    expect(everything).not.toContain(proofOf(APP_SECRET, PAGE_TOKEN));
    expect(everything).not.toContain(APP_SECRET);
    expect(logs[0]!.url).toContain('access_token=[redacted]');
  });

  it('redacts the client secret of the token exchange from logs', async () => {
    env.standin.handle(() => ({ json: { access_token: 'long-lived-token-xyz', expires_in: 5183944 } }));
    const { graph, logs } = testClient(env.standin, { now: () => 1_000_000 });
    const result = await graph.exchangeUserToken('short-user-token-123');
    expect(result).toEqual({ accessToken: 'long-lived-token-xyz', expiresAt: 1_000_000 + 5_183_944_000 });
    expect(env.standin.requests[0]!.query).toMatchObject({
      grant_type: 'fb_exchange_token',
      client_id: '111',
      client_secret: APP_SECRET,
    });
    expect(JSON.stringify(logs)).not.toContain(APP_SECRET);
    expect(JSON.stringify(logs)).not.toContain('short-user-token-123');
  });

  it('keeps the exchanged and inspected tokens out of the error Meta words around them', async () => {
    // Meta quotes a malformed token in its message; these tokens travel as query parameters, not as
    // the call's access_token, so they must be redacted by value too.
    env.standin.handle((r) => ({
      status: 400,
      json: metaError(
        190,
        undefined,
        `Malformed access token ${r.query['fb_exchange_token'] ?? r.query['input_token']}`,
      ),
    }));
    const { graph, logs } = testClient(env.standin);
    const exchange = await graph.exchangeUserToken('user-token-quoted-back-42').catch((e: unknown) => e);
    expect(exchange).toBeInstanceOf(TokenError);
    expect((exchange as Error).message).toContain('Malformed access token');
    expect((exchange as Error).message).not.toContain('user-token-quoted-back-42');
    const inspect = await graph.debugToken('input-token-quoted-back-42').catch((e: unknown) => e);
    expect((inspect as Error).message).not.toContain('input-token-quoted-back-42');
    expect(JSON.stringify(logs)).not.toMatch(/quoted-back/);
  });

  it('survives a log hook that throws', async () => {
    env.standin.handle(() => ({ json: { data: [] } }));
    const { page } = testClient(env.standin, {
      onRequest: () => {
        throw new Error('logger down');
      },
    });
    await expect(page.subscribedApps()).resolves.toEqual([]);
  });

  it('rejects an unexpected success body with invalid_response naming the field', async () => {
    env.standin.handle(() => ({ json: { recipient_id: 'PSID' } }));
    const { page } = testClient(env.standin);
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).code).toBe('invalid_response');
    expect((error as GraphError).message).toContain('message_id');
  });

  it('reads debug_token with times in milliseconds and never-expiring as null', async () => {
    env.standin.handle(() => ({
      json: {
        data: {
          app_id: '111',
          type: 'PAGE',
          is_valid: false,
          expires_at: 0,
          data_access_expires_at: 1_700_000_000,
          profile_id: 'PAGE1',
          scopes: ['pages_messaging'],
          error: { code: 190, subcode: 460, message: 'The session has been invalidated' },
        },
      },
    }));
    const { graph } = testClient(env.standin);
    await expect(graph.debugToken(PAGE_TOKEN)).resolves.toEqual({
      isValid: false,
      appId: '111',
      type: 'PAGE',
      profileId: 'PAGE1',
      scopes: ['pages_messaging'],
      granularScopes: [],
      expiresAt: null,
      dataAccessExpiresAt: 1_700_000_000_000,
      error: { code: 190, subcode: 460, message: 'The session has been invalidated' },
    });
    await expect(createGraphClient({ appSecret: 'x' }).debugToken('t')).rejects.toThrow(/appId/);
  });
});
