import type { InboxTransport } from '@pagedesk/core';
import { PagedeskError } from '@pagedesk/core/rules';

/**
 * An optional transport method, or a typed `not_implemented` error naming it: the hook that needs it
 * then shows an error state instead of crashing a host whose own transport predates the method.
 */
export function transportMethod<TName extends keyof InboxTransport>(
  transport: InboxTransport,
  name: TName,
  hook: string,
): NonNullable<InboxTransport[TName]> {
  const method = transport[name];
  if (typeof method !== 'function')
    throw new PagedeskError('not_implemented', `${hook} needs a transport with ${String(name)}()`);
  return (method as (...args: never[]) => unknown).bind(transport) as NonNullable<InboxTransport[TName]>;
}
