// Validation issues as Pagedesk reports them: each names the wrong field by its path.

/** Formats a validation path as `a.b[0].c`, under `root` when given. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** The issues of a failed zod parse (typed by shape: the browser entry does not pull zod in). */
export function zodIssues(error: {
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>;
}): Array<{ path: string; message: string }> {
  return narrowUnionIssues(error.issues as ReadonlyArray<UnionIssueLike>).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
}

/** A zod issue as far as {@link narrowUnionIssues} reads it. */
export interface UnionIssueLike {
  readonly code: string;
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly values?: ReadonlyArray<unknown>;
  readonly errors?: ReadonlyArray<ReadonlyArray<UnionIssueLike>>;
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
