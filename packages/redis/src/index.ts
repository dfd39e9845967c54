// @pagedesk/redis: what several Pagedesk servers share through Redis: the webhook's dedupe store
// (Meta's retries handed over once across servers) and the live-event fanout (every browser gets
// every event, with ids that resume on any server).
export { type RedisDedupeOptions, type RedisDedupeStore, redisDedupe } from './redisDedupe.js';
export { type RedisFanout, type RedisFanoutOptions, redisFanout } from './redisFanout.js';
