import { ValidationError } from '../errors.js';
import type { GraphRequester } from './graphRequest.js';
import { accountsSchema, nextCursor, optional } from './graphSchemas.js';

// The Graph calls that run as the admin who connects pages: the page picker's `/me/accounts`.

/** One page the user administers (`GET /me/accounts`). */
export interface AccountPage {
  id: string;
  name: string;
  accessToken?: string;
  tasks: string[];
  pictureUrl?: string;
  instagram?: { id: string; username?: string; name?: string; pictureUrl?: string };
}

/** Graph calls that run as a person (the admin connecting pages). */
export interface UserGraph {
  /** Every page the user administers with its tasks and Page token (follows paging, bounded). */
  accounts(options?: { maxPages?: number }): Promise<AccountPage[]>;
}

/** The user calls of a Graph client, bound to one user token. */
export function createUserGraph(request: GraphRequester, userAccessToken: string): UserGraph {
  if (!userAccessToken)
    throw new ValidationError('user token', [{ path: 'userAccessToken', message: 'required' }]);
  return {
    async accounts({ maxPages = 20 } = {}) {
      const pages: AccountPage[] = [];
      let after: string | undefined;
      for (let i = 0; i < maxPages; i++) {
        const result = await request({
          method: 'GET',
          path: 'me/accounts',
          accessToken: userAccessToken,
          query: {
            fields:
              'id,name,access_token,tasks,picture{url},instagram_business_account{id,username,name,profile_picture_url}',
            limit: 100,
            after,
          },
          schema: accountsSchema,
        });
        for (const p of result.data) {
          const ig = p.instagram_business_account;
          pages.push({
            id: p.id,
            name: p.name,
            ...optional('accessToken', p.access_token),
            tasks: p.tasks ?? [],
            ...optional('pictureUrl', p.picture?.data?.url),
            ...(ig
              ? {
                  instagram: {
                    id: ig.id,
                    ...optional('username', ig.username),
                    ...optional('name', ig.name),
                    ...optional('pictureUrl', ig.profile_picture_url),
                  },
                }
              : {}),
          });
        }
        const next = nextCursor(result.paging) ?? undefined;
        if (!next) break;
        after = next;
      }
      return pages;
    },
  };
}
