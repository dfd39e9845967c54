import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The main entry must stay isomorphic: bundled for a browser it holds no `node:` import and none of
// the Graph client. The server entry is bundled the same way as a control, so the checks can fail.

const entry = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));

async function bundle(file: string, platform: 'browser' | 'neutral') {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    conditions: ['@pagedesk/source', 'browser', 'import'],
    mainFields: ['browser', 'module', 'main'],
    // Only the control build may see Node built-ins; the browser build must fail if it meets one.
    external: platform === 'neutral' ? ['node:*'] : [],
    logLevel: 'silent',
    minify: false,
  });
  return result.outputFiles[0]!.text;
}

const graphMarkers = ['appsecret_proof', 'createGraphClient', 'graph.facebook.com', 'subscribed_apps'];

describe('the @pagedesk/core main entry', () => {
  it('bundles for the browser without node: imports or the Graph client', async () => {
    const code = await bundle(entry('index.ts'), 'browser');
    expect(code.length).toBeGreaterThan(1000);
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']node:/);
    for (const marker of graphMarkers) expect(code).not.toContain(marker);
  });

  it('control: the server entry does contain them', async () => {
    const code = await bundle(entry('server.ts'), 'neutral');
    expect(code).toMatch(/from\s*["']node:crypto["']/);
    for (const marker of graphMarkers) expect(code).toContain(marker);
  });
});
