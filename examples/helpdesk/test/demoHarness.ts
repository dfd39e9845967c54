import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { chromiumPath } from '../../../scripts/ensure-chromium.js';
import { type RunningHelpdesk, startHelpdesk } from '../src/server/helpdesk.js';

// The demo's Chromium suites start the same way: build the agent app into its own folder under dist/
// (each suite its own, so parallel files never share one), start the helpdesk on the emulator, launch
// headless Chromium.

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds the agent app into `dist/<outName>`, starts the seeded demo on the emulator and Chromium. */
export async function startDemo(outName: string): Promise<{ helpdesk: RunningHelpdesk; browser: Browser }> {
  const clientDir = fileURLToPath(new URL(`../dist/${outName}`, import.meta.url));
  await build({
    root: `${root}src/client`,
    configFile: `${root}vite.config.ts`,
    logLevel: 'error',
    build: { outDir: clientDir },
  });
  const helpdesk = await startHelpdesk({
    config: { mode: 'emulator', port: 0, host: '127.0.0.1', emulatorPort: 0 },
    clientDir,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return { helpdesk, browser };
}
