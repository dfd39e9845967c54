import { ValidationError } from '@pagedesk/core';

// The same cursor as memoryStore: `<time>:<id>` of the last item returned (keyset paging that stays
// correct while rows are added or move), opaque to callers.

export function encodeCursor(time: number, id: string): string {
  return `${time}:${id}`;
}

export function decodeCursor(cursor: string, field: string): { time: number; id: string } {
  const match = typeof cursor === 'string' ? /^(-?\d+(?:\.\d+)?):(.+)$/s.exec(cursor) : null;
  if (!match)
    throw new ValidationError('query', [{ path: field, message: 'not a cursor this store returned' }]);
  return { time: Number(match[1]), id: match[2]! };
}
