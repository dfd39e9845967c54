import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

// Real PostgreSQL and Redis servers on 127.0.0.1 for the adapters' tests, the multi-instance test and
// the benchmarks: Debian's packages, installed when missing and we may (root), each started once in a
// data folder of its own and reused by later runs. Set PAGEDESK_POSTGRES_URL / PAGEDESK_REDIS_URL to use
// servers of your own instead.
//
//   tsx scripts/services.ts          start both (what .ci/run does) and print their URLs
//   globalSetup: './scripts/services.ts'   the same before a vitest project, URLs through inject()

const HOST = '127.0.0.1';
const PG_PORT = Number(process.env.PAGEDESK_POSTGRES_PORT ?? 55432);
const REDIS_PORT = Number(process.env.PAGEDESK_REDIS_PORT ?? 56379);
const ROOT = process.env.PAGEDESK_SERVICES_DIR ?? '/tmp/pagedesk-services';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface ServiceUrls {
  postgresUrl: string;
  redisUrl: string;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForPort(port: number, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${HOST}:${port} within ${ms / 1000} s`);
}

function aptInstall(packages: string[], why: string): void {
  if (!isRoot) {
    throw new Error(
      `${why}: run "sudo apt-get install -y ${packages.join(' ')}" (or set the URL variables).`,
    );
  }
  console.info(`${why}: installing Debian packages ${packages.join(', ')} with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}

function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(base, versions[0], 'bin');
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]): void {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
}

async function ensurePostgres(): Promise<string> {
  const url = `postgres://postgres@${HOST}:${PG_PORT}/postgres`;
  if (await portOpen(PG_PORT)) return url;
  let bin = postgresBin();
  if (!bin) {
    aptInstall(['postgresql'], 'PostgreSQL is missing');
    bin = postgresBin();
    if (!bin)
      throw new Error('apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/pg_ctl was found');
  }
  const data = join(ROOT, `postgres-${PG_PORT}`);
  mkdirSync(ROOT, { recursive: true, mode: 0o777 });
  if (!existsSync(join(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true, mode: 0o700 });
    if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', data]);
    // Trust on loopback only: a throwaway test cluster, listening on 127.0.0.1 alone.
    asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  }
  const log = join(ROOT, `postgres-${PG_PORT}.log`);
  if (isRoot && !existsSync(log)) {
    execFileSync('touch', [log]);
    chownSync(log, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  }
  const settings = [
    `-p ${PG_PORT}`,
    `-c listen_addresses=${HOST}`,
    `-c unix_socket_directories=${data}`,
    '-c max_connections=200',
    // A test and benchmark server: durability is not what is measured.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', settings, '-w', '-t', '60', 'start']);
  await waitForPort(PG_PORT, 'PostgreSQL');
  return url;
}

async function ensureRedis(): Promise<string> {
  const url = `redis://${HOST}:${REDIS_PORT}`;
  if (await portOpen(REDIS_PORT)) return url;
  const binary = '/usr/bin/redis-server';
  if (!existsSync(binary)) aptInstall(['redis-server'], 'Redis is missing');
  mkdirSync(ROOT, { recursive: true, mode: 0o777 });
  execFileSync(binary, [
    '--bind',
    HOST,
    '--port',
    String(REDIS_PORT),
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--dir',
    ROOT,
    '--logfile',
    join(ROOT, `redis-${REDIS_PORT}.log`),
    '--pidfile',
    join(ROOT, `redis-${REDIS_PORT}.pid`),
  ]);
  await waitForPort(REDIS_PORT, 'Redis');
  return url;
}

/** Starts (or finds) both servers and returns their URLs. */
export async function ensureServices(): Promise<ServiceUrls> {
  const postgresUrl = process.env.PAGEDESK_POSTGRES_URL ?? (await ensurePostgres());
  const redisUrl = process.env.PAGEDESK_REDIS_URL ?? (await ensureRedis());
  return { postgresUrl, redisUrl };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
  }
}

/** Vitest globalSetup: the servers' URLs reach tests through `inject('postgresUrl')` / `inject('redisUrl')`. */
export default async function setup(project: {
  provide(key: 'postgresUrl' | 'redisUrl', value: string): void;
}): Promise<void> {
  const urls = await ensureServices();
  project.provide('postgresUrl', urls.postgresUrl);
  project.provide('redisUrl', urls.redisUrl);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const urls = await ensureServices();
  console.info(`PostgreSQL ${urls.postgresUrl}\nRedis ${urls.redisUrl}`);
}
