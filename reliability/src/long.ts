import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `pnpm reliability:long`: the reliability suites that take a size, at full size. CI runs the same files
// at their small defaults. Sizes come from the environment; anything set there wins.
//
//   PAGEDESK_FUZZ_BODIES       fuzzed webhook bodies (webhook.fuzz.test.ts)          100,000
//   PAGEDESK_FAULT_MESSAGES    messages per fault scenario (serverFaults.test.ts)          300
//   PAGEDESK_FANOUT_CLIENTS    SSE clients over two servers (fanoutLoad.test.ts)         1,000
//   PAGEDESK_FANOUT_P99_MS     webhook → browser p99 bound (fanoutLoad.test.ts)            50
//   PAGEDESK_SOAK_SECONDS      soak duration (soak.test.ts)                             1,800

const defaults: Record<string, string> = {
  PAGEDESK_FUZZ_BODIES: '100000',
  PAGEDESK_FAULT_MESSAGES: '300',
  PAGEDESK_FANOUT_CLIENTS: '1000',
  PAGEDESK_FANOUT_P99_MS: '50',
  PAGEDESK_SOAK_SECONDS: '1800',
};
const env = { ...process.env };
for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
const files = process.argv.slice(2);
const root = fileURLToPath(new URL('../../', import.meta.url));
const result = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--project',
    'reliability',
    ...(files.length > 0
      ? files
      : [
          'reliability/tests/webhook.fuzz.test.ts',
          'reliability/tests/serverFaults.test.ts',
          'reliability/tests/fanoutLoad.test.ts',
          'reliability/tests/soak.test.ts',
        ]),
  ],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
