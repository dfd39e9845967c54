import { ValidationError } from './errors.js';

/** Epoch milliseconds from a Date or a number; throws a ValidationError naming `field` otherwise. */
export function toEpoch(value: unknown, field: string, what: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ValidationError(what, [{ path: field, message: 'expected a Date or epoch milliseconds' }]);
  }
  return ms;
}
