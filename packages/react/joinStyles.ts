import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const IMPORT = /^@import "\.\/([\w-]+\.css)";$/gm;

/**
 * The one published stylesheet (`dist/styles.css`): `src/styles/index.css` with each `@import` replaced by
 * the file it names, so the cascade order is the order of the imports. Refuses a stylesheet in the folder
 * that index.css does not import exactly once, and any rule in index.css itself, so nothing is dropped or
 * doubled on the way to the package.
 */
export async function joinStyles(stylesDir: string): Promise<string> {
  const index = await readFile(join(stylesDir, 'index.css'), 'utf8');
  const imported = [...index.matchAll(IMPORT)].map((match) => match[1] ?? '');
  const onDisk = (await readdir(stylesDir)).filter((name) => name.endsWith('.css') && name !== 'index.css');
  const missing = onDisk.filter((name) => !imported.includes(name));
  const doubled = imported.filter((name, i) => imported.indexOf(name) !== i);
  if (missing.length > 0 || doubled.length > 0) {
    throw new Error(
      `src/styles/index.css must import every stylesheet once (not imported: ${missing.join(', ') || 'none'}; ` +
        `imported twice: ${doubled.join(', ') || 'none'})`,
    );
  }
  const rest = index.replace(IMPORT, '').replace(/\/\*[\s\S]*?\*\//g, '');
  if (rest.trim() !== '')
    throw new Error(`src/styles/index.css holds only @import lines, not: ${rest.trim()}`);
  const parts = new Map<string, string>();
  for (const name of imported) parts.set(name, await readFile(join(stylesDir, name), 'utf8'));
  return index.replace(IMPORT, (_line, name: string) => `\n${(parts.get(name) ?? '').trimEnd()}`);
}
