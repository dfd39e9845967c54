import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphError, RateLimitError, TokenError, ValidationError, WindowClosedError } from '../../errors.js';
import { createGraphClient, type GraphClientOptions } from '../graphClient.js';
import type { GraphRequestInfo } from '../graphRequest.js';
import { type GraphStandin, metaError, proofOf, startGraphStandin } from './graphStandin.js';

const APP_SECRET = 'app-secret-0123456789';
const PAGE_TOKEN = 'EAAB-page-token-abcdefghij';
let standin: GraphStandin;

beforeAll(async () => {
  standin = await startGraphStandin();
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.requests.length = 0;
  standin.handle(() => undefined);
});

function client(overrides: Partial<GraphClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: GraphRequestInfo[] = [];
  const graph = createGraphClient({
    appId: '111',
    appSecret: APP_SECRET,
    version: '25.0',
    baseUrl: standin.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRequest: (info) => logs.push(info),
    ...overrides,
  });
  return { graph, sleeps, logs, page: graph.forPage({ id: 'PAGE1', accessToken: PAGE_TOKEN }) };
}

describe('createGraphClient: every call', () => {
  it('carries access_token and a correct appsecret_proof under the configured version', async () => {
    standin.handle((r) => {
      if (r.path === 'PAGE1/messages') return { json: { recipient_id: 'PSID', message_id: 'm_1' } };
      if (r.path === 'PSID') return { json: { id: 'PSID', first_name: 'Ana' } };
      if (r.path === 'PAGE1/subscribed_apps') return { json: { data: [] } };
      if (r.path === 'debug_token') return { json: { data: { is_valid: true } } };
      return undefined;
    });
    const { graph, page } = client();
    await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    await page.senderAction('PSID', 'typing_on');
    await page.profile('PSID', 'messenger');
    await page.subscribedApps();
    await graph.debugToken(PAGE_TOKEN);
    expect(standin.requests).toHaveLength(5);
    for (const r of standin.requests) {
      expect(r.version).toBe('25.0');
      expect(r.query['access_token']).toBeTruthy();
      expect(r.query['appsecret_proof']).toBe(proofOf(APP_SECRET, r.query['access_token']!));
    }
    expect(standin.requests.at(-1)!.query['access_token']).toBe(`111|${APP_SECRET}`);
    expect(standin.requests.at(-1)!.query['input_token']).toBe(PAGE_TOKEN);
  });

  it('accepts a version with a leading v and refuses a malformed one', () => {
    expect(createGraphClient({ appSecret: 'x', version: 'v24.0' }).version).toBe('24.0');
    expect(() => createGraphClient({ appSecret: 'x', version: 'latest' })).toThrow(ValidationError);
    expect(() => createGraphClient({ appSecret: '', version: '25.0' })).toThrow(/appSecret/);
  });

  it('never puts the token, the proof or the secret in onRequest info or errors', async () => {
    standin.handle(() => ({
      status: 400,
      json: metaError(190, 460, `Error validating access token ${PAGE_TOKEN}`),
    }));
    const { page, logs } = client();
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
    standin.handle(() => ({ json: { access_token: 'long-lived-token-xyz', expires_in: 5183944 } }));
    const { graph, logs } = client({ now: () => 1_000_000 });
    const result = await graph.exchangeUserToken('short-user-token-123');
    expect(result).toEqual({ accessToken: 'long-lived-token-xyz', expiresAt: 1_000_000 + 5_183_944_000 });
    expect(standin.requests[0]!.query).toMatchObject({
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
    standin.handle((r) => ({
      status: 400,
      json: metaError(
        190,
        undefined,
        `Malformed access token ${r.query['fb_exchange_token'] ?? r.query['input_token']}`,
      ),
    }));
    const { graph, logs } = client();
    const exchange = await graph.exchangeUserToken('user-token-quoted-back-42').catch((e: unknown) => e);
    expect(exchange).toBeInstanceOf(TokenError);
    expect((exchange as Error).message).toContain('Malformed access token');
    expect((exchange as Error).message).not.toContain('user-token-quoted-back-42');
    const inspect = await graph.debugToken('input-token-quoted-back-42').catch((e: unknown) => e);
    expect((inspect as Error).message).not.toContain('input-token-quoted-back-42');
    expect(JSON.stringify(logs)).not.toMatch(/quoted-back/);
  });

  it('survives a log hook that throws', async () => {
    standin.handle(() => ({ json: { data: [] } }));
    const { page } = client({
      onRequest: () => {
        throw new Error('logger down');
      },
    });
    await expect(page.subscribedApps()).resolves.toEqual([]);
  });

  it('rejects an unexpected success body with invalid_response naming the field', async () => {
    standin.handle(() => ({ json: { recipient_id: 'PSID' } }));
    const { page } = client();
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).code).toBe('invalid_response');
    expect((error as GraphError).message).toContain('message_id');
  });
});

