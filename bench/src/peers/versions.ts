import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** `require` rooted at the bench package, for the CommonJS peers. */
export const benchRequire = createRequire(import.meta.url);

/** A peer's installed version, read from its own package.json. */
export function versionOf(pkg: string): string {
  try {
    const entry = benchRequire.resolve(pkg);
    let dir = dirname(entry);
    for (let i = 0; i < 6; i++) {
      try {
        const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (json.name === pkg && json.version) return json.version;
      } catch {
        // keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return 'unknown';
}

/** `require` rooted inside a peer, for its own (transitive) dependencies. */
export function requireFrom(pkg: string): NodeRequire {
  return createRequire(benchRequire.resolve(pkg));
}
