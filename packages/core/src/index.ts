// @pagedesk/core: the isomorphic core (browser and Node). No Node built-ins and no Graph client here;
// the server side is '@pagedesk/core/server'.
export * from './attachments.js';
export * from './errors.js';
export * from './events.js';
export * from './inbox.js';
export type * from './inbox.types.js';
export * from './memoryStore.js';
export * from './model.js';
export * from './rules.js';
export type * from './store.js';
export * from './text.js';
export * from './transport.js';
export * from './window.js';
