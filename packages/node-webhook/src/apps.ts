import { ValidationError } from '@pagedesk/core';
import { z } from 'zod/mini';

// The Meta apps a webhook or callback endpoint serves. A multi-tenant host may run one app per
// organisation: each delivery is verified with the secrets of every app, and the app whose secret
// matched is the app the delivery came from (`event.appId`).

/** A Meta app an endpoint serves: its id and its secret (several during a rotation, new first). */
export interface MetaApp {
  appId: string;
  appSecret: string | readonly string[];
}

/** The secrets of every app, flat, with the app each one belongs to (undefined: the `appSecret` form). */
export interface AppSecrets {
  secrets: readonly string[];
  appIdOf: ReadonlyArray<string | undefined>;
  /** More than one app: deliveries of different apps never share a dedupe entry. */
  several: boolean;
}

const nonEmpty = z.string().check(z.minLength(1, 'expected a non-empty string'));
const secretSchema = z.union([
  nonEmpty,
  z.array(nonEmpty).check(z.minLength(1, 'expected at least one secret')),
]);

/** `appSecret` (one app, or a rotation) or `apps` (one entry per app): validated by each endpoint. */
export const appOptionsSchema = {
  appSecret: z.optional(secretSchema),
  apps: z.optional(
    z
      .array(z.object({ appId: nonEmpty, appSecret: secretSchema }))
      .check(z.minLength(1, 'expected at least one app')),
  ),
};

const list = (secret: string | readonly string[]) => (typeof secret === 'string' ? [secret] : [...secret]);

/**
 * The secrets an endpoint verifies with. Exactly one of `appSecret` and `apps`; app ids are unique.
 *
 * @throws ValidationError naming the wrong option.
 */
export function appSecretsOf(
  options: { appSecret?: string | readonly string[] | undefined; apps?: readonly MetaApp[] | undefined },
  what: string,
): AppSecrets {
  const { appSecret, apps } = options;
  if ((appSecret === undefined) === (apps === undefined)) {
    throw new ValidationError(what, [
      { path: 'appSecret', message: 'give either appSecret (one app) or apps (one entry per Meta app)' },
    ]);
  }
  if (apps === undefined) {
    const secrets = list(appSecret as string | readonly string[]);
    return { secrets, appIdOf: secrets.map(() => undefined), several: false };
  }
  const seen = new Set<string>();
  const secrets: string[] = [];
  const appIdOf: string[] = [];
  for (const [index, app] of apps.entries()) {
    if (seen.has(app.appId))
      throw new ValidationError(what, [
        { path: `apps[${index}].appId`, message: `${app.appId} is listed twice` },
      ]);
    seen.add(app.appId);
    for (const secret of list(app.appSecret)) {
      secrets.push(secret);
      appIdOf.push(app.appId);
    }
  }
  return { secrets, appIdOf, several: apps.length > 1 };
}
