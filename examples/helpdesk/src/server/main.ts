import { fileURLToPath } from 'node:url';
import { backendsFromArgs, configFromEnv } from './config.js';
import { startHelpdesk } from './helpdesk.js';

// `npm run demo` lands here: starts the demo helpdesk and prints where to look.
const clientDir = fileURLToPath(new URL('../../dist/client', import.meta.url));
const { backends, config, helpdesk } = await start().catch((error: unknown) => {
  // A bad flag or an unreachable server: one line that says which, not a stack trace.
  console.error(`\n  Cannot start the demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

console.info(`
  Pagedesk demo helpdesk (${config.mode === 'emulator' ? 'on the local Messenger emulator' : "on Meta's Graph API"}, ${describe(backends)})

  Agent inbox     ${helpdesk.url}
  ${helpdesk.customerUrl ? `Customer chat   ${helpdesk.customerUrl}\n  ` : ''}Webhook         ${helpdesk.webhookUrl}${config.mode === 'meta' ? '  (register its public https URL in your Meta app)' : ''}

  Press Ctrl+C to stop.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    helpdesk.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

function describe(b: typeof backends): string {
  const store = b.store.kind === 'postgres' ? 'PostgreSQL store' : 'in-memory store';
  return b.redisUrl ? `${store}, Redis dedupe and live updates` : store;
}

async function start() {
  const { backends, seed } = backendsFromArgs(process.argv.slice(2), process.env);
  const config = { ...configFromEnv(process.env), backends };
  const helpdesk = await startHelpdesk({ config, clientDir, seed, log: (line) => console.info(line) });
  return { backends, config, helpdesk };
}
