import {
  parseOrThrow,
  type ReplyTemplate,
  replyTemplateSchema,
  type TemplateStore,
  ValidationError,
} from '@pagedesk/core';
import type { QueryResultRow } from 'pg';
import { parseRow } from './rows.js';

// `Store.templates` on PostgreSQL (migration 5): one row per template, its organisation in a column
// ('' for none) so a list reads one organisation's rows only, in the order memoryTemplates keeps.

type Query = <TRow extends QueryResultRow>(text: string, values?: unknown[]) => Promise<TRow[]>;

function requireId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new ValidationError('template id', [{ path: 'id', message: 'expected a non-empty string' }]);
}

/** The templates section of `postgresStore`, over its executor's `query` and quoted schema name. */
export function postgresTemplates(query: Query, s: string): TemplateStore {
  const get = `SELECT id, data FROM ${s}.reply_templates WHERE id = $1`;
  const list = `SELECT id, data FROM ${s}.reply_templates WHERE organization_id = $1 ORDER BY lower(name) COLLATE "C", id`;
  const put = `INSERT INTO ${s}.reply_templates (id, organization_id, name, data) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET organization_id = EXCLUDED.organization_id, name = EXCLUDED.name, data = EXCLUDED.data`;
  const remove = `DELETE FROM ${s}.reply_templates WHERE id = $1 RETURNING id`;
  const read = (row: { id: string; data: unknown }) =>
    parseRow<ReplyTemplate>(replyTemplateSchema, 'reply_templates', row);
  return {
    async get(id) {
      requireId(id);
      const row = (await query<{ id: string; data: unknown }>(get, [id]))[0];
      return row === undefined ? undefined : read(row);
    },
    async list({ organizationId }) {
      return (await query<{ id: string; data: unknown }>(list, [organizationId ?? ''])).map(read);
    },
    async put(template) {
      const value = parseOrThrow<ReplyTemplate>(replyTemplateSchema, template, 'reply template');
      await query(put, [value.id, value.organizationId ?? '', value.name, value]);
    },
    async delete(id) {
      requireId(id);
      return (await query(remove, [id])).length > 0;
    },
  };
}
