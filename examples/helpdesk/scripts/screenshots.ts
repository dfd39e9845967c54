import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { chromiumPath } from '../../../scripts/ensure-chromium.js';
import { startHelpdesk } from '../src/server/helpdesk.js';

// The React README's screenshots: the demo helpdesk on the emulator in headless Chromium, Ana Lima's
// conversation open, at desktop (1280 px) and phone (390 px) width in the light and the dark theme.
// Run by hand after a visible change (`pnpm screenshots`) and commit the PNGs; no test writes them.

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../../../packages/react/docs/', import.meta.url));
const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const clientDir = mkdtempSync(join(tmpdir(), 'pagedesk-screenshots-'));
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
try {
  mkdirSync(out, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    for (const [name, viewport] of Object.entries(widths)) {
      // The demo's theme is "system" until the agent picks one: the browser's scheme decides.
      const context = await browser.newContext({ viewport, colorScheme: theme });
      const page = await context.newPage();
      await page.goto(helpdesk.url);
      await page.getByRole('option', { name: /Ana Lima/ }).click();
      await page.locator('.pd-message').first().waitFor();
      // Let images load and the list settle at the newest message; no caret in the picture.
      // (The live event stream keeps the network busy: wait for the images themselves.)
      await page.waitForFunction(() => [...document.images].every((image) => image.complete), undefined, {
        timeout: 10_000,
      });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.waitForTimeout(500);
      const file = join(out, `inbox-${name}-${theme}.png`);
      await page.screenshot({ path: file });
      console.info(`wrote ${file}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await helpdesk.close();
  rmSync(clientDir, { recursive: true, force: true });
}
