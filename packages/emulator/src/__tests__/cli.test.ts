import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_SECRET, startReceiver } from './helpers.js';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=@pagedesk/source', '--import', 'tsx', cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = async (pattern: RegExp, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${pattern} in output: ${stdout} ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return stdout;
  };
  return { child, exited, output, stderr: () => stderr };
}

describe('pagedesk-emulator CLI', () => {
  it('starts with the demo seed, verifies and feeds the webhook, serves the API and stops on SIGTERM', async () => {
    const receiver = await startReceiver({ verifyToken: 'cli-verify' });
    try {
      const args = [
        '--port',
        '0',
        '--seed',
        'demo',
        '--app-secret',
        APP_SECRET,
        '--webhook',
        receiver.url,
        '--verify-token',
        'cli-verify',
      ];
      const proc = run(args);
      const out = await proc.output(/customer chat page\s+(http:\/\/127\.0\.0\.1:\d+)/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain('Graph API baseUrl');
      expect(out).toContain('(verified)');
      expect(out).not.toContain('EAAGemulatorPageToken');
      expect(out).not.toContain(APP_SECRET);
      const state = (await (await fetch(`${url}/_emulator/state`)).json()) as {
        customers: unknown[];
        pages: unknown[];
      };
      expect(state.pages).toHaveLength(3); // demoPages: two of one business, one of another
      expect(state.customers).toHaveLength(6);
      expect(receiver.received.length).toBeGreaterThan(0);
      expect(receiver.received.every((r) => r.sha256Valid)).toBe(true);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      await receiver.close();
    }
  }, 40_000);

  it('refuses an unknown seed with a message and exit code 1', async () => {
    const spy = run(['--port', '0', '--seed', 'nope']);
    expect(await spy.exited).toBe(1);
    expect(spy.stderr()).toContain('unknown seed');
  }, 40_000);
});
