// @vitest-environment node
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// What the kit loads first, as a bundler sees it: the main entry with every `import()` left out. zod and
// core's schemas must not be in it: they load with the kit's checks (browserChecks.ts), on demand.
describe('the first load of @pagedesk/react', () => {
  it('holds no zod and no schema module of core', async () => {
    const result = await build({
      entryPoints: [new URL('../index.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
      conditions: ['@pagedesk/source', 'browser', 'import', 'module'],
      external: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
      loader: { '.css': 'empty' },
      plugins: [
        {
          name: 'leave-dynamic-imports-out',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) =>
              args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
            );
          },
        },
      ],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.endsWith('react/src/Inbox.tsx'))).toBe(true);
    expect(inputs.filter((path) => /node_modules\/zod\//.test(path))).toEqual([]);
    expect(
      inputs.filter((path) => /core\/src\/(model|transport|templates|attachments|browser)\.ts$/.test(path)),
    ).toEqual([]);
  });
});
