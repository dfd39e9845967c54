import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { chromiumPath } from '../../../scripts/ensure-chromium.js';
import { type RunningHelpdesk, startHelpdesk } from '../src/server/helpdesk.js';

// The demo helpdesk as the browser tests and the screenshot script drive it: the agent app built into
// a temporary folder, the helpdesk on a fresh emulator (seeded), and headless Chromium.

const root = fileURLToPath(new URL('..', import.meta.url));

/** A running demo and a browser; `close()` stops both and removes the build. */
export interface DemoHarness {
  helpdesk: RunningHelpdesk;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the agent app, starts the demo on the emulator and launches Chromium. */
export async function startDemo(): Promise<DemoHarness> {
  const clientDir = mkdtempSync(join(tmpdir(), 'pagedesk-demo-'));
  await build({
    root: `${root}src/client`,
    configFile: `${root}vite.config.ts`,
    logLevel: 'error',
    build: { outDir: clientDir, emptyOutDir: true },
  });
  const helpdesk = await startHelpdesk({
    config: { mode: 'emulator', port: 0, host: '127.0.0.1', emulatorPort: 0 },
    clientDir,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    helpdesk,
    browser,
    async close() {
      await browser.close();
      await helpdesk.close();
      rmSync(clientDir, { recursive: true, force: true });
    },
  };
}
