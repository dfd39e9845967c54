// @pagedesk/core/server: everything that talks to Meta's Graph API. Node only (node:crypto for
// appsecret_proof). The isomorphic rules and error classes stay in '@pagedesk/core'.

export * from './server/attachmentCache.js';
export * from './server/channels.js';
export * from './server/graphClient.js';
export * from './server/graphErrors.js';
export * from './server/tokenMonitor.js';
export type * from './server/types.js';
