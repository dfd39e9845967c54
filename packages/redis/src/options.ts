import { ValidationError } from '@pagedesk/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';

// Shared by both adapters: zod schemas at the option boundary, failures turned into one
// ValidationError naming every wrong option.

/** Parses `value` with `schema` or throws a {@link ValidationError} naming `what` and each wrong path. */
export function parseOptions<TSchema extends z.ZodType>(
  schema: TSchema,
  value: unknown,
  what: string,
): z.output<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw ValidationError.fromZod(what, result.error);
}

/** An ioredis client, checked by shape so a second copy of ioredis (another realm) still passes. */
export const redisClientSchema = z.custom<Redis>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Redis).evalsha === 'function' &&
    typeof (value as Redis).duplicate === 'function' &&
    typeof (value as Redis).set === 'function',
  'expected an ioredis client (new Redis(url))',
);

export const positiveInt = z.number().int('expected an integer').positive('expected a positive number');
