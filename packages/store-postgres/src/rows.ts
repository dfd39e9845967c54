import { ValidationError, zodIssues } from '@pagedesk/core';
import { CorruptRowError } from './errors.js';

// Every entity crosses two boundaries here: what a caller puts (validated with core's schemas, so a
// bad object is refused before it reaches the database) and what a row holds when read back (validated
// again, so a hand-edited or foreign row fails where it is read, naming its table and id).

interface Issue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}
export interface Parser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } };
}

/** Parses what a caller gave a write, or throws a ValidationError naming each wrong field. */
export function parseInput<T>(schema: Parser<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(what, zodIssues(result.error));
}

/** Parses a row's `data` column, or throws a CorruptRowError naming the table and the row id. */
export function parseRow<T>(schema: Parser<T>, table: string, row: { id?: unknown; data?: unknown }): T {
  const result = schema.safeParse(row.data);
  if (result.success) return result.data;
  throw new CorruptRowError(table, String(row.id), zodIssues(result.error));
}
