import { fileURLToPath } from 'node:url';

/** The packages that must all come from this folder for a run on React 18.3. */
const PACKAGES = ['react', 'react-dom', '@testing-library/react', '@tanstack/react-query'] as const;

/**
 * Vite/Vitest `resolve.alias` entries that send React, React DOM and the libraries built on them (bare
 * names and subpaths such as `react/jsx-runtime` or `react-dom/client`) to this private workspace package,
 * where pnpm links every one of them to React 18.3, so no second React sneaks in through a dependency.
 * Used by the `react18` (jsdom) and `browser-react18` (Chromium) test projects.
 */
export function react18Aliases(): Array<{ find: RegExp; replacement: string }> {
  return PACKAGES.flatMap((name) => {
    const dir = fileURLToPath(new URL(`./node_modules/${name}`, import.meta.url));
    const escaped = name.replace(/[/.]/g, '\\$&');
    return [
      { find: new RegExp(`^${escaped}$`), replacement: dir },
      { find: new RegExp(`^${escaped}/(.*)$`), replacement: `${dir}/$1` },
    ];
  });
}
