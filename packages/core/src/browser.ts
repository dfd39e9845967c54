// @pagedesk/core for browsers (the `browser` export condition): everything in the main entry except
// the inbox engine and its memory store (createInbox, memoryStore), which run where webhooks arrive.
// A page reaches the inbox through a transport, so bundling the engine would only add weight.
export * from './attachments.js';
export * from './errors.js';
export * from './events.js';
export { defaultChannelSettings, PAGE_INBOX_APP_ID } from './inbox.js';
export type * from './inbox.types.js';
export { narrowUnionIssues, type UnionIssueLike, zodIssues } from './issues.js';
export * from './model.js';
export { assertModeratable, moderationAfter } from './moderation.js';
export { CHECKING_CODE, isChecking, isUnknownOutcome, UNKNOWN_OUTCOME_CODES } from './outcome.js';
export * from './rules.js';
// The upload store's sniffing is pure and runs wherever the inbox API does (edge runtimes resolve the
// `browser` condition too); a page that does not use it tree-shakes it away.
export {
  checkUploadedFile,
  isSignedType,
  SNIFF_BYTES,
  sniffMediaType,
  storedMediaType,
  type UploadFacts,
} from './sniff.js';
export type * from './store.js';
export type { TemplateQuery, TemplateStore } from './templateStore.js';
export {
  checkTemplate,
  QUICK_REPLY_LIMITS,
  type ReplyTemplate,
  type ReplyTemplateInput,
  renderTemplate,
  replyTemplateInputSchema,
  replyTemplateSchema,
  TEMPLATE_MAX_PARTS,
  TEMPLATE_VARIABLES,
  type TemplateContext,
  type TemplatePart,
  type TemplateVariable,
  TemplateVariableError,
  templateContext,
  templateDrafts,
  templatePartSchema,
  templateVariables,
} from './templates.js';
export * from './text.js';
export * from './transport.js';
export * from './window.js';
