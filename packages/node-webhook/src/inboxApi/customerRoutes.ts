import { customerDetailsPatchSchema } from '@pagedesk/core';
import { parseWith, readJson } from './http.js';
import { type Handlers, idOf, json, type RouteDeps } from './routes.js';

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
        const patch = parseWith(
          customerDetailsPatchSchema,
          await readJson(request, maxBodyBytes),
          'customer details',
        );
        return json(await inbox.updateCustomerDetails(customer.id, patch, access.principal.agentId));
      },
    },
  } satisfies Partial<Handlers>;
}
