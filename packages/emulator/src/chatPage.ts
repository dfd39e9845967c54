// The customer chat page: one self-contained HTML document (no framework, no build). It speaks only
// to the control API and the SSE stream. Message text is always set with textContent, never parsed
// as HTML, and attachment URLs are only used when they are http(s).

import { surveyCss, surveyScript } from './chatSurvey.js';

const css = `
:root { --blue: #0866ff; --grey: #f0f2f5; --text: #050505; --muted: #65676b; --border: #dadde1; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff; height: 100vh; display: grid; grid-template-rows: auto 1fr; }
header { display: flex; align-items: center; gap: 12px; padding: 10px 16px; border-bottom: 1px solid var(--border); background: #fff; }
header h1 { font-size: 16px; margin: 0; flex: 1; }
header .clock { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 13px; }
button { font: inherit; border: 0; border-radius: 18px; padding: 7px 14px; background: var(--grey); cursor: pointer; }
button:hover { filter: brightness(0.95); }
button.primary { background: var(--blue); color: #fff; }
button:disabled { opacity: .5; cursor: default; }
input, select { font: inherit; border: 1px solid var(--border); border-radius: 18px; padding: 7px 12px; background: var(--grey); min-width: 0; }
main { display: grid; grid-template-columns: 280px 1fr; min-height: 0; }
aside { border-right: 1px solid var(--border); padding: 12px; display: flex; flex-direction: column; gap: 10px; overflow: auto; }
aside label { font-size: 12px; color: var(--muted); font-weight: 600; }
aside form { display: flex; flex-direction: column; gap: 6px; }
section.thread { display: grid; grid-template-rows: auto 1fr auto auto; min-height: 0; }
.thread-head { padding: 10px 16px; border-bottom: 1px solid var(--border); display: flex; gap: 10px; align-items: center; }
.thread-head img { width: 36px; height: 36px; border-radius: 50%; }
.thread-head .who { font-weight: 600; }
.thread-head .where { font-size: 12px; color: var(--muted); }
.badge { font-size: 11px; padding: 2px 8px; border-radius: 10px; background: var(--grey); color: var(--muted); }
ol.messages { list-style: none; margin: 0; padding: 16px; overflow-y: auto; display: flex; flex-direction: column; gap: 4px; }
ol.messages li { display: flex; flex-direction: column; max-width: 70%; }
ol.messages li[data-direction="inbound"] { align-self: flex-end; align-items: flex-end; }
ol.messages li[data-direction="outbound"] { align-self: flex-start; align-items: flex-start; }
.bubble { padding: 8px 12px; border-radius: 18px; white-space: pre-wrap; overflow-wrap: anywhere; }
li[data-direction="inbound"] .bubble { background: var(--blue); color: #fff; }
li[data-direction="outbound"] .bubble { background: var(--grey); }
.bubble.deleted { font-style: italic; opacity: .7; }
.label { font-size: 11px; color: var(--muted); margin: 4px 10px 2px; }
.quote { font-size: 12px; color: var(--muted); border-left: 3px solid var(--border); padding: 2px 8px; margin: 2px 4px; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.attachments { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 2px; }
.attachments img { max-width: 180px; max-height: 140px; border-radius: 12px; display: block; }
.meta { font-size: 11px; color: var(--muted); margin: 2px 6px 6px; display: flex; gap: 6px; align-items: center; }
.meta button { padding: 0 6px; background: none; font-size: 13px; }
.reaction { font-size: 13px; }
.quick-replies { display: flex; flex-wrap: wrap; gap: 6px; justify-content: flex-end; padding: 4px 16px; }
.empty { color: var(--muted); text-align: center; margin: auto; padding: 40px; }
.typing { height: 20px; padding: 0 16px; font-size: 12px; color: var(--muted); }
form.composer { display: flex; gap: 8px; padding: 10px 16px; border-top: 1px solid var(--border); align-items: center; flex-wrap: wrap; }
form.composer input[name="text"] { flex: 1 1 240px; }
.comments { border-top: 1px solid var(--border); padding: 8px 16px; font-size: 13px; max-height: 140px; overflow: auto; }
.comments:empty { display: none; }
.comment { margin: 4px 0; }
.comment .reply { margin-left: 16px; color: var(--muted); }
.status { font-size: 12px; color: #b3261e; min-height: 16px; }
${surveyCss}`;

