import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where browser tests find Chromium: Debian's `chromium` package, or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Browser tests need a real Chromium. Install Debian's package when it is missing and we may (root),
// otherwise fail with the command to run: a browser test that silently skips proves nothing.
export default function ensureChromium(): void {
  if (existsSync(chromiumPath)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `Browser tests need Chromium at ${chromiumPath}: run "sudo apt-get install -y chromium".`,
    );
  }
  console.info('Chromium is missing: installing Debian package "chromium" with apt-get...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
