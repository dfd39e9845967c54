// @pagedesk/core: the isomorphic core (browser and Node). No Node built-ins and no Graph client here;
// the server side is '@pagedesk/core/server'. Bundlers that honour the `browser` export condition get
// './browser.ts' instead: the same exports without the inbox engine and its memory store.
export * from './browser.js';
export { messageEffectSchema } from './inbox/effects.js';
export { createInbox, type InboxOptions } from './inbox.js';
export {
  createMediaArchiver,
  type MediaArchiveErrorContext,
  type MediaArchiver,
  type MediaArchiverOptions,
} from './mediaArchiver.js';
export type { MediaStore } from './mediaStore.js';
export * from './memoryStore.js';
export {
  memoryPersonas,
  type PersonaRecord,
  type PersonaStore,
  personaRecordSchema,
} from './personaRecord.js';
export { pruneCutoff } from './prune.js';
export { memoryTemplates } from './templateStore.js';