const script = `
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { pages: [], customers: new Map(), current: null, messages: [], comments: [], now: 0, offset: 0 };

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'on') for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
      else node.setAttribute(key, value);
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }
  function safeUrl(url) {
    try { const u = new URL(url, location.href); return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null; } catch { return null; }
  }
  function showError(message) { $('status').textContent = message || ''; }
  async function api(method, path, body) {
    const response = await fetch('/_emulator' + path, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) { const message = (data.error && data.error.message) || ('HTTP ' + response.status); showError(message); throw new Error(message); }
    showError('');
    return data;
  }
  function pageOf(id) { return state.pages.find((p) => p.id === id); }
${surveyScript}
  function time(ms) { return new Date(ms).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }); }

  function renderClock() {
    $('clock').textContent = 'Emulated time: ' + new Date(Date.now() + state.offset).toLocaleString();
  }
  function renderCustomers() {
    const select = $('customer-select');
    const selected = state.current;
    select.replaceChildren(el('option', { value: '', text: 'Choose a customer…' }));
    for (const page of state.pages) {
      const group = el('optgroup', { label: page.name + ' (' + page.platform + ')' });
      for (const c of state.customers.values()) if (c.pageId === page.id) group.append(el('option', { value: c.id, text: c.name }));
      select.append(group);
    }
    select.value = selected || '';
    const pageSelect = $('new-customer-page');
    const pageValue = pageSelect.value;
    pageSelect.replaceChildren(...state.pages.map((p) => el('option', { value: p.id, text: p.name + ' (' + p.platform + ')' })));
    if (pageValue) pageSelect.value = pageValue;
  }
  function renderHead() {
    const c = state.customers.get(state.current);
    const head = $('thread-head');
    if (!c) { head.replaceChildren(el('span', { class: 'who', text: 'No customer selected' })); return; }
    const page = pageOf(c.pageId) || { name: c.pageId, platform: c.platform };
    const avatar = safeUrl(c.profilePic);
    head.replaceChildren(
      avatar ? el('img', { src: avatar, alt: '' }) : null,
      el('div', {}, [el('div', { class: 'who', 'data-testid': 'current-customer', text: c.name }), el('div', { class: 'where', text: 'Chatting with ' + page.name })]),
      el('span', { class: 'badge', text: page.platform === 'instagram' ? 'Instagram' : 'Messenger' }),
    );
  }
  function renderMessage(m) {
    const bubbleText = m.deleted ? 'Message unsent' : m.text;
    const attachments = el('div', { class: 'attachments' });
    for (const a of m.attachments || []) {
      const url = a.url ? safeUrl(a.url) : null;
      if (url && (a.type === 'image' || a.type === 'sticker' || a.type === 'story_mention')) attachments.append(el('img', { src: url, alt: a.type + ' attachment', 'data-testid': 'attachment' }));
      else if (url) attachments.append(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'attachment', text: a.title || (a.type + ' attachment') }));
      else attachments.append(el('span', { 'data-testid': 'attachment', text: a.type + ' attachment' }));
    }
    const meta = el('div', { class: 'meta' }, [el('time', { text: time(m.timestamp) })]);
    if (m.direction === 'outbound') {
      meta.append(el('span', { 'data-testid': 'message-status', text: m.readAt ? 'Seen' : m.deliveredAt ? 'Delivered' : 'Sent' }));
      meta.append(el('button', { type: 'button', 'aria-label': 'React with a heart', 'data-testid': 'react', text: '♡', on: { click: () => react(m.mid) } }));
    }
    if (m.reactions && m.reactions.length) meta.append(el('span', { class: 'reaction', 'data-testid': 'reaction', text: m.reactions.map((r) => r.emoji).join(' ') }));
    const quoted = m.replyToMid ? state.messages.find((x) => x.mid === m.replyToMid) : null;
    const label = m.personaName ? m.personaName + ' · ' + (pageOf(m.pageId) || {}).name : m.commentId ? 'Private reply to your comment' : null;
    return el('li', { 'data-testid': 'message', dataset: { direction: m.direction, mid: m.mid } }, [
      label ? el('div', { class: 'label', 'data-testid': 'message-label', text: label }) : null,
      quoted ? el('div', { class: 'quote', text: '↪ ' + (quoted.text || 'attachment') }) : null,
      m.survey ? renderSurvey(m) : bubbleText ? el('div', { class: 'bubble' + (m.deleted ? ' deleted' : ''), 'data-testid': 'bubble', text: bubbleText }) : null,
      attachments.childElementCount ? attachments : null,
      meta,
    ]);
  }
  function renderMessages() {
    const list = $('messages');
    if (!state.current) { list.replaceChildren(el('li', { class: 'empty', text: 'Pick a customer, or create one, to start chatting as them.' })); return; }
    if (state.messages.length === 0) { list.replaceChildren(el('li', { class: 'empty', text: 'No messages yet. Say hi!' })); return; }
    list.replaceChildren(...state.messages.map(renderMessage));
    // Messenger offers the quick replies of the latest message only, as buttons that answer with them.
    const last = state.messages[state.messages.length - 1];
    if (last && last.direction === 'outbound' && last.quickReplies && last.quickReplies.length)
      list.append(el('li', { class: 'quick-replies', 'data-testid': 'quick-replies' }, last.quickReplies.map((q) => el('button', { type: 'button', 'data-testid': 'quick-reply', text: q.title, on: { click: () => api('POST', '/customers/' + encodeURIComponent(state.current) + '/send', { text: q.title, quickReplyPayload: q.payload }).catch(() => {}) } }))));
    list.scrollTop = list.scrollHeight;
  }
  function renderComments() {
    const box = $('comments');
    const mine = state.comments.filter((c) => c.customerId === state.current);
    box.replaceChildren(...mine.map((c) => el('div', { class: 'comment', 'data-testid': 'comment' }, [
      el('div', { text: (c.isPost ? 'Post: ' : 'Comment: ') + c.text + (c.privateReplyMid ? ' (answered privately)' : '') }),
      ...c.replies.map((r) => el('div', { class: 'reply', 'data-testid': 'comment-reply', text: '↳ ' + r.text })),
    ])));
  }
  function markRead() {
    if (!state.current || document.visibilityState !== 'visible') return;
    if (state.messages.some((m) => m.direction === 'outbound' && !m.readAt)) api('POST', '/customers/' + encodeURIComponent(state.current) + '/read', {}).catch(() => {});
  }
  async function select(id) {
    state.current = id || null;
    const url = new URL(location.href);
    if (id) url.searchParams.set('customer', id); else url.searchParams.delete('customer');
    history.replaceState(null, '', url);
    state.messages = id ? await api('GET', '/customers/' + encodeURIComponent(id) + '/messages') : [];
    state.comments = id ? await api('GET', '/comments') : [];
    $('customer-select').value = id || '';
    for (const input of document.querySelectorAll('.needs-customer')) input.disabled = !id;
    renderHead(); renderMessages(); renderComments(); markRead();
  }
  async function react(mid) {
    await api('POST', '/customers/' + encodeURIComponent(state.current) + '/react', { mid, emoji: '❤️' });
  }
  function upsert(message) {
    if (message.customerId !== state.current) return;
    const index = state.messages.findIndex((m) => m.mid === message.mid);
    if (index >= 0) state.messages[index] = message; else { state.messages.push(message); state.messages.sort((a, b) => a.timestamp - b.timestamp); }
    renderMessages(); markRead();
  }

  async function load() {
    const s = await api('GET', '/state');
    state.pages = s.pages; state.offset = s.now - Date.now();
    for (const c of s.customers) state.customers.set(c.id, c);
    $('sample-select').replaceChildren(...s.samples.filter((n) => n !== 'avatar').map((n) => el('option', { value: n, text: n })));
    renderCustomers(); renderClock();
    const wanted = new URL(location.href).searchParams.get('customer') || new URLSearchParams(location.hash.slice(1)).get('customer');
    await select(wanted && state.customers.has(wanted) ? wanted : null);
    const events = new EventSource('/_emulator/events');
    let typingTimer = 0;
    // Messenger ends the page's typing indicator when the page's message arrives.
    events.addEventListener('message', (e) => { const m = JSON.parse(e.data).message; if (m.direction === 'outbound' && m.customerId === state.current) { clearTimeout(typingTimer); $('typing').textContent = ''; } upsert(m); });
    events.addEventListener('message_updated', (e) => upsert(JSON.parse(e.data).message));
    events.addEventListener('customer', (e) => { const c = JSON.parse(e.data).customer; const isNew = !state.customers.has(c.id); state.customers.set(c.id, c); if (isNew) renderCustomers(); if (c.id === state.current) renderHead(); });
    events.addEventListener('comment', async () => { if (state.current) { state.comments = await api('GET', '/comments'); renderComments(); } });
    events.addEventListener('clock', (e) => { state.offset = JSON.parse(e.data).now - Date.now(); renderClock(); });
    events.addEventListener('typing', (e) => {
      const t = JSON.parse(e.data);
      if (t.customerId !== state.current) return;
      $('typing').textContent = t.on ? ((pageOf(t.pageId) || {}).name || 'The page') + ' is typing…' : '';
      // Messenger turns a typing indicator off by itself after 20 seconds.
      clearTimeout(typingTimer);
      if (t.on) typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 20000);
    });
    events.addEventListener('open', () => { $('live').textContent = 'Live'; });
    events.addEventListener('error', () => { $('live').textContent = 'Reconnecting…'; });
  }

  $('customer-select').addEventListener('change', (e) => select(e.target.value));
  $('new-customer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $('new-customer-name').value.trim();
    if (!name) { showError('Type a name for the new customer.'); return; }
    const c = await api('POST', '/customers', { pageId: $('new-customer-page').value, name });
    state.customers.set(c.id, c); renderCustomers(); $('new-customer-name').value = ''; await select(c.id);
  });
  $('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('message-input'); const text = input.value.trim();
    if (!text || !state.current) return;
    input.value = '';
    try { await api('POST', '/customers/' + encodeURIComponent(state.current) + '/send', { text }); } catch { input.value = text; }
  });
  $('send-image').addEventListener('click', () => api('POST', '/customers/' + encodeURIComponent(state.current) + '/send', { attachments: [{ sample: $('sample-select').value }] }).catch(() => {}));
  $('send-comment').addEventListener('click', async () => {
    const input = $('message-input'); const text = input.value.trim();
    if (!text) { showError('Type the comment in the message box first.'); return; }
    input.value = '';
    await api('POST', '/customers/' + encodeURIComponent(state.current) + '/comment', { text }).catch(() => { input.value = text; });
  });
  $('clock-25h').addEventListener('click', () => api('POST', '/clock', { advanceMs: 25 * 3600 * 1000 }).catch(() => {}));
  $('clock-8d').addEventListener('click', () => api('POST', '/clock', { advanceMs: 8 * 24 * 3600 * 1000 }).catch(() => {}));
  document.addEventListener('visibilitychange', markRead);
  setInterval(renderClock, 1000);
  load().catch((error) => showError(String(error && error.message || error)));
})();
`;

