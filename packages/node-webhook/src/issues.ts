import { formatIssuePath, narrowUnionIssues } from '@pagedesk/core';

// Turns zod issues into Pagedesk's `{ path, message }` issues: a dotted path with [index] for arrays
// (`entry[0].messaging[1].message.mid`) and a message saying what was expected and what came.

interface IssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  expected?: string;
  values?: ReadonlyArray<unknown>;
  errors?: ReadonlyArray<ReadonlyArray<IssueLike>>;
}

function describe(issue: IssueLike, input: unknown): string {
  if (issue.code === 'invalid_union' && issue.errors) {
    const expected = issue.errors.flatMap((branch) => branch.map((i) => i.expected).filter(Boolean));
    if (expected.length > 0) return `expected ${[...new Set(expected)].join(' or ')}, got ${typeName(input)}`;
  }
  if (issue.code === 'invalid_value' && issue.values)
    return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.expected) return `expected ${issue.expected}, got ${typeName(input)}`;
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The value at `path` inside `input`, or undefined when the path leaves the objects. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Zod issues → `{ path, message }[]` with paths prefixed by `base`. */
export function issuesOf(
  issues: ReadonlyArray<unknown>,
  input: unknown,
  base = '',
): Array<{ path: string; message: string }> {
  return narrowUnionIssues(issues as IssueLike[]).map((issue) => ({
    path: formatIssuePath(issue.path, base),
    message: describe(issue, valueAt(input, issue.path)),
  }));
}
