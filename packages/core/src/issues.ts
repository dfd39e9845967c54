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
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
