// The emulator's login dialogs (Facebook Login and Instagram Login): a page listing the permissions
// asked for, each with a checkbox, an Allow button and a Decline button. Its form submits back to the
// same URL with `decision` (and `grant` per ticked permission), which tests can also pass directly.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The dialog HTML for `params` (the authorize query), asking for `scopes` on behalf of `who`. */
export function loginDialogHtml(options: {
  title: string;
  action: string;
  params: URLSearchParams;
  scopes: readonly string[];
}): string {
  const hidden = [...options.params.entries()]
    .filter(([key]) => key !== 'decision' && key !== 'grant')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('');
  const boxes = options.scopes
    .map(
      (scope) =>
        `<label><input type="checkbox" name="grant" value="${escapeHtml(scope)}" checked> ${escapeHtml(scope)}</label><br>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>
<body><main><h1>${escapeHtml(options.title)}</h1>
<form method="get" action="${escapeHtml(options.action)}">${hidden}
<fieldset><legend>Permissions</legend>${boxes}</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="decline">Decline</button>
</form></main></body></html>`;
}
