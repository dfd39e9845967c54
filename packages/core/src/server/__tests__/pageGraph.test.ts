import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { testClient, useGraphStandin } from './graphTestClient.js';

const env = useGraphStandin();

describe('PageGraph', () => {
  it('uploads an attachment by URL and as multipart, with platform=instagram for Instagram', async () => {
    env.standin.handle(() => ({ json: { attachment_id: '1857777774821032' } }));
    const { page } = testClient(env.standin);
    await expect(page.uploadAttachment({ type: 'image', url: 'https://x.example/a.png' })).resolves.toBe(
      '1857777774821032',
    );
    await page.uploadAttachment(
      {
        type: 'file',
        data: new TextEncoder().encode('%PDF-1.4'),
        fileName: 'a.pdf',
        mimeType: 'application/pdf',
      },
      { platform: 'instagram' },
    );
    expect(env.standin.requests[0]!.body).toEqual({
      message: {
        attachment: { type: 'image', payload: { url: 'https://x.example/a.png', is_reusable: true } },
      },
    });
    expect(env.standin.requests[1]!.query['platform']).toBe('instagram');
    expect(env.standin.requests[1]!.contentType).toContain('multipart/form-data');
    expect(env.standin.requests[1]!.rawBody).toContain('name="filedata"; filename="a.pdf"');
    expect(env.standin.requests[1]!.rawBody).toContain('%PDF-1.4');
  });

  it('reads Messenger and Instagram profiles', async () => {
    env.standin.handle((r) =>
      r.query['fields']?.includes('username')
        ? { json: { id: 'IG1', name: null, username: 'ana.ig', profile_pic: 'https://cdn/ig.jpg' } }
        : { json: { id: 'PSID', first_name: 'Ana', last_name: 'Lima', profile_pic: 'https://cdn/a.jpg' } },
    );
    const { page } = testClient(env.standin);
    await expect(page.profile('PSID', 'messenger')).resolves.toEqual({
      id: 'PSID',
      name: 'Ana Lima',
      firstName: 'Ana',
      lastName: 'Lima',
      avatarUrl: 'https://cdn/a.jpg',
    });
    await expect(page.profile('IG1', 'instagram')).resolves.toEqual({
      id: 'IG1',
      username: 'ana.ig',
      avatarUrl: 'https://cdn/ig.jpg',
    });
  });

  it('subscribes, lists and unsubscribes webhook fields', async () => {
    env.standin.handle((r) => {
      if (r.method === 'GET')
        return { json: { data: [{ id: '111', name: 'Pagedesk', subscribed_fields: ['messages'] }] } };
      return { json: { success: 'true' } };
    });
    const { page } = testClient(env.standin);
    await page.subscribe(['messages', 'message_echoes']);
    await expect(page.subscribedApps()).resolves.toEqual([
      { id: '111', name: 'Pagedesk', subscribedFields: ['messages'] },
    ]);
    await page.unsubscribe();
    expect(
      env.standin.requests.map((r) => `${r.method} ${r.path} ${r.query['subscribed_fields'] ?? ''}`),
    ).toEqual([
      'POST PAGE1/subscribed_apps messages,message_echoes',
      'GET PAGE1/subscribed_apps ',
      'DELETE PAGE1/subscribed_apps ',
    ]);
  });

  it('reads conversation history', async () => {
    env.standin.handle((r) =>
      r.path === 'PAGE1/conversations'
        ? {
            json: {
              data: [
                {
                  id: 't_1',
                  updated_time: '2026-01-02T03:04:05+0000',
                  participants: {
                    data: [
                      { id: 'PSID', name: 'Ana' },
                      { id: 'PAGE1', name: 'Shop' },
                    ],
                  },
                },
              ],
            },
          }
        : {
            json: {
              data: [
                {
                  id: 'm_1',
                  created_time: '2026-01-02T03:04:05+0000',
                  from: { id: 'PSID', name: 'Ana' },
                  to: { data: [{ id: 'PAGE1' }] },
                  message: 'Hi',
                  attachments: {
                    data: [{ mime_type: 'image/png', image_data: { url: 'https://cdn/i.png' } }],
                  },
                },
              ],
              paging: { cursors: { after: 'x' }, next: 'https://graph/next' },
            },
          },
    );
    const { page } = testClient(env.standin);
    const conversations = await page.conversations({ platform: 'messenger', limit: 10 });
    expect(conversations).toEqual({
      items: [
        {
          id: 't_1',
          updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
          participants: [
            { id: 'PSID', name: 'Ana' },
            { id: 'PAGE1', name: 'Shop' },
          ],
        },
      ],
      after: null,
    });
    expect(env.standin.requests[0]!.query).toMatchObject({ platform: 'messenger', limit: '10' });
    const messages = await page.conversationMessages('t_1');
    expect(messages.after).toBe('x');
    expect(messages.items[0]).toEqual({
      id: 'm_1',
      createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
      from: { id: 'PSID', name: 'Ana' },
      to: ['PAGE1'],
      text: 'Hi',
      attachments: [{ url: 'https://cdn/i.png', mimeType: 'image/png' }],
    });
  });

  it('creates and deletes personas and replies to comments publicly', async () => {
    env.standin.handle((r) => (r.method === 'DELETE' ? { json: { success: true } } : { json: { id: 'X1' } }));
    const { page } = testClient(env.standin);
    await expect(
      page.createPersona({ name: 'Ana (support)', profilePictureUrl: 'https://x/a.png' }),
    ).resolves.toBe('X1');
    await page.deletePersona('X1');
    await page.replyToComment('C1', 'Thanks!', 'messenger');
    await page.replyToComment('IGC1', 'Thanks!', 'instagram');
    expect(env.standin.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST PAGE1/personas',
      'DELETE X1',
      'POST C1/comments',
      'POST IGC1/replies',
    ]);
    expect(env.standin.requests[0]!.body).toEqual({
      name: 'Ana (support)',
      profile_picture_url: 'https://x/a.png',
    });
    await expect(page.createPersona({ name: 'x'.repeat(51) })).rejects.toBeInstanceOf(ValidationError);
  });
});
