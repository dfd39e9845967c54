import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { react18Aliases } from '../../../compat/react18/aliases.js';

// The React kit's Chromium suites share this: bundle a fixture page (with the workspace's React 19, or
// React 18.3 under PAGEDESK_REACT_MAJOR=18), serve it on 127.0.0.1, and launch headless Chromium.

/** The React major the page is bundled with. */
export const reactMajor = process.env.PAGEDESK_REACT_MAJOR ?? '19';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.webm': 'video/webm',
  '.wav': 'audio/wav',
  '.pdf': 'application/pdf',
};

export interface FixtureServer {
  origin: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Builds the page in `root` (its index.html), serves it, and starts Chromium. `file(path)` may answer a
 * path from elsewhere (a library, sample media); anything else comes from the build.
 */
export async function startFixture(
  root: string,
  file: (path: string) => string | undefined = () => undefined,
): Promise<FixtureServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'pagedesk-react-browser-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    base: './',
    plugins: [react()],
    resolve: {
      conditions: ['@pagedesk/source', 'module', 'browser', 'development|production'],
      alias: reactMajor === '18' ? react18Aliases() : [],
    },
    build: { outDir, emptyOutDir: true, minify: false, sourcemap: false },
  });
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    try {
      const served = file(path) ?? join(outDir, path === '/' ? 'index.html' : path.replace(/\.\.+/g, ''));
      const body = await readFile(served);
      res.writeHead(200, { 'content-type': TYPES[extname(served)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
