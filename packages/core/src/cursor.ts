import { ValidationError } from './errors.js';

// Keyset paging that stays correct while rows are added or move: a cursor is `<time>:<id>` of the last
// item returned. Every store and transport pages with it, so one codec serves them all. Callers treat
// it as opaque.

/**
 * The cursor after an item of a list ordered by a time and then an id.
 *
 * @param time - The item's sort time (epoch ms).
 * @param id - The item's id (breaks ties).
 * @returns An opaque cursor for `Paged.nextCursor`.
 * @example
 * encodeCursor(conversation.lastMessageAt, conversation.id);
 */
export function encodeCursor(time: number, id: string): string {
  return `${time}:${id}`;
}

/**
 * Reads a cursor made by {@link encodeCursor}.
 *
 * @param cursor - What the caller passed back.
 * @param field - The query field it came in (named in the error).
 * @returns The time and id of the last item of the previous page.
 * @throws {ValidationError} When `cursor` is not one a list returned.
 * @example
 * const after = decodeCursor(query.cursor, 'cursor');
 */
export function decodeCursor(cursor: string, field: string): { time: number; id: string } {
  const match = typeof cursor === 'string' ? /^(-?\d+(?:\.\d+)?):(.+)$/s.exec(cursor) : null;
  if (!match)
    throw new ValidationError('query', [{ path: field, message: 'not a cursor this store returned' }]);
  return { time: Number(match[1]), id: match[2]! };
}

/** One page of results of a cursor-paged list; `nextCursor` is null on the last page. */
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * One page of results of a cursor-paged list.
 * @deprecated Renamed {@link Paged} (a "page" in this domain is a Facebook Page); this alias goes in
 * the next major version.
 */
export type Page<T> = Paged<T>;
