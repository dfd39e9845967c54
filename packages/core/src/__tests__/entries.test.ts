import { describe, expect, it } from 'vitest';
import * as browser from '../browser.js';
import * as main from '../index.js';

// Both entries list their names explicitly; the main entry repeats the browser entry's list. This
// keeps the two lists together: a name added to one only fails here.
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
