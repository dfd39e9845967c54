'use client';

import type { Customer, CustomerDetailsPatch, PagedeskError } from '@pagedesk/core';
import { type UseQueryResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { pagedeskKeys } from './queryKeys.js';
import { transportMethod } from './transportMethod.js';

/**
 * One customer for the customer panel: Meta's profile (read-only) and what agents recorded in
 * `details`. Kept current by live `customer:updated` events, so an edit in one inbox shows in every
 * open one.
 *
 * @example
 * const { data: customer } = useCustomer(conversation.customerId);
 * customerDisplayName(customer); // the agents' name for it, else Meta's
 */
export function useCustomer(customerId: string | undefined): UseQueryResult<Customer, PagedeskError> {
  const { transport } = usePagedeskContext('useCustomer');
  return useQuery<Customer, PagedeskError>({
    queryKey: pagedeskKeys.customer(customerId ?? ''),
    queryFn: () => transportMethod(transport, 'getCustomer', 'useCustomer')(customerId as string),
    enabled: Boolean(customerId),
  });
}

/**
 * Changes what agents record about a customer (name, email, phone, notes; `null` clears one). The
 * answer replaces the cached customer at once; other inboxes get it live.
 *
 * @example
 * const update = useUpdateCustomer(customerId);
 * update.mutate({ email: 'ana@example.com', notes: null });
 */
export function useUpdateCustomer(customerId: string) {
  const { transport } = usePagedeskContext('useUpdateCustomer');
  const client = useQueryClient();
  return useMutation<Customer, PagedeskError, CustomerDetailsPatch>({
    mutationFn: (patch) =>
      transportMethod(transport, 'updateCustomer', 'useUpdateCustomer')(customerId, patch),
    onSuccess: (customer) => client.setQueryData(pagedeskKeys.customer(customer.id), customer),
  });
}

/**
 * Blocks or unblocks the customer from the page (Messenger). While blocked, replies are refused with
 * the reason; the composer can read `customer.blocked`.
 *
 * @example
 * useBlockCustomer(customerId).mutate(true);
 */
export function useBlockCustomer(customerId: string) {
  const { transport } = usePagedeskContext('useBlockCustomer');
  const client = useQueryClient();
  return useMutation<Customer, PagedeskError, boolean>({
    mutationFn: (blocked) =>
      transportMethod(transport, 'blockCustomer', 'useBlockCustomer')(customerId, blocked),
    onSuccess: (customer) => client.setQueryData(pagedeskKeys.customer(customer.id), customer),
  });
}
