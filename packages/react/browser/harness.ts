import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type Plugin } from 'vite';
import { react18Aliases } from '../../../compat/react18/aliases.js';

// What every Chromium suite of the React kit needs: one of the apps in fixtures/ bundled with Vite into
// the same page (React 19, or 18.3 under PAGEDESK_REACT_MAJOR=18), served with the sample media and
// axe-core from 127.0.0.1, and one headless Chromium.

/** The React major the fixture is bundled with (the `browser-react18` project sets 18). */
export const reactMajor = process.env.PAGEDESK_REACT_MAJOR ?? '19';

/** The fixture apps: the kit's views (`app`), the template picker, the agent's toolkit. */
export type FixtureApp = 'app' | 'picker' | 'toolkit';

/** Every fixture page's title (the toolkit's notifications prefix it with the unread count). */
export const FIXTURE_TITLE = 'Pagedesk fixture';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const require = createRequire(import.meta.url);
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

/** The one page every fixture app is mounted in; Vite bundles it as if it were fixtures/index.html. */
function fixturePage(app: FixtureApp): Plugin {
  const id = join(fixtures, 'index.html');
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${FIXTURE_TITLE}</title>
    <style>
      html, body { margin: 0; height: 100%; }
      #root { height: 100vh; display: flex; flex-direction: column; }
    </style>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="./${app}.tsx"></script>
  </body>
</html>
`;
  return {
    name: 'pagedesk-fixture-page',
    resolveId: (source) => (source === id ? id : undefined),
    load: (loaded) => (loaded === id ? html : undefined),
  };
}

/** A built fixture page, its server and the browser. */
export interface BrowserHarness {
  origin: string;
  /** The one Chromium, for a test that needs a context of its own (permissions, init scripts). */
  browser: Browser;
  /**
   * Opens the page with a query string, in `context` or a fresh page of the browser; the page records
   * its errors for {@link errorsOf}.
   */
  open(
    query: string,
    options?: { viewport?: { width: number; height: number }; context?: BrowserContext },
  ): Promise<Page>;
  close(): Promise<void>;
}

/** Bundles `fixtures/<app>.tsx` into the fixture page, serves it on 127.0.0.1 and launches Chromium. */
export async function startHarness(app: FixtureApp = 'app'): Promise<BrowserHarness> {
  const outDir = await mkdtemp(join(tmpdir(), 'pagedesk-react-browser-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root: fixtures,
    base: './',
    plugins: [fixturePage(app), react()],
    resolve: {
      conditions: ['@pagedesk/source', 'module', 'browser', 'development|production'],
      alias: reactMajor === '18' ? react18Aliases() : [],
    },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      rollupOptions: { input: join(fixtures, 'index.html') },
    },
  });
  const axePath = require.resolve('axe-core/axe.min.js');
  const assets = join(fixtures, '..', '..', '.storybook', 'public', 'pagedesk');
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    try {
      const file =
        path === '/axe.min.js'
          ? axePath
          : path.startsWith('/assets/') && !path.includes('..') && /\.(png|gif|jpg|webm|wav|pdf)$/.test(path)
            ? join(assets, path.slice('/assets/'.length))
            : join(outDir, path === '/' ? 'index.html' : path.replace(/\.\.+/g, ''));
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    origin,
    browser,
    async open(query, { viewport = { width: 1100, height: 760 }, context } = {}) {
      const opened = context ? await context.newPage() : await browser.newPage({ viewport });
      const errors: string[] = [];
      opened.on('pageerror', (error) => errors.push(error.message));
      opened.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await opened.goto(`${origin}/?${query}`);
      (opened as Page & { errors: string[] }).errors = errors;
      return opened;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
/** The page's errors and console errors so far (missing sample media aside). */
export function errorsOf(page: Page): string[] {
  return (page as Page & { errors: string[] }).errors.filter((e) => !/Failed to load resource/.test(e));
}

/** Runs axe-core on the page: its violations as `id: targets`, or a note when it checked almost nothing. */
export async function axeViolations(page: Page, origin: string): Promise<string[]> {
  await page.addScriptTag({ url: `${origin}/axe.min.js` });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(context: Element): Promise<{
            passes: unknown[];
            violations: Array<{ id: string; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document.body);
    return result.passes.length < 10
      ? ['axe checked almost nothing: the view did not render']
      : result.violations.map(
          (v) =>
            `${v.id}: ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join(', ')}`,
        );
  });
}
