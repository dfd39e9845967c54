// Child process of section 1 (started by webhookInProcess.ts): measures, prints the section as one JSON line.
import type { BenchOptions } from './options.js';
import { measureWebhookInProcess } from './webhookInProcess.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BenchOptions;
measureWebhookInProcess(options).then(
  (section) => {
    process.stdout.write(`${JSON.stringify(section)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(1);
  },
);
