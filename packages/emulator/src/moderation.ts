import { requireScope } from './graphAuth.js';
import { flag } from './graphParams.js';
import { type GraphRequest, type GraphResult, ok } from './graphTypes.js';
import { invalidParam, unsupportedRequest } from './metaError.js';
import type { PageState, World } from './world.js';

// Comment moderation as Meta answers it: hide and unhide (`POST /{comment}` with `is_hidden` on a Page,
// `hide` on Instagram), delete (`DELETE /{comment}`), and like or unlike a Page comment
// (`POST`/`DELETE /{comment}/likes`; Instagram comments have no likes edge). Only the page the comment
// is on may do it, with `pages_manage_engagement` or `instagram_manage_comments`; a deleted comment no
// longer exists. https://developers.facebook.com/documentation/pages-api/comments-mentions and
// https://developers.facebook.com/docs/instagram-api/guides/comment-moderation

/**
 * Answers a moderation call on a comment the world knows, or undefined when the request is not one
 * (the caller's other routes go on).
 */
export function moderationRoute(
  world: World,
  req: GraphRequest,
  callerPages: readonly PageState[],
): GraphResult | undefined {
  const { method, segments, params } = req;
  const [commentId, edge, extra] = segments;
  if (!commentId || extra !== undefined) return undefined;
  const comment = world.comments.get(commentId);
  if (!comment || comment.isPost) return undefined;
  const isLikes = edge === 'likes' && (method === 'POST' || method === 'DELETE');
  const isNode =
    edge === undefined &&
    (method === 'DELETE' || (method === 'POST' && ('is_hidden' in params || 'hide' in params)));
  if (!isLikes && !isNode) return undefined;
  const path = segments.join('/');
  // Another page's comment, or one already deleted, is no object this token can act on.
  if (comment.deleted || !callerPages.some((p) => p.id === comment.pageId))
    throw unsupportedRequest(method, path);
  const page = world.page(comment.pageId);
  const instagram = page.platform === 'instagram';
  const scope = instagram ? 'instagram_manage_comments' : 'pages_manage_engagement';
  requireScope(page, scope);
  if (isLikes) {
    if (instagram) throw unsupportedRequest(method, path);
    comment.likedByPage = method === 'POST';
  } else if (method === 'DELETE') {
    comment.deleted = true;
  } else {
    const name = instagram ? 'hide' : 'is_hidden';
    const value = flag(params[name]);
    if (value === undefined) throw invalidParam(`param ${name} must be a boolean.`);
    comment.hidden = value;
  }
  world.emit({ type: 'comment', comment: structuredClone(comment) });
  return ok({ success: true });
}
