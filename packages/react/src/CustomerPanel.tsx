'use client';

import { type Customer, type CustomerDetailsPatch, customerDisplayName } from '@pagedesk/core';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog.js';
import { usePagedeskContext } from './context.js';
import { PagedeskRoot } from './Root.js';
import { useAgentName } from './useAgentName.js';
import { useBlockCustomer, useCustomer, useUpdateCustomer } from './useCustomer.js';
import { useFormat } from './useFormat.js';

/** Props of {@link CustomerPanel}. */
export interface CustomerPanelProps {
  customerId: string;
  /** The host's own content (CRM record, orders...), shown under the details. */
  children?: ReactNode | ((customer: Customer) => ReactNode);
  /** Shows a close button that calls this (the panel as a sheet on narrow screens). */
  onClose?: () => void;
  className?: string;
}

type Field = 'name' | 'email' | 'phone' | 'notes';
const FIELDS: readonly Field[] = ['name', 'email', 'phone', 'notes'];

/** The change to send: only fields the agent edited and that differ from the stored value; blank clears. */
export function detailsPatch(
  customer: Pick<Customer, 'details'>,
  draft: Partial<Record<Field, string>>,
): CustomerDetailsPatch {
  const patch: CustomerDetailsPatch = {};
  for (const field of FIELDS) {
    const typed = draft[field];
    if (typed === undefined) continue;
    const value = field === 'notes' ? typed : typed.trim();
    const stored = customer.details?.[field] ?? '';
    if (value === stored) continue;
    patch[field] = value === '' ? null : value;
  }
  return patch;
}

/**
 * The customer beside a conversation: Meta's profile (read-only), the details agents keep (name
 * override, email, phone, notes) editable, Block/Unblock on Messenger, and a slot for the host's own
 * content. A field the agent is not editing follows live changes from other inboxes.
 *
 * @example
 * <CustomerPanel customerId={conversation.customerId}>
 *   {(customer) => <CrmCard email={customer.details?.email} />}
 * </CustomerPanel>
 */
export function CustomerPanel({ customerId, children, onClose, className }: CustomerPanelProps): ReactNode {
  const { messages: t } = usePagedeskContext('CustomerPanel');
  const tc = t.customer;
  const headingId = useId();
  const { data: customer, isError, refetch } = useCustomer(customerId);
  return (
    <PagedeskRoot className={`pd-customer-panel${className ? ` ${className}` : ''}`}>
      <section aria-labelledby={headingId}>
        <header className="pd-customer-panel-header">
          <h3 id={headingId}>{tc.panel}</h3>
          {onClose ? (
            <button type="button" className="pd-button pd-button-small" onClick={onClose}>
              {tc.close}
            </button>
          ) : null}
        </header>
        {customer ? (
          <>
            <MetaProfile customer={customer} />
            <DetailsForm customer={customer} />
            {customer.platform === 'messenger' ? <BlockControl customer={customer} /> : null}
            {children ? (
              <div className="pd-customer-slot">
                {typeof children === 'function' ? children(customer) : children}
              </div>
            ) : null}
          </>
        ) : isError ? (
          <p className="pd-error" role="alert">
            {t.channels.actionFailed}{' '}
            <button type="button" className="pd-button" onClick={() => void refetch()}>
              {t.messages.retry}
            </button>
          </p>
        ) : null}
      </section>
    </PagedeskRoot>
  );
}

