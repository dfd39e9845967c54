import { ValidationError } from './errors.js';
import { parseOrThrow } from './parseOrThrow.js';
import { type ReplyTemplate, replyTemplateSchema } from './templates.js';

// The optional `Store.templates` section: reply templates per organisation. Templates are few per
// organisation (tens, a few hundred), so `list` returns them all, ordered by name.

/** Which templates `TemplateStore.list` returns. */
export interface TemplateQuery {
  /** Only this organisation's templates; `null` only those without one (a single-tenant host). */
  organizationId: string | null;
}

/** Where reply templates are kept (`Store.templates`). */
export interface TemplateStore {
  get(id: string): Promise<ReplyTemplate | undefined>;
  /** The organisation's templates, by name (then id). */
  list(query: TemplateQuery): Promise<ReplyTemplate[]>;
  /** Upserts by id. */
  put(template: ReplyTemplate): Promise<void>;
  /** Deletes one; whether it existed. */
  delete(id: string): Promise<boolean>;
}

/** Name order shared by every store: lower-cased name in code-unit order, then id. */
export function compareTemplates(a: ReplyTemplate, b: ReplyTemplate): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function requireId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new ValidationError('template id', [{ path: 'id', message: 'expected a non-empty string' }]);
}

/**
 * The in-memory `Store.templates` of `memoryStore()`.
 *
 * @example
 * const store = { ...myStore, templates: memoryTemplates() };
 */
export function memoryTemplates(): TemplateStore {
  const templates = new Map<string, ReplyTemplate>();
  const copy = (template: ReplyTemplate) => structuredClone(template);
  return {
    async get(id) {
      requireId(id);
      const found = templates.get(id);
      return found && copy(found);
    },
    async list({ organizationId }) {
      return [...templates.values()]
        .filter((template) => (template.organizationId ?? null) === organizationId)
        .sort(compareTemplates)
        .map(copy);
    },
    async put(template) {
      const value = parseOrThrow(replyTemplateSchema, template, 'reply template');
      templates.set(value.id, copy(value));
    },
    async delete(id) {
      requireId(id);
      return templates.delete(id);
    },
  };
}