/** The customer chat page served at `/` and `/chat`. */
export function chatPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Pagedesk Emulator · customer chat</title>
<style>${css}</style>
</head>
<body>
<header>
  <h1>Pagedesk Emulator · customer view <span id="live" class="badge">Connecting…</span></h1>
  <span id="clock" class="clock" data-testid="clock"></span>
  <button type="button" id="clock-25h" data-testid="clock-25h" title="Jump the emulated clock forward 25 hours">+25 h</button>
  <button type="button" id="clock-8d" data-testid="clock-8d" title="Jump the emulated clock forward 8 days">+8 d</button>
</header>
<main>
  <aside>
    <label for="customer-select">Customer</label>
    <select id="customer-select" data-testid="customer-select"></select>
    <form id="new-customer" aria-label="New customer">
      <label for="new-customer-name">New customer</label>
      <select id="new-customer-page" aria-label="Page" data-testid="new-customer-page"></select>
      <input id="new-customer-name" aria-label="Customer name" data-testid="new-customer-name" placeholder="Name" autocomplete="off">
      <button type="submit" data-testid="create-customer">Create customer</button>
    </form>
    <p class="status" id="status" role="alert" data-testid="status"></p>
  </aside>
  <section class="thread" aria-label="Conversation">
    <div class="thread-head" id="thread-head"></div>
    <ol class="messages" id="messages" data-testid="messages" aria-live="polite"></ol>
    <div class="comments" id="comments" data-testid="comments"></div>
    <div>
      <div class="typing" id="typing" data-testid="typing" aria-live="polite"></div>
      <form class="composer" id="composer">
        <input id="message-input" name="text" class="needs-customer" aria-label="Message" data-testid="message-input" placeholder="Aa" autocomplete="off" disabled>
        <button type="submit" class="primary needs-customer" data-testid="send" disabled>Send</button>
        <select id="sample-select" class="needs-customer" aria-label="Sample image" disabled></select>
        <button type="button" id="send-image" class="needs-customer" data-testid="send-image" disabled>Send image</button>
        <button type="button" id="send-comment" class="needs-customer" data-testid="send-comment" disabled>Comment on post</button>
      </form>
    </div>
  </section>
</main>
<script>${script}</script>
</body>
</html>`;
}
