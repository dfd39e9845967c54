// biome-ignore-all assist/source/organizeImports: the inbox API export stays last, after the modules it builds on.
// @pagedesk/node-webhook: the Meta-facing door of a helpdesk server (verified, parsed, deduplicated
// webhooks and signed_request callbacks) and the inbox REST + SSE API for the React kit.
export type { MetaApp } from './apps.js';
export * from './createWebhook.js';
export * from './dedupe.js';
export * from './errors.js';
export * from './metaCallbacks.js';
export * from './nodeAdapter.js';
export * from './parseWebhook.js';
export * from './schemas.js';
export * from './signature.js';
export * from './inboxApi/index.js';
