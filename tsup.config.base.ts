import { esbuildPluginFilePathExtensions } from 'esbuild-plugin-file-path-extensions';
import type { Options } from 'tsup';

/**
 * The one build shape every package shares: ESM + CJS + declarations for each, Node 20 target.
 * `fileForFile` compiles each source module on its own (TanStack's recipe) so `'use client'`
 * stays at the top of every emitted React module instead of vanishing into shared chunks.
 */
export function packageConfig(options: Options & { fileForFile?: boolean }): Options[] {
  const { fileForFile = false, ...rest } = options;
  const shared: Options = {
    format: ['esm', 'cjs'],
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    outDir: 'dist',
    tsconfig: 'tsconfig.json',
    ...rest,
  };
  if (!fileForFile) return [shared];
  return [
    {
      ...shared,
      bundle: true,
      esbuildPlugins: [esbuildPluginFilePathExtensions({ esmExtension: 'js', cjsExtension: 'cjs' })],
    },
  ];
}