describe('retries', () => {
  it('retries a transient 1200 with backoff, then succeeds', async () => {
    let calls = 0;
    standin.handle(() =>
      ++calls < 3
        ? { status: 400, json: metaError(1200, undefined, 'Temporary send message failure') }
        : { json: { recipient_id: 'PSID', message_id: 'm_ok' } },
    );
    const { page, sleeps, logs } = client();
    const result = await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    expect(result.messageId).toBe('m_ok');
    expect(calls).toBe(3);
    // 500 ms then 1000 ms steps with equal jitter at random() = 0.5.
    expect(sleeps).toEqual([375, 750]);
    expect(logs.map((l) => l.willRetry)).toEqual([true, true, false]);
  });

  it('retries a 5xx GET and a dropped connection on GET', async () => {
    let calls = 0;
    standin.handle(() => {
      calls++;
      if (calls === 1)
        return { status: 500, json: metaError(2, undefined, 'Service temporarily unavailable') };
      if (calls === 2) return { hangUp: true };
      return { json: { id: 'PSID', name: 'Ana Lima' } };
    });
    const { page } = client();
    await expect(page.profile('PSID', 'messenger')).resolves.toMatchObject({ name: 'Ana Lima' });
    expect(calls).toBe(3);
  });

  it('does not retry a non-retryable error', async () => {
    standin.handle(() => ({ status: 400, json: metaError(10, 2018278, 'outside of allowed window') }));
    const { page, sleeps } = client();
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).rejects.toBeInstanceOf(WindowClosedError);
    expect(standin.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('stops after the retry limit', async () => {
    standin.handle(() => ({ status: 400, json: metaError(2) }));
    const { page } = client({ retry: { limit: 2 } });
    await expect(page.subscribedApps()).rejects.toMatchObject({ graphCode: 2, retryable: true });
    expect(standin.requests).toHaveLength(3);
  });

  it('honours estimated_time_to_regain_access before retrying a rate limit', async () => {
    let calls = 0;
    standin.handle(() =>
      ++calls === 1
        ? {
            status: 400,
            json: metaError(80006, undefined, 'rate limited'),
            headers: {
              'x-business-use-case-usage': JSON.stringify({
                PAGE1: [
                  {
                    type: 'messenger',
                    call_count: 100,
                    total_time: 5,
                    total_cputime: 5,
                    estimated_time_to_regain_access: 1,
                  },
                ],
              }),
            },
          }
        : { json: { recipient_id: 'PSID', message_id: 'm_2' } },
    );
    const { page, sleeps, logs } = client();
    await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    expect(sleeps).toEqual([60_000]);
    expect(logs[0]!.usage?.business?.[0]?.estimatedTimeToRegainAccess).toBe(1);
  });

  it('throws a rate limit at once when Meta asks for a longer wait than allowed', async () => {
    standin.handle(() => ({
      status: 400,
      json: metaError(4),
      headers: {
        'x-business-use-case-usage': JSON.stringify({ PAGE1: [{ estimated_time_to_regain_access: 30 }] }),
      },
    }));
    const { page, sleeps } = client();
    const error = await page.subscribedApps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1_800_000);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a Send API POST that timed out: outcome_unknown', async () => {
    standin.handle(() => ({ delayMs: 300, json: { recipient_id: 'PSID', message_id: 'm_late' } }));
    const { page } = client({ timeoutMs: 50 });
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'outcome_unknown', retryable: true });
    expect(standin.requests).toHaveLength(1);
  });

  it('does not repeat a Send API POST after a 502 without Meta error JSON', async () => {
    standin.handle(() => ({ status: 502, json: undefined }));
    const { page } = client();
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).rejects.toMatchObject({ code: 'outcome_unknown' });
    expect(standin.requests).toHaveLength(1);
  });

  it('retries a POST when the connection was refused (it never reached Meta)', async () => {
    const attempts: string[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      attempts.push('x');
      if (attempts.length === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return fetch(input, init);
    };
    standin.handle(() => ({ json: { recipient_id: 'PSID', message_id: 'm_3' } }));
    const { page } = client({ fetch: fetchStub });
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).resolves.toMatchObject({ messageId: 'm_3' });
    expect(attempts).toHaveLength(2);
  });
});

