// @pagedesk/core/server: everything that talks to Meta's Graph API. Node only (node:crypto for
// appsecret_proof). The isomorphic rules and error classes stay in '@pagedesk/core'.
export type * from './server/types.js';
