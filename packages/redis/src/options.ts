import type { Redis } from 'ioredis';
import { z } from 'zod';

// Shared by both adapters: zod schemas at the option boundary (parsed with core's parseOrThrow, so a
// failure is one ValidationError naming every wrong option).

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
