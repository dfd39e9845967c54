import { describe, expect, it } from 'vitest';
import * as browser from '../browser.js';
import * as main from '../index.js';

// The main entry lists its names explicitly and repeats the browser entry's (which is @pagedesk/core/rules
// plus its own list). This keeps the lists together: a name added to one only fails here.
describe('entries', () => {
  it('the main entry is the browser entry plus the inbox engine and the upload side', () => {
    expect(Object.keys(browser).filter((name) => !(name in main))).toEqual([]);
    expect(
      Object.keys(main)
        .filter((name) => !(name in browser))
        .sort(),
    ).toEqual([
      'AppMismatchError',
      'SNIFF_BYTES',
      'channelActionSchema',
      'checkUploadedFile',
      'conversationPatchSchema',
      'createInbox',
      'createMediaArchiver',
      'isSignedType',
      'memoryPersonas',
      'memoryStore',
      'memoryTemplates',
      'messageEffectSchema',
      'personaRecordSchema',
      'pruneCutoff',
      'readCapped',
      'serializeError',
      'sniffMediaType',
      'storedMediaType',
      'surveyScore',
      'validateEvent',
    ]);
  });
});

describe('@pagedesk/core/rules', () => {
  it('exports the main entry’s own values, under the same names', async () => {
    const rules = Object.entries(await import('../rulesEntry.js'));
    const mainValues = new Map<string, unknown>(Object.entries(main));
    expect(rules.length).toBeGreaterThan(40);
    for (const [name, value] of rules) expect(value, name).toBe(mainValues.get(name));
  });

  it('loads no zod: a bundle of the whole entry holds none of its modules', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      stdin: {
        contents: "export * from './rulesEntry.ts';",
        resolveDir: new URL('..', import.meta.url).pathname,
      },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('rules.ts'))).toBe(true);
    expect(inputs.filter((path) => path.includes('node_modules/zod') || path.includes('/zod/'))).toEqual([]);
  });
});
