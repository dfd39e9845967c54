import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

function findBenchDir(): string {
  // This module runs from src/ (under tsx) and from .cache/ (bundled into a child script): walk up.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@pagedesk/bench'
    )
      return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the @pagedesk/bench package directory');
}

/** The bench package directory (where the peers resolve from). */
export const benchDir = findBenchDir();

const bundled = new Map<string, Promise<string>>();

/**
 * Bundles a bench script to plain ESM (dependencies stay imports, resolved from bench/node_modules) so
 * children run on plain `node`: under tsx's loader hooks every dynamic `import()` a peer makes at request
 * time (e.g. @warriorteam/messenger-sdk's `await import('crypto')` per verification) would cross to the
 * hooks thread and be charged to that peer.
 */
function bundleScript(script: string): Promise<string> {
  let pending = bundled.get(script);
  if (!pending) {
    const outfile = join(benchDir, '.cache', `${script.replace(/[/\\]/g, '_').replace(/\.tsx?$/, '')}.mjs`);
    mkdirSync(dirname(outfile), { recursive: true });
    pending = build({
      entryPoints: [join(benchDir, 'src', script)],
      bundle: true,
      outfile,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    }).then(() => outfile);
    bundled.set(script, pending);
  }
  return pending;
}

/** A child process running one of the bench's TypeScript scripts. */
export interface Child {
  process: ChildProcess;
  /** The first JSON line it printed. */
  hello: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts `src/<script>` (bundled, on plain node) in a child process, waits (bounded) for its first JSON
 * line on stdout, and rejects with its `error` or stderr when it fails to start.
 */
export async function startChild(
  script: string,
  args: string[],
  opts: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Child> {
  const file = await bundleScript(script);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), file, ...args], {
    cwd: benchDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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