describe('Send API bodies', () => {
  beforeEach(() => standin.handle(() => ({ json: { recipient_id: 'PSID', message_id: 'm' } })));

  it('sends text with quick replies, metadata, reply_to, a tag and a persona', async () => {
    const { page } = client();
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      text: 'Hello',
      quickReplies: [{ title: 'Yes', payload: 'YES' }, { contentType: 'user_email' }],
      metadata: 'pd_msg_1',
      replyTo: 'm_quoted',
      personaId: 'persona_1',
    });
    expect(standin.requests[0]!.body).toEqual({
      recipient: { id: 'PSID' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: {
        text: 'Hello',
        quick_replies: [
          { content_type: 'text', title: 'Yes', payload: 'YES' },
          { content_type: 'user_email' },
        ],
        metadata: 'pd_msg_1',
      },
      reply_to: { mid: 'm_quoted' },
      persona_id: 'persona_1',
    });
  });

  it('sends an attachment by URL, by attachment_id, and several images in one message', async () => {
    const { page } = client();
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachment: { type: 'file', url: 'https://files.example/a.pdf' },
    });
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachment: { type: 'video', attachmentId: '99' },
    });
    await page.send({
      recipient: { id: 'PSID' },
      messagingType: 'RESPONSE',
      attachments: [
        { type: 'image', url: 'https://files.example/1.png' },
        { type: 'image', attachmentId: '42' },
      ],
    });
    const bodies = standin.requests.map((r) => (r.body as { message: unknown }).message);
    expect(bodies).toEqual([
      { attachment: { type: 'file', payload: { url: 'https://files.example/a.pdf' } } },
      { attachment: { type: 'video', payload: { attachment_id: '99' } } },
      {
        attachments: [
          { type: 'image', payload: { url: 'https://files.example/1.png' } },
          { type: 'image', payload: { attachment_id: '42' } },
        ],
      },
    ]);
  });

  it('sends private replies to a comment and sender actions alone', async () => {
    const { page } = client();
    await page.privateReply({ commentId: 'C1' }, { text: 'Sent you a DM' });
    await page.senderAction('PSID', 'mark_seen', { personaId: 'p' });
    await page.senderAction('PSID', 'typing_on', { personaId: 'p' });
    expect(standin.requests.map((r) => r.body)).toEqual([
      { recipient: { comment_id: 'C1' }, messaging_type: 'RESPONSE', message: { text: 'Sent you a DM' } },
      { recipient: { id: 'PSID' }, sender_action: 'mark_seen' },
      { recipient: { id: 'PSID' }, sender_action: 'typing_on', persona_id: 'p' },
    ]);
  });

  it.each([
    [{ text: '' }, 'text'],
    [{ text: 'a'.repeat(2001) }, 'text'],
    [{ text: 'a', attachment: { type: 'image' as const, url: 'https://x.example/a.png' } }, 'text'],
    [{ attachments: [{ type: 'video' as const, url: 'https://x.example/a.mp4' }] }, 'attachments'],
    [{ attachment: { type: 'image' as const } }, 'attachment'],
    [{ text: 'a', metadata: 'm'.repeat(1000) }, 'metadata'],
    [
      { text: 'a', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `q${i}`, payload: 'p' })) },
      'quickReplies',
    ],
  ])('refuses an invalid message before any call (%#)', async (message, field) => {
    const { page } = client();
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', ...message })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).join(' ')).toContain(field);
    expect(standin.requests).toHaveLength(0);
  });

  it('requires a tag exactly with MESSAGE_TAG', async () => {
    const { page } = client();
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'MESSAGE_TAG', text: 'a' }),
    ).rejects.toThrow(/tag/);
  });
});

