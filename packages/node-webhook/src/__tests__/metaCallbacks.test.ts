import { createServer } from 'node:http';
import { type AppEvent, isPagedeskErrorCode, type PagedeskError, ValidationError } from '@pagedesk/core';
import { signSignedRequest } from '@pagedesk/core/testing';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignatureError, WebhookPayloadError } from '../errors.js';
import { createMetaCallbacks, parseSignedRequest } from '../metaCallbacks.js';
import { listen } from './helpers.js';

const appSecret = 'meta-app-secret';
const payload = {
  algorithm: 'HMAC-SHA256',
  expires: 1291840400,
  issued_at: 1291836800,
  user_id: '218471',
  profile_id: '682498302938465',
};

describe('parseSignedRequest', () => {
  it('verifies the HMAC over the encoded payload and decodes it', () => {
    expect(parseSignedRequest(signSignedRequest(payload, appSecret), appSecret)).toEqual(payload);
  });

  it('matches Meta’s PHP sample byte for byte (base64url, no padding)', () => {
    const signed = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1, user_id: 7 }, appSecret);
    expect(signed).not.toMatch(/[+/=]/);
    expect(parseSignedRequest(signed, appSecret)).toMatchObject({ user_id: '7' });
  });

  it('accepts any secret during a rotation', () => {
    expect(parseSignedRequest(signSignedRequest(payload, 'old'), ['new', 'old']).user_id).toBe('218471');
  });

  it.each([
    ['no dot', 'abc', 'malformed'],
    ['empty parts', '.', 'malformed'],
    [
      'a short signature',
      `${Buffer.from('short').toString('base64url')}.${Buffer.from('{}').toString('base64url')}`,
      'malformed',
    ],
    ['a wrong secret', signSignedRequest(payload, 'other'), 'mismatch'],
    [
      'another algorithm',
      signSignedRequest({ ...payload, algorithm: 'HMAC-SHA1' }, appSecret),
      'unsupported_algorithm',
    ],
  ])('rejects %s', (_, signed, reason) => {
    try {
      parseSignedRequest(signed, appSecret);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureError);
      expect((error as SignatureError).reason).toBe(reason);
      expect((error as Error).message).not.toContain(appSecret);
    }
  });

  it('rejects a signed payload without user_id, naming it', () => {
    try {
      parseSignedRequest(signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1 }, appSecret), appSecret);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect((error as WebhookPayloadError).issues[0]?.path).toBe('signed_request.user_id');
    }
  });
});

describe('createMetaCallbacks over HTTP (express)', () => {
  const events: AppEvent[] = [];
  const errors: PagedeskError[] = [];
  let fail = false;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const callbacks = createMetaCallbacks({
      appSecret,
      statusUrl: 'https://helpdesk.example/data-deletion',
      onDeauthorize: (event) => {
        if (fail) throw new Error('db down');
        events.push(event);
      },
      onDataDeletion: (event) => {
        events.push(event);
      },
      onError: (error) => errors.push(error),
    });
    const app = express();
    app.all('/meta/deauthorize', callbacks.deauthorize.node);
    app.post('/meta/data-deletion', callbacks.dataDeletion.node);
    server = await listen(createServer(app));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    events.length = 0;
    errors.length = 0;
    fail = false;
  });
  const send = (path: string, signed: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ signed_request: signed }).toString(),
    });

  it('deauthorize: verified, emitted as an AppEvent, answered 200', async () => {
    const res = await send('/meta/deauthorize', signSignedRequest(payload, appSecret));
    expect(res.status).toBe(200);
    expect(events).toEqual([
      {
        kind: 'deauthorize',
        id: 'deauthorize:218471:1291836800',
        userId: '218471',
        profileId: '682498302938465',
        issuedAt: 1291836800000,
        raw: payload,
      },
    ]);
  });

  it('data deletion answers the url and confirmation_code Meta requires, stable across retries', async () => {
    const signed = signSignedRequest(payload, appSecret);
    const res = await send('/meta/data-deletion', signed);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { url: string; confirmation_code: string };
    expect(json.confirmation_code).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(json.url).toBe(`https://helpdesk.example/data-deletion?code=${json.confirmation_code}`);
    expect(events[0]).toMatchObject({
      kind: 'data_deletion',
      userId: '218471',
      confirmationCode: json.confirmation_code,
      statusUrl: json.url,
      issuedAt: 1291836800000,
    });
    const again = (await (await send('/meta/data-deletion', signed)).json()) as { confirmation_code: string };
    expect(again.confirmation_code).toBe(json.confirmation_code);
    const other = (await (
      await send('/meta/data-deletion', signSignedRequest({ ...payload, user_id: '9' }, appSecret))
    ).json()) as {
      confirmation_code: string;
    };
    expect(other.confirmation_code).not.toBe(json.confirmation_code);
  });

  it('a forged signed_request answers 401 and is reported', async () => {
    const res = await send('/meta/data-deletion', signSignedRequest(payload, 'attacker'));
    expect(res.status).toBe(401);
    expect(events).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['invalid_signature']);
  });

  it('a missing signed_request answers 400', async () => {
    const res = await fetch(`${server.url}/meta/deauthorize`, {
      method: 'POST',
      body: 'foo=bar',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('signed_request');
  });

  it('a failing handler answers 500 so Meta retries', async () => {
    fail = true;
    const res = await send('/meta/deauthorize', signSignedRequest(payload, appSecret));
    expect(res.status).toBe(500);
    expect(errors.map((e) => e.message)).toEqual(['db down']);
  });

  it('GET answers 405', async () => {
    expect((await fetch(`${server.url}/meta/deauthorize`)).status).toBe(405);
  });
});

describe('createMetaCallbacks (fetch)', () => {
  it('answers 405 for other methods and 404 for a callback without handler', async () => {
    const callbacks = createMetaCallbacks({ appSecret, onDeauthorize: () => {} });
    expect((await callbacks.deauthorize.fetch(new Request('http://x/', { method: 'GET' }))).status).toBe(405);
    const form = new URLSearchParams({ signed_request: signSignedRequest(payload, appSecret) });
    const res = await callbacks.dataDeletion.fetch(new Request('http://x/', { method: 'POST', body: form }));
    expect(res.status).toBe(404);
  });

  it('uses a statusUrl function and a custom confirmation code', async () => {
    const callbacks = createMetaCallbacks({
      appSecret,
      statusUrl: (code) => `https://help.example/deletions/${code}`,
      confirmationCode: (p) => `del-${p.user_id}`,
      onDataDeletion: () => {},
    });
    const form = new URLSearchParams({ signed_request: signSignedRequest(payload, appSecret) });
    const res = await callbacks.dataDeletion.fetch(new Request('http://x/', { method: 'POST', body: form }));
    expect(await res.json()).toEqual({
      url: 'https://help.example/deletions/del-218471',
      confirmation_code: 'del-218471',
    });
  });

  it.each([
    [{ appSecret: '' }, 'appSecret'],
    [{ appSecret, onDataDeletion: () => {} }, 'statusUrl'],
    [{ appSecret, statusUrl: 'not a url' }, 'statusUrl'],
  ])('rejects bad options %o naming %s', (options, path) => {
    try {
      createMetaCallbacks(options as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(isPagedeskErrorCode(error, 'invalid_input')).toBe(true);
      expect((error as ValidationError).issues[0]?.path).toBe(path);
    }
  });
});
