// Runs inside the temporary npm project of scripts/check-packed.mjs under
// `node --conditions=react-server --import rsc-register.mjs`: what a server component gets from the
// packed @pagedesk/react.
import assert from 'node:assert/strict';

const React = await import('react');
// The react-server build of React has no client APIs: proof that the condition is in effect.
assert.equal('createContext' in React, false, 'react did not resolve to its react-server build');

const kit = await import('@pagedesk/react');
const CLIENT = Symbol.for('react.client.reference');

// Pure helpers arrive as real values.
assert.equal(typeof kit.defaultMessages, 'object');
assert.ok(Object.keys(kit.defaultMessages).length > 5, 'defaultMessages is empty on the server');
assert.equal(typeof kit.mergeMessages, 'function');
assert.notEqual(kit.mergeMessages.$$typeof, CLIENT, 'mergeMessages is a client reference');
assert.deepEqual(kit.mergeMessages(), kit.defaultMessages);
assert.deepEqual(kit.pagedeskKeys.conversation('c1'), ['pagedesk', 'conversation', 'c1']);
assert.equal(kit.safeAttachmentUrl('https://cdn.example/a.png'), 'https://cdn.example/a.png');
assert.equal(kit.safeAttachmentUrl('javascript:alert(1)'), undefined);
assert.equal(kit.safeLinkUrl('mailto:help@example.com'), 'mailto:help@example.com');

// Components and hooks are client references, as a server component's bundler hands them over.
for (const name of ['PagedeskProvider', 'Inbox', 'useConversations', 'httpTransport', 'ChannelSettings']) {
  assert.equal(kit[name]?.$$typeof, CLIENT, `${name} should be a client reference`);
}
// The eager panels of the toolkit entry too; `threadHolder` is a pure helper, a real value.
const toolkit = await import('@pagedesk/react/toolkit');
for (const name of ['ChannelSettings', 'CustomerPanel', 'CommentModeration', 'ThreadOwner', 'Lightbox']) {
  assert.equal(toolkit[name]?.$$typeof, CLIENT, `toolkit ${name} should be a client reference`);
}
assert.equal(kit.threadHolder({ threadOwner: { appId: null, since: 0 } }, { appId: 'app-1' }), 'idle');
console.info('@pagedesk/react under react-server: helpers are real values, components client references');
