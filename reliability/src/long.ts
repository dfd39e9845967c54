import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `pnpm reliability:long`: the whole reliability suite with the suites that take a size at full size,
// then publishes the run as RELIABILITY.md (as `pnpm reliability:report` does for CI sizes). CI runs the
// same files at their small defaults. Sizes come from the environment; anything set there wins.
//
//   PAGEDESK_FUZZ_BODIES       fuzzed webhook bodies (webhook.fuzz.test.ts)          100,000
//   PAGEDESK_FAULT_MESSAGES    messages per fault scenario (serverFaults.test.ts)          300
//   PAGEDESK_FANOUT_CLIENTS    SSE clients over two servers (fanoutLoad.test.ts)         1,000
//   PAGEDESK_FANOUT_P99_MS     webhook → browser p99 bound (fanoutLoad.test.ts)            50
//   PAGEDESK_SOAK_SECONDS      soak duration (soak.test.ts)                             1,800
//
// With file arguments only those files run, at full size, and nothing is published (a partial run).

const defaults: Record<string, string> = {
  PAGEDESK_FUZZ_BODIES: '100000',
  PAGEDESK_FAULT_MESSAGES: '300',
  PAGEDESK_FANOUT_CLIENTS: '1000',
  PAGEDESK_FANOUT_P99_MS: '50',
  PAGEDESK_SOAK_SECONDS: '1800',
};
const env: NodeJS.ProcessEnv = { ...process.env, PAGEDESK_RELIABILITY_SIZE: 'long' };
for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
const files = process.argv.slice(2);
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (command: string, args: string[]) =>
  spawnSync(command, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;

let status = run('npx', ['vitest', 'run', '--project', 'reliability', ...files]);
if (status === 0 && files.length === 0) status = run('npx', ['tsx', 'reliability/src/report.ts']);
process.exit(status);
