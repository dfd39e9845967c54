import { describe, expect, it } from 'vitest';
import { backendsFromArgs, configFromEnv } from '../src/server/config.js';

describe('backendsFromArgs', () => {
  it('defaults to the embedded store, no Redis, seeded', () => {
    expect(backendsFromArgs([], {})).toEqual({ backends: { store: { kind: 'memory' } }, seed: true });
  });

  it('reads --store postgres, --database-url, --redis and --no-seed', () => {
    const args = [
      '--store',
      'postgres',
      '--database-url',
      'postgres://u@127.0.0.1:5432/db',
      '--redis',
      'redis://127.0.0.1:6379',
      '--no-seed',
    ];
    expect(backendsFromArgs(args, {})).toEqual({
      backends: {
        store: { kind: 'postgres', url: 'postgres://u@127.0.0.1:5432/db' },
        redisUrl: 'redis://127.0.0.1:6379',
      },
      seed: false,
    });
  });

  it('takes DATABASE_URL, PAGEDESK_STORE and REDIS_URL from the environment; flags win', () => {
    const env = { PAGEDESK_STORE: 'postgres', DATABASE_URL: 'postgresql://h/db', REDIS_URL: 'redis://h:1' };
    expect(backendsFromArgs([], env).backends).toEqual({
      store: { kind: 'postgres', url: 'postgresql://h/db' },
      redisUrl: 'redis://h:1',
    });
    expect(backendsFromArgs(['--store', 'memory'], env).backends.store).toEqual({ kind: 'memory' });
  });

  it('names what is wrong', () => {
    expect(() => backendsFromArgs(['--store', 'mysql'], {})).toThrow(
      /--store must be memory or postgres, got mysql/,
    );
    expect(() => backendsFromArgs(['--store', 'postgres'], {})).toThrow(/needs --database-url/);
    expect(() => backendsFromArgs(['--redis', 'http://x'], {})).toThrow(/--redis must be a redis:\/\/ URL/);
    expect(() => backendsFromArgs(['--store', 'postgres', '--database-url', 'nope'], {})).toThrow(
      /--database-url must be a postgres:/,
    );
    expect(() => backendsFromArgs(['--shards', '3'], {})).toThrow(/Unknown option '--shards'[\s\S]*usage:/);
  });
});

describe('configFromEnv', () => {
  const meta = { META_APP_ID: '123', META_APP_SECRET: 'app-secret', META_VERIFY_TOKEN: 'v' };

  it('runs on the emulator without META_APP_SECRET', () => {
    expect(configFromEnv({})).toMatchObject({ mode: 'emulator', port: 3000, emulatorPort: 3001 });
  });

  it('needs no page tokens in real mode (pages connect through Facebook Login) and reads the Instagram app', () => {
    expect(configFromEnv(meta)).toMatchObject({ mode: 'meta', appId: '123', pages: [] });
    const config = configFromEnv({
      ...meta,
      PUBLIC_URL: 'https://desk.example.com',
      PAGEDESK_INSTAGRAM_APP_ID: '456',
      PAGEDESK_INSTAGRAM_APP_SECRET: 'ig-secret',
      PAGEDESK_LOGIN_STATE_SECRET: 'state-secret',
      META_PAGE_TOKENS: '111=EAAx',
    });
    expect(config).toMatchObject({
      publicUrl: 'https://desk.example.com',
      instagram: { appId: '456', appSecret: 'ig-secret' },
      loginStateSecret: 'state-secret',
      pages: [{ id: '111', accessToken: 'EAAx', platform: 'messenger' }],
    });
  });

  it('names the Instagram variable that is missing', () => {
    expect(() => configFromEnv({ ...meta, PAGEDESK_INSTAGRAM_APP_ID: '456' })).toThrow(
      /PAGEDESK_INSTAGRAM_APP_SECRET must be set/,
    );
  });
});
