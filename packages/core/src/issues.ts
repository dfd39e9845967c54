// Validation issues as Pagedesk reports them: each names the wrong field by its path (`a.b[0].c`) and
// says what was wrong. Typed by shape, so the browser entry does not pull zod in, and both zod and
// zod/mini issues fit.

/**
 * A zod issue as far as Pagedesk reads it (zod and zod/mini issues both fit).
 */
export interface UnionIssueLike {
  readonly code: string;
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly values?: ReadonlyArray<unknown>;
  readonly errors?: ReadonlyArray<ReadonlyArray<UnionIssueLike>>;
}

/** A zod issue with the fields {@link describeIssue} reads. */
export interface IssueLike extends UnionIssueLike {
  readonly expected?: unknown;
  readonly origin?: unknown;
  readonly inclusive?: boolean;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly keys?: ReadonlyArray<string>;
  readonly format?: unknown;
  readonly divisor?: unknown;
}

/**
 * Formats a validation path as `a.b[0].c`, under `root` when given (`root.a[0]`, `root[2]`).
 *
 * @param path - The issue's path (property names and array indexes).
 * @param root - A prefix naming what was parsed, e.g. `entry[0]`.
 * @returns The path in the one style every Pagedesk error uses.
 * @example
 * formatIssuePath(['messaging', 0, 'mid'], 'entry[1]'); // 'entry[1].messaging[0].mid'
 */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const inLength = (origin: unknown) => (origin === 'string' || origin === 'array' ? ' in length' : '');

/**
 * What an issue says was wrong. A message the schema wrote (or a zod locale's) is kept; zod/mini's
 * bare "Invalid input" is replaced by a short description of the issue (without loading a locale:
 * `z.config` would change the host's own zod globally).
 *
 * @example
 * describeIssue({ code: 'invalid_type', expected: 'string', path: [], message: 'Invalid input' });
 * // 'expected string'
 */
export function describeIssue(issue: IssueLike): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${String(issue.expected)}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}${inLength(issue.origin)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${inLength(issue.origin)}`;
    case 'unrecognized_keys': {
      const keys = issue.keys ?? [];
      return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    case 'invalid_value':
      return `expected one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `invalid ${String(issue.format)}`;
    case 'not_multiple_of':
      // Whole numbers are checked as multiples of 1 (model.ts).
      return issue.divisor === 1
        ? 'expected a whole number'
        : `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return 'invalid value';
  }
}

/**
 * The issues of a failed zod parse as `{ path, message }`: unions narrowed to the member meant
 * ({@link narrowUnionIssues}), paths formatted by {@link formatIssuePath} under `root`, messages by
 * {@link describeIssue}.
 *
 * @param error - The `error` of a failed `safeParse`.
 * @param root - A prefix for every path, e.g. `event`.
 * @example
 * throw new ValidationError('options', zodIssues(result.error));
 */
export function zodIssues(
  error: { readonly issues: ReadonlyArray<IssueLike> },
  root = '',
): Array<{ path: string; message: string }> {
  return narrowUnionIssues(error.issues).map((issue) => ({
    path: formatIssuePath(issue.path, root),
    message: describeIssue(issue),
  }));
}

/**
 * Replaces each failed union of tagged objects (`{ type: 'a', ... } | { type: 'b', ... }`) by what is
 * wrong in the member its tag names, so the issue points at the field (`conversationId`) rather than
 * at the whole value; an unknown tag becomes one issue at the tag listing the values it may take.
 * Other issues pass through as they are.
 */
export function narrowUnionIssues<TIssue extends UnionIssueLike>(issues: ReadonlyArray<TIssue>): TIssue[] {
  return issues.flatMap((issue): TIssue[] => {
    if (issue.code !== 'invalid_union' || !issue.errors) return [issue];
    // A member whose own tag refused the value (an `invalid_value` one level down) is not the one meant.
    const isTagMiss = (i: UnionIssueLike) => i.code === 'invalid_value' && i.path.length === 1;
    const meant = issue.errors.filter((branch) => !branch.some(isTagMiss));
    const at = (i: UnionIssueLike) => ({ ...i, path: [...issue.path, ...i.path] }) as unknown as TIssue;
    if (meant.length === 1) return narrowUnionIssues(meant[0]!.map(at));
    const misses = issue.errors.map((branch) => branch.find(isTagMiss));
    const tag = misses[0]?.path[0];
    if (meant.length === 0 && tag !== undefined && misses.every((m) => m?.path[0] === tag)) {
      const values = [...new Set(misses.flatMap((m) => m?.values ?? []))].map(String);
      return [
        {
          ...issue,
          code: 'invalid_value',
          path: [...issue.path, tag],
          values,
          message: `expected one of ${values.join(', ')}`,
        } as unknown as TIssue,
      ];
    }
    return [issue];
  });
}