describe('other calls', () => {
  it('uploads an attachment by URL and as multipart, with platform=instagram for Instagram', async () => {
    standin.handle(() => ({ json: { attachment_id: '1857777774821032' } }));
    const { page } = client();
    await expect(page.uploadAttachment({ type: 'image', url: 'https://x.example/a.png' })).resolves.toBe(
      '1857777774821032',
    );
    await page.uploadAttachment(
      {
        type: 'file',
        data: new TextEncoder().encode('%PDF-1.4'),
        fileName: 'a.pdf',
        mimeType: 'application/pdf',
      },
      { platform: 'instagram' },
    );
    expect(standin.requests[0]!.body).toEqual({
      message: {
        attachment: { type: 'image', payload: { url: 'https://x.example/a.png', is_reusable: true } },
      },
    });
    expect(standin.requests[1]!.query['platform']).toBe('instagram');
    expect(standin.requests[1]!.contentType).toContain('multipart/form-data');
    expect(standin.requests[1]!.rawBody).toContain('name="filedata"; filename="a.pdf"');
    expect(standin.requests[1]!.rawBody).toContain('%PDF-1.4');
  });

  it('reads Messenger and Instagram profiles', async () => {
    standin.handle((r) =>
      r.query['fields']?.includes('username')
        ? { json: { id: 'IG1', name: null, username: 'ana.ig', profile_pic: 'https://cdn/ig.jpg' } }
        : { json: { id: 'PSID', first_name: 'Ana', last_name: 'Lima', profile_pic: 'https://cdn/a.jpg' } },
    );
    const { page } = client();
    await expect(page.profile('PSID', 'messenger')).resolves.toEqual({
      id: 'PSID',
      name: 'Ana Lima',
      firstName: 'Ana',
      lastName: 'Lima',
      avatarUrl: 'https://cdn/a.jpg',
    });
    await expect(page.profile('IG1', 'instagram')).resolves.toEqual({
      id: 'IG1',
      username: 'ana.ig',
      avatarUrl: 'https://cdn/ig.jpg',
    });
  });

  it('subscribes, lists and unsubscribes webhook fields', async () => {
    standin.handle((r) => {
      if (r.method === 'GET')
        return { json: { data: [{ id: '111', name: 'Pagedesk', subscribed_fields: ['messages'] }] } };
      return { json: { success: 'true' } };
    });
    const { page } = client();
    await page.subscribe(['messages', 'message_echoes']);
    await expect(page.subscribedApps()).resolves.toEqual([
      { id: '111', name: 'Pagedesk', subscribedFields: ['messages'] },
    ]);
    await page.unsubscribe();
    expect(
      standin.requests.map((r) => `${r.method} ${r.path} ${r.query['subscribed_fields'] ?? ''}`),
    ).toEqual([
      'POST PAGE1/subscribed_apps messages,message_echoes',
      'GET PAGE1/subscribed_apps ',
      'DELETE PAGE1/subscribed_apps ',
    ]);
  });

  it('lists the pages of a user across paging, with tasks and linked Instagram accounts', async () => {
    standin.handle((r) =>
      r.query['after'] === 'c1'
        ? { json: { data: [{ id: 'P2', name: 'Two', access_token: 'pt2', tasks: ['MODERATE'] }] } }
        : {
            json: {
              data: [
                {
                  id: 'P1',
                  name: 'One',
                  access_token: 'pt1',
                  tasks: ['MANAGE', 'MESSAGING'],
                  picture: { data: { url: 'https://cdn/p1.png' } },
                  instagram_business_account: { id: 'IG1', username: 'one.ig' },
                },
              ],
              paging: { cursors: { after: 'c1' }, next: 'https://graph/next' },
            },
          },
    );
    const { graph } = client();
    const pages = await graph.forUser('user-token-123456').accounts();
    expect(pages).toEqual([
      {
        id: 'P1',
        name: 'One',
        accessToken: 'pt1',
        tasks: ['MANAGE', 'MESSAGING'],
        pictureUrl: 'https://cdn/p1.png',
        instagram: { id: 'IG1', username: 'one.ig' },
      },
      { id: 'P2', name: 'Two', accessToken: 'pt2', tasks: ['MODERATE'] },
    ]);
  });

  it('reads debug_token with times in milliseconds and never-expiring as null', async () => {
    standin.handle(() => ({
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
    const { graph } = client();
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

  it('reads conversation history', async () => {
    standin.handle((r) =>
      r.path === 'PAGE1/conversations'
        ? {
            json: {
              data: [
                {
                  id: 't_1',
                  updated_time: '2026-01-02T03:04:05+0000',
                  participants: {
                    data: [
                      { id: 'PSID', name: 'Ana' },
                      { id: 'PAGE1', name: 'Shop' },
                    ],
                  },
                },
              ],
            },
          }
        : {
            json: {
              data: [
                {
                  id: 'm_1',
                  created_time: '2026-01-02T03:04:05+0000',
                  from: { id: 'PSID', name: 'Ana' },
                  to: { data: [{ id: 'PAGE1' }] },
                  message: 'Hi',
                  attachments: {
                    data: [{ mime_type: 'image/png', image_data: { url: 'https://cdn/i.png' } }],
                  },
                },
              ],
              paging: { cursors: { after: 'x' }, next: 'https://graph/next' },
            },
          },
    );
    const { page } = client();
    const conversations = await page.conversations({ platform: 'messenger', limit: 10 });
    expect(conversations).toEqual({
      items: [
        {
          id: 't_1',
          updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
          participants: [
            { id: 'PSID', name: 'Ana' },
            { id: 'PAGE1', name: 'Shop' },
          ],
        },
      ],
      after: null,
    });
    expect(standin.requests[0]!.query).toMatchObject({ platform: 'messenger', limit: '10' });
    const messages = await page.conversationMessages('t_1');
    expect(messages.after).toBe('x');
    expect(messages.items[0]).toEqual({
      id: 'm_1',
      createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
      from: { id: 'PSID', name: 'Ana' },
      to: ['PAGE1'],
      text: 'Hi',
      attachments: [{ url: 'https://cdn/i.png', mimeType: 'image/png' }],
    });
  });

  it('creates and deletes personas and replies to comments publicly', async () => {
    standin.handle((r) => (r.method === 'DELETE' ? { json: { success: true } } : { json: { id: 'X1' } }));
    const { page } = client();
    await expect(
      page.createPersona({ name: 'Ana (support)', profilePictureUrl: 'https://x/a.png' }),
    ).resolves.toBe('X1');
    await page.deletePersona('X1');
    await page.replyToComment('C1', 'Thanks!', 'messenger');
    await page.replyToComment('IGC1', 'Thanks!', 'instagram');
    expect(standin.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST PAGE1/personas',
      'DELETE X1',
      'POST C1/comments',
      'POST IGC1/replies',
    ]);
    expect(standin.requests[0]!.body).toEqual({
      name: 'Ana (support)',
      profile_picture_url: 'https://x/a.png',
    });
    await expect(page.createPersona({ name: 'x'.repeat(51) })).rejects.toBeInstanceOf(ValidationError);
  });
});
