import { parseArgs } from 'node:util';

// Where the demo's Messenger Platform is: the local emulator by default, Meta's real Graph API when
// the META_* variables are set; and where its data lives: in this process by default, or in PostgreSQL
// and Redis so several servers can share it (see README.md).

/** A page connected by its page access token (real mode). */
export interface PageToken {
  id: string;
  accessToken: string;
  platform: 'messenger' | 'instagram';
}

/** Where conversations, webhook dedupe and live updates live. */
export interface Backends {
  /** In this process (the default), or in PostgreSQL (`--store postgres`, `DATABASE_URL`). */
  store: { kind: 'memory' } | { kind: 'postgres'; url: string };
  /** Redis for webhook dedupe and live updates shared between servers (`--redis <url>`). */
  redisUrl?: string;
  /**
   * `PAGEDESK_CREDENTIALS_KEY`: `[key-id:]` then 32 bytes in base64. When set, page tokens are stored
   * encrypted (AES-256-GCM, `encryptCredentials`).
   */
  credentialsKey?: string;
  /**
   * `PAGEDESK_MEDIA_DIR`: where copies of inbound media are kept (Meta's CDN URLs expire). A fresh
   * temporary directory per process when unset.
   */
  mediaDir?: string;
}

export type HelpdeskConfig =
  | { mode: 'emulator'; port: number; host: string; emulatorPort: number; backends?: Backends }
  | {
      mode: 'meta';
      port: number;
      host: string;
      backends?: Backends;
      appId: string;
      appSecret: string;
      verifyToken: string;
      /**
       * The public https URL Meta reaches this server at: the webhook, attachment URLs and the login
       * redirect URIs (`<publicUrl>/auth/facebook/callback`, `<publicUrl>/auth/instagram/callback`).
       */
      publicUrl?: string;
      /** Instagram Login's own app (Instagram product › API setup with Instagram login). */
      instagram?: { appId: string; appSecret: string };
      /** Signs the login `state`; every server behind one URL needs the same. Random per process when unset. */
      loginStateSecret?: string;
      /** `PAGEDESK_PRIVACY_URL`: the privacy policy Meta shows with satisfaction surveys; default `<publicUrl>/privacy`. */
      privacyUrl?: string;
      /** Pages connected by token at start (optional: connect pages through Facebook Login instead). */
      pages: PageToken[];
    };

const USAGE = 'usage: main.ts [--store memory|postgres] [--database-url <url>] [--redis <url>] [--no-seed]';

/**
 * Reads the command line: `--store postgres` (with `--database-url` or DATABASE_URL), `--redis <url>`
 * (or REDIS_URL), `--no-seed`. Throws naming the flag that is wrong.
 */
export function backendsFromArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { backends: Backends; seed: boolean } {
  let values: { store?: string; 'database-url'?: string; redis?: string; 'no-seed'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        store: { type: 'string' },
        'database-url': { type: 'string' },
        redis: { type: 'string' },
        'no-seed': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const kind = values.store ?? env['PAGEDESK_STORE'] ?? 'memory';
  if (kind !== 'memory' && kind !== 'postgres') {
    throw new Error(`--store must be memory or postgres, got ${kind}\n${USAGE}`);
  }
  const url = values['database-url'] ?? env['DATABASE_URL'];
  if (kind === 'postgres' && !url) {
    throw new Error('--store postgres needs --database-url <postgres://...> or DATABASE_URL');
  }
  for (const [flag, value, schemes] of [
    ['--database-url', kind === 'postgres' ? url : undefined, ['postgres:', 'postgresql:']],
    ['--redis', values.redis ?? env['REDIS_URL'], ['redis:', 'rediss:']],
  ] as const) {
    if (value !== undefined && !(URL.canParse(value) && schemes.includes(new URL(value).protocol as never))) {
      throw new Error(`${flag} must be a ${schemes[0]}// URL, got ${value}`);
    }
  }
  const redisUrl = values.redis ?? env['REDIS_URL'];
  const credentialsKey = env['PAGEDESK_CREDENTIALS_KEY'];
  const mediaDir = env['PAGEDESK_MEDIA_DIR'];
  return {
    backends: {
      store: kind === 'postgres' ? { kind, url: url! } : { kind: 'memory' },
      ...(redisUrl ? { redisUrl } : {}),
      ...(credentialsKey ? { credentialsKey } : {}),
      ...(mediaDir ? { mediaDir } : {}),
    },
    seed: !values['no-seed'],
  };
}

/** Reads the configuration from environment variables; throws naming the variable that is wrong. */
export function configFromEnv(env: NodeJS.ProcessEnv): HelpdeskConfig {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env['PORT']}`);
  const host = env['HOST'] ?? '127.0.0.1';
  const appSecret = env['META_APP_SECRET'];
  if (!appSecret) {
    const emulatorPort = Number(env['EMULATOR_PORT'] ?? 3001);
    if (!Number.isInteger(emulatorPort) || emulatorPort < 0 || emulatorPort > 65535)
      throw new Error(`EMULATOR_PORT must be a port number, got ${env['EMULATOR_PORT']}`);
    return { mode: 'emulator', port, host, emulatorPort };
  }

  const required = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new Error(`${name} must be set when META_APP_SECRET is (see examples/helpdesk/README.md)`);
    return value;
  };
  // META_PAGE_TOKENS=<page id>=<page access token>[,<instagram account id>=<page access token>:instagram]
  const pages = (env['META_PAGE_TOKENS'] ?? '')
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry, index): PageToken => {
      const match = /^\s*(\d+)=([^:\s]+)(?::(messenger|instagram))?\s*$/.exec(entry);
      if (!match)
        throw new Error(`META_PAGE_TOKENS entry ${index + 1} must look like <page id>=<token>[:instagram]`);
      return {
        id: match[1]!,
        accessToken: match[2]!,
        platform: (match[3] as PageToken['platform']) ?? 'messenger',
      };
    });
  const instagramAppId = env['PAGEDESK_INSTAGRAM_APP_ID'];
  const instagramAppSecret = env['PAGEDESK_INSTAGRAM_APP_SECRET'];
  return {
    mode: 'meta',
    port,
    host,
    appId: required('META_APP_ID'),
    appSecret,
    verifyToken: required('META_VERIFY_TOKEN'),
    ...(env['PUBLIC_URL'] ? { publicUrl: env['PUBLIC_URL'] } : {}),
    ...(instagramAppId || instagramAppSecret
      ? {
          instagram: {
            appId: required('PAGEDESK_INSTAGRAM_APP_ID'),
            appSecret: required('PAGEDESK_INSTAGRAM_APP_SECRET'),
          },
        }
      : {}),
    ...(env['PAGEDESK_LOGIN_STATE_SECRET'] ? { loginStateSecret: env['PAGEDESK_LOGIN_STATE_SECRET'] } : {}),
    ...(env['PAGEDESK_PRIVACY_URL'] ? { privacyUrl: env['PAGEDESK_PRIVACY_URL'] } : {}),
    pages,
  };
}
