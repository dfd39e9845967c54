// @pagedesk/emulator: a local Messenger Platform for tests, demos and a helpdesk engineer's first hour.

/** The Page Inbox / Meta Business Suite app id: core's, re-exported for tests that play Meta. */
export { PAGE_INBOX_APP_ID } from '@pagedesk/core';
export type { EmulatorClock } from './clock.js';
export { startEmulator } from './emulator.js';
export type {
  ActionResult,
  CustomerHandle,
  Emulator,
  EmulatorPage,
  PageHandle,
  ScriptResult,
} from './emulatorTypes.js';
export type { FaultsSnapshot } from './faults.js';
export type { EmulatorLogins } from './logins.js';
export type { MetaErrorBody } from './metaError.js';
export type {
  CreateCustomerInput,
  EmulatorOptions,
  FaultsInput,
  InboundAttachment,
  PageConfig,
  RevokeReason,
  SendInput,
} from './options.js';
export { sampleImageNames } from './samples.js';
export type { ScriptStep } from './script.js';
export { demoPages, demoScript } from './script.js';
export type {
  EmulatorAttachment,
  EmulatorComment,
  EmulatorCustomer,
  EmulatorMessage,
  EmulatorUpdate,
  SenderActionRecord,
  SentMessage,
} from './types.js';
export type { VerificationResult, WebhookDelivery, WebhookPayload } from './webhooks.js';
export { metaJson } from './webhooks.js';
