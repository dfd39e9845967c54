import { describe, expect, it } from 'vitest';
import { testClient, useGraphStandin } from './graphTestClient.js';

const env = useGraphStandin();

describe('UserGraph', () => {
  it('lists the pages of a user across paging, with tasks and linked Instagram accounts', async () => {
    env.standin.handle((r) =>
      r.query['after'] === 'c1'
        ? { json: { data: [{ id: 'P2', name: 'Two', access_token: 'pt2', tasks: ['MODERATE'] }] } }
        : {
            json: {
              data: [
                {
                  id: 'P1',
                  name: 'One',
                  access_token: 'pt1',
                  tasks: ['MANAGE', 'MESSAGING'],
                  picture: { data: { url: 'https://cdn/p1.png' } },
                  instagram_business_account: { id: 'IG1', username: 'one.ig' },
                },
              ],
              paging: { cursors: { after: 'c1' }, next: 'https://graph/next' },
            },
          },
    );
    const { graph } = testClient(env.standin);
    const pages = await graph.forUser('user-token-123456').accounts();
    expect(pages).toEqual([
      {
        id: 'P1',
        name: 'One',
        accessToken: 'pt1',
        tasks: ['MANAGE', 'MESSAGING'],
        pictureUrl: 'https://cdn/p1.png',
        instagram: { id: 'IG1', username: 'one.ig' },
      },
      { id: 'P2', name: 'Two', accessToken: 'pt2', tasks: ['MODERATE'] },
    ]);
  });
});
