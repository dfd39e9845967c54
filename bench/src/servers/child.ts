import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The bench package directory (where `tsx` and the peers resolve from). */
export const benchDir = resolve(here, '..', '..');

/** A child process running one of the bench's TypeScript scripts. */
export interface Child {
  process: ChildProcess;
  /** The first JSON line it printed. */
  hello: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts `src/<script>` under tsx with the `@pagedesk/source` condition, waits (bounded) for its first
 * JSON line on stdout, and rejects with its `error` or stderr when it fails to start.
 */
export function startChild(
  script: string,
  args: string[],
  opts: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@pagedesk/source',
      ...(opts.nodeArgs ?? []),
      join(benchDir, 'src', script),
      ...args,
    ],
    { cwd: benchDir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Child>((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} ${args.join(' ')} did not start in time`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl === -1) return;
      child.stdout?.off('data', onData);
      clearTimeout(timer);
      try {
        const hello = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        if (typeof hello.error === 'string') {
          void stop();
          reject(new Error(hello.error));
          return;
        }
        resolvePromise({ process: child, hello, stop });
      } catch {
        void stop();
        reject(new Error(`${script}: unexpected output ${buffer.slice(0, 200)}`));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${script} exited with ${code}: ${stderr.split('\n').filter(Boolean).slice(-3).join(' / ')}`,
        ),
      );
    });
  });
}
