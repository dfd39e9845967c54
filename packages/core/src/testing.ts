// @pagedesk/core/testing: helpers for hosts' and adapters' tests (the store contract suite, signers).
export {};
