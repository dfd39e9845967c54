// Where the demo's Messenger Platform is: the local emulator by default, Meta's real Graph API when
// the META_* variables are set (see README.md).

/** A page connected by its page access token (real mode). */
export interface PageToken {
  id: string;
  accessToken: string;
  platform: 'messenger' | 'instagram';
}

export type HelpdeskConfig =
  | { mode: 'emulator'; port: number; host: string; emulatorPort: number }
  | {
      mode: 'meta';
      port: number;
      host: string;
      appId: string;
      appSecret: string;
      verifyToken: string;
      /** The public https URL Meta reaches this server at (for the webhook and attachment URLs). */
      publicUrl?: string;
      pages: PageToken[];
    };

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
  const pages = required('META_PAGE_TOKENS')
    .split(',')
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
  return {
    mode: 'meta',
    port,
    host,
    appId: required('META_APP_ID'),
    appSecret,
    verifyToken: required('META_VERIFY_TOKEN'),
    ...(env['PUBLIC_URL'] ? { publicUrl: env['PUBLIC_URL'] } : {}),
    pages,
  };
}
