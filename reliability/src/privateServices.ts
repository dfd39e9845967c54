import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

// PostgreSQL and Redis servers a fault test owns: started on free ports from the same binaries
// scripts/services.ts uses, so a test may restart or stop them without touching the shared servers
// every other test runs on.

const HOST = '127.0.0.1';
const ROOT = process.env.PAGEDESK_FAULT_SERVICES_DIR ?? '/tmp/pagedesk-fault-services';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A free TCP port on 127.0.0.1 (free when asked: taken at once by the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${ms / 1000} s`);
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error('no PostgreSQL binaries: run `npx tsx scripts/services.ts` first');
  return join(base, versions[0], 'bin');
}

const run = promisify(execFile);

/** Runs a PostgreSQL tool as the `postgres` user when we are root, without blocking the event loop. */
async function asPostgres(command: string, args: string[]): Promise<void> {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  await run(file, argv as string[]);
}

export interface PrivatePostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops it (fast shutdown: every backend is terminated, as in a failover). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it, stays down `downMs`, starts it again; resolves with how long it was down in ms. */
  restart(downMs?: number): Promise<number>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** A PostgreSQL cluster of its own (initdb in a fresh folder), on a free port. */
export async function startPrivatePostgres(label: string): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const port = await freePort();
  const data = join(ROOT, `postgres-${label}-${port}`);
  mkdirSync(ROOT, { recursive: true, mode: 0o777 });
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', data]);
  await asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const settings = [
    `-p ${port}`,
    `-c listen_addresses=${HOST}`,
    `-c unix_socket_directories=${data}`,
    '-c max_connections=100',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const log = join(data, 'server.log');
  const start = () =>
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', settings, '-w', '-t', '60', 'start']);
  const stop = () => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  await start();
  return {
    port,
    url: `postgres://postgres@${HOST}:${port}/postgres`,
    stop,
    start,
    async restart(downMs = 1000) {
      const began = performance.now();
      await stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
      return Math.round(performance.now() - began);
    },
    async destroy() {
      await stop().catch(() => {});
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM; nothing is saved, so it comes back empty). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process is paused, its connections stay open and silent. */
  pause(): void;
  unpause(): void;
}

/** A redis-server child process of its own, on a free port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ping = () =>
    new Promise<boolean>((resolve) => {
      const probe = spawnSync('redis-cli', ['-h', HOST, '-p', String(port), 'PING'], { encoding: 'utf8' });
      resolve(probe.stdout.trim() === 'PONG');
    });
  const start = async () => {
    child = spawn(
      '/usr/bin/redis-server',
      ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitUntil(ping, `redis-server did not answer on ${port}`);
  };
  await start();
  return {
    port,
    url: `redis://${HOST}:${port}`,
    start,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGCONT');
      running.kill('SIGTERM');
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    unpause() {
      child?.kill('SIGCONT');
    },
  };
}
