import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinStyles } from '../../joinStyles.js';

const stylesDir = join(import.meta.dirname, '../styles');

describe('the published stylesheet', () => {
  it('is every file index.css imports, whole and in its order, with no @import left', async () => {
    const joined = await joinStyles(stylesDir);
    const index = await readFile(join(stylesDir, 'index.css'), 'utf8');
    const names = [...index.matchAll(/@import "\.\/([\w-]+\.css)";/g)].map((match) => match[1] ?? '');
    expect(names.length).toBeGreaterThan(5);
    expect(joined).not.toContain('@import');
    let from = 0;
    for (const name of names) {
      const part = (await readFile(join(stylesDir, name), 'utf8')).trimEnd();
      const at = joined.indexOf(part, from);
      expect(at, name).toBeGreaterThanOrEqual(from);
      from = at + part.length;
    }
  });

  it('refuses a stylesheet that index.css does not import, or imports twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-styles-'));
    try {
      await writeFile(join(dir, 'a.css'), '.pd-root .a { color: red; }\n');
      await writeFile(join(dir, 'b.css'), '.pd-root .b { color: blue; }\n');
      await writeFile(join(dir, 'index.css'), '@import "./a.css";\n');
      await expect(joinStyles(dir)).rejects.toThrow('not imported: b.css');
      await writeFile(join(dir, 'index.css'), '@import "./a.css";\n@import "./b.css";\n@import "./a.css";\n');
      await expect(joinStyles(dir)).rejects.toThrow('imported twice: a.css');
      await writeFile(
        join(dir, 'index.css'),
        '@import "./a.css";\n@import "./b.css";\n.pd-root { color: red; }\n',
      );
      await expect(joinStyles(dir)).rejects.toThrow('holds only @import lines');
      await writeFile(join(dir, 'index.css'), '/* order */\n@import "./b.css";\n@import "./a.css";\n');
      expect(await joinStyles(dir)).toBe(
        '/* order */\n\n.pd-root .b { color: blue; }\n\n.pd-root .a { color: red; }\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
