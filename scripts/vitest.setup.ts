import { afterEach, vi } from 'vitest';

// A test that makes the code under test print an unexpected warning or error fails: noise hides bugs.
// A test that expects output spies on console itself (vi.spyOn(console, 'error').mockImplementation(...)).
const unexpected: string[] = [];
for (const level of ['error', 'warn'] as const) {
  const original = console[level];
  console[level] = (...args: unknown[]) => {
    unexpected.push(`console.${level}: ${args.map(String).join(' ')}`);
    original(...args);
  };
}
afterEach(() => {
  vi.useRealTimers();
  if (unexpected.length > 0) {
    const messages = unexpected.splice(0);
    throw new Error(`Unexpected console output:\n${messages.join('\n')}`);
  }
});
