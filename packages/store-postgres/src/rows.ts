import { type SafeParser, zodIssues } from '@pagedesk/core';
import { CorruptRowError } from './errors.js';

// Every entity crosses two boundaries: what a caller puts (validated with core's schemas and
// `parseOrThrow`, so a bad object is refused before it reaches the database) and what a row holds when
// read back (validated again here, so a hand-edited or foreign row fails where it is read, naming its
// table and id).

/** Parses a row's `data` column, or throws a CorruptRowError naming the table and the row id. */
export function parseRow<T>(schema: SafeParser<T>, table: string, row: { id?: unknown; data?: unknown }): T {
  const result = schema.safeParse(row.data);
  if (result.success) return result.data;
  throw new CorruptRowError(table, String(row.id), zodIssues(result.error));
}
