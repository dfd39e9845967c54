#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isPagedeskError } from '@pagedesk/core';
import { startEmulator } from './emulator.js';
import { demoPages, demoScript } from './script.js';

// `pagedesk-emulator`: the emulator as a process, for the demo and for poking at it by hand.

const usage = `Usage: pagedesk-emulator [options]

  --port <n>            port to listen on (default 4100; 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --webhook <url>       where simulated customers' webhooks are POSTed
  --app-id <id>         the emulated app id (default 1234567890123456)
  --app-secret <s>      app secret that signs webhooks and checks appsecret_proof
  --verify-token <s>    verify token for the GET handshake with --webhook
  --seed demo           create the demo pages and conversations
  --no-proof            accept Graph calls without appsecret_proof
  --help                show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4100' },
      host: { type: 'string', default: '127.0.0.1' },
      webhook: { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      seed: { type: 'string' },
      'no-proof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  if (values.seed !== undefined && values.seed !== 'demo')
    throw new Error(`--seed: unknown seed "${values.seed}" (only "demo")`);
  const port = Number(values.port);
  const emulator = await startEmulator({
    port,
    host: values.host,
    ...(values.webhook ? { webhookUrl: values.webhook } : {}),
    ...(values['app-id'] ? { appId: values['app-id'] } : {}),
    ...(values['app-secret'] ? { appSecret: values['app-secret'] } : {}),
    requireAppSecretProof: !values['no-proof'],
    pages: demoPages.map((p) => ({ ...p })),
  });
  let verification = '';
  if (values['verify-token']) {
    emulator.webhooks.configure({ verifyToken: values['verify-token'] });
    if (values.webhook) {
      // Like saving the callback URL in the App Dashboard: Meta verifies it first.
      const result = await emulator.subscribe();
      verification = result.ok
        ? '  (verified)'
        : `  (verification failed: ${result.status === null ? 'unreachable' : `HTTP ${result.status}`}; start your server and POST /_emulator/subscribe)`;
    }
  }
  if (values.seed === 'demo') await emulator.runScript(demoScript);
  const lines = [
    `Pagedesk emulator listening on ${emulator.url}`,
    `  customer chat page  ${emulator.url}/`,
    `  Graph API baseUrl   ${emulator.graphUrl}  (any /vX.Y/ prefix)`,
    `  control API         ${emulator.url}/_emulator/state`,
    `  webhooks            ${emulator.webhooks.url ?? '(none: set --webhook)'}${verification}`,
    `  app id              ${emulator.appId}`,
    ...emulator.pages.list().map((p) => `  ${p.platform.padEnd(9)} page   ${p.id}  ${p.name}`),
    `  page tokens         GET ${emulator.url}/_emulator/pages`,
  ];
  console.log(lines.join('\n'));
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(isPagedeskError(error) || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
