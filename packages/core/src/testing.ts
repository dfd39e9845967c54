// @pagedesk/core/testing: helpers for hosts' and adapters' tests: the store contract suite, valid
// domain objects and events, and Meta's webhook signature. Node only (node:crypto); it imports vitest
// (an optional peer dependency of the package) for the `describe*Contract` suites, so any use needs it.

export { signSignedRequest, signWebhookBody } from './signing.js';
export { testEntities } from './testing/entities.js';
export { testEvents } from './testing/events.js';
export { describePersonaStoreContract } from './testing/personaContract.js';
export { describePruneContract } from './testing/pruneContract.js';
export { describeStoreContract } from './testing/storeContract.js';
export { describeTemplateStoreContract } from './testing/templateContract.js';
export { describeTransportContract, type TransportUnderTest } from './testing/transportContract.js';
export { type TransportSeed, transportSeed } from './testing/transportSeed.js';
