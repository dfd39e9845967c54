import { createRoot } from 'react-dom/client';
import '../../packages/react/src/styles/index.css';
import { Inbox, PagedeskProvider } from '@pagedesk/react';
import { createFakeTransport } from '@pagedesk/react/testing';
import { hostileAttachments, hostileNames, hostileTexts } from './corpus.js';

// Renders the hostile corpus in the real React kit: every text, name and attachment below arrives as
// a customer message in conversation conv-1 (and names on the first conversations of the list).

const NOW = Date.UTC(2026, 10, 4, 12);
const transport = createFakeTransport({ now: () => NOW, conversations: 6, messagesPerConversation: 1 });
hostileNames.forEach((name, i) => {
  const conversation = transport.data.conversations[i];
  if (conversation) conversation.customer = { ...conversation.customer, name };
});
for (const text of hostileTexts) transport.receive('conv-1', { text });
for (const attachments of hostileAttachments) transport.receive('conv-1', { attachments });
(window as unknown as { corpusSize: number }).corpusSize = hostileTexts.length + hostileAttachments.length;

createRoot(document.getElementById('root') as HTMLElement).render(
  <PagedeskProvider transport={transport} now={() => NOW}>
    <Inbox defaultSelectedId="conv-1" />
  </PagedeskProvider>,
);

// ?canary: plants what the test must detect (a javascript: link, a data: image, a fixed overlay), so
// the test proves its own checks can fail.
if (new URLSearchParams(window.location.search).has('canary')) {
  const plant = () => {
    const root = document.querySelector('.pd-root');
    if (!root) return void setTimeout(plant, 20);
    root.insertAdjacentHTML(
      'beforeend',
      '<a id="canary-link" href="javascript:void 0">x</a><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">' +
        '<div style="position:fixed;left:950px;top:0;width:200px;height:200px">overlay</div>',
    );
  };
  plant();
}
