import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../test/demoHarness.js';

// The React README's screenshots: the demo helpdesk on the emulator in headless Chromium, Ana Lima's
// conversation open, at desktop (1280 px) and phone (390 px) width in the light and the dark theme.
// Run by hand after a visible change (`pnpm screenshots`) and commit the PNGs; no test writes them.

const out = fileURLToPath(new URL('../../../packages/react/docs/', import.meta.url));
const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const demo = await startDemo();
const { helpdesk, browser } = demo;
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
  await demo.close();
}
