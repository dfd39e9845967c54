import { customerDetailsPatchSchema, parseOrThrow } from '@pagedesk/core';
import * as z from 'zod/mini';
import { NotImplementedError, readJson } from './http.js';
import { type Handlers, idOf, json, type RouteDeps, requireChannels } from './routes.js';

const blockSchema = z.object({ blocked: z.boolean() });

// The customer panel: read a customer and change what agents record about it (name override, email,
// phone, notes). Meta's profile fields are read-only here. The customer's channel decides who may see
// it, like a conversation's; the change reaches every open inbox as `customer:updated`.

/** The routes of customers. */
export function customerRoutes(deps: RouteDeps) {
  const { inbox, maxBodyBytes } = deps;
  return {
    getCustomer: {
      access: 'read',
      run: async ({ params, access }) => json(await access.customer(idOf({ params }))),
    },
    updateCustomer: {
      access: 'write',
      async run({ request, params, access }) {
        const customer = await access.customer(idOf({ params }));
        const patch = parseOrThrow(
          customerDetailsPatchSchema,
          await readJson(request, maxBodyBytes),
          'customer details',
        );
        return json(await inbox.updateCustomerDetails(customer.id, patch, access.principal.agentId));
      },
    },
    blockCustomer: {
      access: 'write',
      async run({ request, params, access }) {
        const customer = await access.customer(idOf({ params }));
        const { blocked } = parseOrThrow(blockSchema, await readJson(request, maxBodyBytes), 'block');
        const block = requireChannels(deps, 'Blocking').setBlocked;
        if (!block) throw new NotImplementedError('Blocking');
        const { agentId } = access.principal;
        return json(await block(customer.id, blocked, agentId === undefined ? {} : { agentId }));
      },
    },
  } satisfies Partial<Handlers>;
}
