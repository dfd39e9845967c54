import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// A published emulator runs without test tooling: everything its code imports at runtime is Node's or a
// declared dependency (type-only imports, such as node-webhook's wire types, are erased). Bundling the
// source with the workspace's packages followed through their source files shows what it really reaches.

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the emulator at runtime', () => {
  it('imports only Node built-ins and its declared dependencies, and never vitest', async () => {
    const reached = new Set<string>();
    const result = await build({
      entryPoints: [new URL('../index.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      conditions: ['@pagedesk/source'],
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'record-packages',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => {
              if (args.path.startsWith('node:') || builtinModules.includes(args.path))
                return { external: true };
              // Only the emulator's own imports count: what @pagedesk/core imports is core's to declare.
              if (!args.importer.includes('/packages/emulator/src/'))
                return { external: !args.path.startsWith('@pagedesk/') };
              reached.add(packageOf(args.path));
              return args.path.startsWith('@pagedesk/') ? undefined : { external: true };
            });
          },
        },
      ],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => /vitest|core\/src\/testing/.test(file))).toEqual([]);
    expect(inputs.some((file) => file.includes('core/src/signing.ts'))).toBe(true);
    expect([...reached].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });
});
