import * as z from 'zod/mini';

// Checks the schemas share, written on zod's plain `z.check` rather than `z.refine`: a refinement is a
// whole zod schema kind (`$ZodCustom`, ~0.15 KB of the browser bundles) for what is one test and one
// issue here. The issue is the one `refine` would add: code `custom`, the given message, and later
// checks still run (`continue`).

/**
 * A check that adds a `custom` issue with `message` when `test` fails, like `z.refine(test, message)`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function rule<T>(test: (value: T) => boolean, message: string): z.core.$ZodCheck<T> {
  return z.check<T>((payload) => {
    if (!test(payload.value)) {
      payload.issues.push({ code: 'custom', message, input: payload.value, path: [], continue: true });
    }
  });
}

/**
 * A whole number: what `z.multipleOf(1)` checks, with the message Pagedesk gives it, without zod's
 * float-safe remainder code.
 */
/* @__NO_SIDE_EFFECTS__ */
export function wholeNumber(): z.core.$ZodCheck<number> {
  return rule<number>(Number.isInteger, 'expected a whole number');
}

/**
 * An email address: the pattern `z.email()` uses (zod's `regexes.email`), for a plain `z.regex`
 * check, so the `z.email()` schema kind and zod's string formats stay out of the browser bundles.
 */
export const emailPattern =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
