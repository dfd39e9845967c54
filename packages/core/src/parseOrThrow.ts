import { ValidationError } from './errors.js';
import { type IssueLike, zodIssues } from './issues.js';

/** Anything with zod's `safeParse` (a zod or zod/mini schema). */
export interface SafeParser<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { readonly issues: ReadonlyArray<IssueLike> } };
}

/**
 * Parses `value` with `schema`, or throws a {@link ValidationError} naming `what` and every wrong field
 * (paths under `root`, messages as {@link zodIssues} gives them). The one place a zod failure becomes
 * a Pagedesk error, for every package.
 *
 * @param schema - A zod or zod/mini schema.
 * @param value - What to parse.
 * @param what - What it is, for the message ("createWebhook options").
 * @param root - A prefix for the issue paths.
 * @returns The parsed value.
 * @throws {ValidationError} When the value does not match.
 * @example
 * const options = parseOrThrow(optionsSchema, input, 'createWebhook options');
 */
export function parseOrThrow<T>(schema: SafeParser<T>, value: unknown, what: string, root = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(what, zodIssues(result.error, root));
}
