import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config.js';
import { startHelpdesk } from './helpdesk.js';

// `npm run demo` lands here: starts the demo helpdesk and prints where to look.
const clientDir = fileURLToPath(new URL('../../dist/client', import.meta.url));
const config = configFromEnv(process.env);
const helpdesk = await startHelpdesk({ config, clientDir, log: (line) => console.info(line) });

console.info(`
  Pagedesk demo helpdesk (${config.mode === 'emulator' ? 'on the local Messenger emulator' : "on Meta's Graph API"})

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