function MetaProfile({ customer }: { customer: Customer }): ReactNode {
  const { messages: t } = usePagedeskContext('CustomerPanel');
  const tc = t.customer;
  const metaName = customer.name || [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  const rows: Array<[string, string]> = [];
  if (metaName) rows.push([tc.metaName, metaName]);
  if (customer.username) rows.push([tc.username, `@${customer.username}`]);
  return (
    <div className="pd-customer-meta">
      <h4>
        {tc.fromMeta} · {customer.platform === 'instagram' ? t.list.instagram : t.list.messenger}
      </h4>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd dir="auto">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function DetailsForm({ customer }: { customer: Customer }): ReactNode {
  const { messages: t } = usePagedeskContext('CustomerPanel');
  const tc = t.customer;
  const format = useFormat();
  const id = useId();
  const update = useUpdateCustomer(customer.id);
  // Only what the agent typed: other fields keep following the live customer.
  const [draft, setDraft] = useState<Partial<Record<Field, string>>>({});
  const patch = detailsPatch(customer, draft);
  const dirty = Object.keys(patch).length > 0;
  const updatedBy = useAgentName(customer.details?.updatedBy);
  const labels: Record<Field, string> = { name: tc.name, email: tc.email, phone: tc.phone, notes: tc.notes };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty) return;
    update.mutate(patch, { onSuccess: () => setDraft({}) });
  };
  return (
    <form className="pd-customer-details" onSubmit={submit} aria-label={tc.details}>
      <h4>{tc.details}</h4>
      {FIELDS.map((field) => {
        const value = draft[field] ?? customer.details?.[field] ?? '';
        const onChange = (next: string) => setDraft((d) => ({ ...d, [field]: next }));
        return (
          <div key={field} className="pd-customer-field">
            <label htmlFor={`${id}-${field}`}>{labels[field]}</label>
            {field === 'notes' ? (
              <textarea
                id={`${id}-${field}`}
                className="pd-textarea"
                rows={4}
                value={value}
                onChange={(e) => onChange(e.target.value)}
              />
            ) : (
              <input
                id={`${id}-${field}`}
                className="pd-input"
                type={field === 'email' ? 'email' : field === 'phone' ? 'tel' : 'text'}
                autoComplete="off"
                dir="auto"
                placeholder={
                  field === 'name' ? (customerDisplayName({ ...customer, details: undefined }) ?? '') : ''
                }
                value={value}
                onChange={(e) => onChange(e.target.value)}
              />
            )}
          </div>
        );
      })}
      <div className="pd-actions">
        <button type="submit" className="pd-button pd-button-primary" disabled={!dirty || update.isPending}>
          {tc.save}
        </button>
        {update.isSuccess && !dirty ? (
          <span className="pd-muted" role="status">
            {tc.saved}
          </span>
        ) : null}
      </div>
      {update.isError ? (
        <p className="pd-problem" role="alert">
          {t.channels.actionFailed} {update.error.message}
        </p>
      ) : null}
      {customer.details?.updatedAt && updatedBy ? (
        <p className="pd-muted pd-customer-updated">
          {tc.updatedBy(updatedBy, format.dateTime(customer.details.updatedAt))}
        </p>
      ) : null}
    </form>
  );
}

function BlockControl({ customer }: { customer: Customer }): ReactNode {
  const { messages: t } = usePagedeskContext('CustomerPanel');
  const tc = t.customer;
  const format = useFormat();
  const block = useBlockCustomer(customer.id);
  const [confirming, setConfirming] = useState(false);
  const by = useAgentName(customer.blocked?.by);
  const name = customerDisplayName(customer) ?? t.list.unknownCustomer;
  return (
    <div className="pd-customer-block" data-blocked={customer.blocked ? true : undefined}>
      {customer.blocked ? (
        <p className="pd-badge pd-badge-blocked">{tc.blocked(format.dateTime(customer.blocked.at), by)}</p>
      ) : null}
      {customer.blocked ? (
        <button
          type="button"
          className="pd-button"
          disabled={block.isPending}
          onClick={() => block.mutate(false)}
        >
          {tc.unblock}
        </button>
      ) : confirming ? (
        <ConfirmDialog
          label={tc.block}
          question={tc.confirmBlock(name)}
          onConfirm={() => {
            setConfirming(false);
            block.mutate(true);
          }}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <button
          type="button"
          className="pd-button pd-button-danger"
          disabled={block.isPending}
          onClick={() => setConfirming(true)}
        >
          {tc.block}
        </button>
      )}
      {block.isError ? (
        <p className="pd-problem" role="alert">
          {t.channels.actionFailed} {block.error.message}
        </p>
      ) : null}
    </div>
  );
}
