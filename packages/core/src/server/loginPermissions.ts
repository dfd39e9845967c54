import { type MissingPermission, MissingPermissionsError } from './loginErrors.js';

// Which permissions each capability needs, on each login route: the one table the login helpers
// check grants against and docs/going-live.md explains. Sources: Messenger Platform overview
// (https://developers.facebook.com/docs/messenger-platform/overview), Pages API comments
// (https://developers.facebook.com/docs/pages-api/comments-mentions), Instagram messaging
// requirements (https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile)
// and Instagram API with Instagram Login
// (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login).

/** What a host wants Pagedesk to do with the pages an admin connects through Facebook Login. */
export type FacebookCapability = 'messenger' | 'comments' | 'history' | 'instagram' | 'instagramComments';

/** What a host wants Pagedesk to do with an account connected through Instagram Login. */
export type InstagramCapability = 'messages' | 'comments';

interface Requirement {
  label: string;
  permissions: readonly string[];
}

/** Facebook Login for Business: permissions per capability. */
export const FACEBOOK_LOGIN_PERMISSIONS: Readonly<Record<FacebookCapability, Requirement>> = {
  messenger: {
    label: 'Messenger conversations',
    permissions: ['pages_show_list', 'pages_manage_metadata', 'pages_messaging'],
  },
  comments: {
    label: 'Facebook comments and private replies',
    permissions: [
      'pages_show_list',
      'pages_read_engagement',
      'pages_read_user_content',
      'pages_manage_engagement',
    ],
  },
  history: {
    label: 'history import',
    permissions: ['pages_show_list', 'pages_messaging', 'pages_read_engagement'],
  },
  instagram: {
    label: 'Instagram Direct through a Page',
    permissions: [
      'pages_show_list',
      'pages_manage_metadata',
      'pages_read_engagement',
      'instagram_basic',
      'instagram_manage_messages',
    ],
  },
  instagramComments: {
    label: 'Instagram comments and private replies',
    permissions: ['instagram_basic', 'instagram_manage_comments'],
  },
};

/** Instagram API with Instagram Login: permissions (scopes) per capability. */
export const INSTAGRAM_LOGIN_PERMISSIONS: Readonly<Record<InstagramCapability, Requirement>> = {
  messages: {
    label: 'Instagram Direct messages',
    permissions: ['instagram_business_basic', 'instagram_business_manage_messages'],
  },
  comments: {
    label: 'Instagram comments and private replies',
    permissions: ['instagram_business_basic', 'instagram_business_manage_comments'],
  },
};

/** Every permission the capabilities need, once each, in table order. */
export function permissionsFor<TCapability extends string>(
  table: Readonly<Record<TCapability, Requirement>>,
  capabilities: readonly TCapability[],
): string[] {
  return [...new Set(capabilities.flatMap((c) => table[c].permissions))];
}

/** Throws {@link MissingPermissionsError} naming each permission not in `granted` and what needs it. */
export function requireGranted<TCapability extends string>(
  table: Readonly<Record<TCapability, Requirement>>,
  capabilities: readonly TCapability[],
  granted: readonly string[],
): void {
  const missing = new Map<string, MissingPermission>();
  for (const capability of capabilities) {
    for (const permission of table[capability].permissions) {
      if (granted.includes(permission)) continue;
      const entry = missing.get(permission) ?? { permission, neededFor: [] };
      entry.neededFor.push(table[capability].label);
      missing.set(permission, entry);
    }
  }
  if (missing.size > 0) throw new MissingPermissionsError([...missing.values()]);
}
