import { describe, expect, it } from 'vitest';
import { openBackends, safeUrl } from '../src/server/backends.js';

// Port 1 on loopback refuses connections: the servers named are unreachable, at once.

describe('openBackends', () => {
  it('opens the in-memory store when nothing else is named, without dedupe or fanout', async () => {
    const backends = await openBackends({ store: { kind: 'memory' } });
    expect(typeof backends.store.conversations.list).toBe('function');
    expect(backends.dedupe).toBeUndefined();
    expect(backends.fanout).toBeUndefined();
    await backends.close();
  });

  it('encrypts page tokens at rest when PAGEDESK_CREDENTIALS_KEY is set', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const backends = await openBackends({ store: { kind: 'memory' }, credentialsKey: `k1:${key}` });
    await backends.store.credentials.put('P', { accessToken: 'EAAG-demo-token' });
    expect(await backends.store.credentials.get('P')).toEqual({ accessToken: 'EAAG-demo-token' });
    await expect(
      openBackends({ store: { kind: 'memory' }, credentialsKey: 'k1:dG9vLXNob3J0' }),
    ).rejects.toThrow(/keys\[0\]\.key: expected 32 bytes/);
    await backends.close();
  });

  it('fails the start naming an unreachable PostgreSQL, its password masked', async () => {
    const failure = openBackends({
      store: { kind: 'postgres', url: 'postgres://demo:s3cret@127.0.0.1:1/helpdesk' },
    });
    await expect(failure).rejects.toThrow(
      /^Cannot use PostgreSQL at postgres:\/\/demo:\*\*\*@127\.0\.0\.1:1\/helpdesk: .*ECONNREFUSED/,
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('fails the start naming an unreachable Redis and why, its password masked', async () => {
    const failure = openBackends({ store: { kind: 'memory' }, redisUrl: 'redis://:s3cret@127.0.0.1:1' });
    await expect(failure).rejects.toThrow(
      /^Cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});

describe('safeUrl', () => {
  it('masks only the password', () => {
    expect(safeUrl('postgres://app:pw@db:5432/inbox')).toBe('postgres://app:***@db:5432/inbox');
    expect(safeUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(safeUrl('not a url')).toBe('(an unparseable URL)');
  });
});
