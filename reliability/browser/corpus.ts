import type { Attachment } from '@pagedesk/core';

// The hostile corpus: message texts, customer names, attachment names and URLs an attacker (a
// "customer" writing to a Page) controls. Shared by the browser fixture and the test's report.

const PWN = 'window.__pwned=(window.__pwned||0)+1';

export const hostileTexts: string[] = [
  `<script>${PWN}</script>`,
  `<img src=x onerror="${PWN}">`,
  `<svg/onload=${PWN}>`,
  `<iframe srcdoc="<script>parent.${PWN}</script>"></iframe>`,
  `<a href="javascript:${PWN}">click me</a>`,
  `javascript:${PWN}`,
  ` JaVaScRiPt:${PWN}`,
  `java\tscript:${PWN}`,
  `javascript&colon;${PWN}`,
  `data:text/html,<script>${PWN}</script>`,
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  `[click](javascript:${PWN})`,
  `https://ok.example/"><script>${PWN}</script>`,
  `https://ok.example/path?q="onmouseover="${PWN}`,
  `{{constructor.constructor('${PWN}')()}}`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  '${alert(1)}',
  `&lt;script&gt;${PWN}&lt;/script&gt;`,
  `<style>body{display:none}</style><style>.pd-root{position:fixed;inset:0;z-index:99999}</style>`,
  `<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:red;z-index:99999">overlay</div>`,
  '\u202egnp.exe\u202d reversed',
  '\u200b\u200b\u200b\ufeff zero width',
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034d'.repeat(
    30,
  ),
  'A'.repeat(6000),
  `https://example.com/${'a'.repeat(3000)}`,
  '👩🏽‍💻'.repeat(400),
  'mailto:someone@example.com tel:+15551234 https://safe.example/ok',
  '\ud800 lone surrogate \udfff',
  '//evil.example/protocol-relative',
  'http://127.0.0.1:1/local-http-not-allowed',
];

export const hostileNames: string[] = [
  `<img src=x onerror="${PWN}">`,
  '\u202eevil\u202c',
  'N'.repeat(500),
  `"><script>${PWN}</script>`,
];

const bad = [
  `javascript:${PWN}`,
  ` javascript:${PWN}`,
  `JAVASCRIPT:${PWN}`,
  `java\nscript:${PWN}`,
  `data:text/html,<script>${PWN}</script>`,
  'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
  'vbscript:msgbox(1)',
  'blob:https://evil.example/uuid',
  'file:///etc/passwd',
  'http://evil.example/plain-http.png',
  'http://127.0.0.1:1/local.png',
  '//evil.example/x.png',
  '',
];

export const hostileAttachments: Attachment[][] = [
  ...bad.map((url, i): Attachment[] => [
    { kind: 'image', url, name: `image-${i}.png` },
    {
      kind: 'file',
      url,
      name: `<img src=x onerror="${PWN}">-${i}.pdf`,
      mimeType: 'application/pdf',
      size: 10,
    },
  ]),
  ...bad.slice(0, 6).map((url): Attachment[] => [
    { kind: 'video', url, name: 'clip.mp4', mimeType: 'video/mp4' },
    { kind: 'audio', url, name: 'voice.mp4', mimeType: 'audio/mp4' },
    { kind: 'share', url, title: `<b onmouseover="${PWN}">shared</b>`, shareType: 'reel' },
    { kind: 'fallback', url, title: 'fallback', payload: { url } },
    { kind: 'sticker', url, stickerId: '369239263222822' },
  ]),
  [
    { kind: 'file', url: 'https://files.example/../../etc/passwd', name: '../../etc/passwd' },
    { kind: 'file', url: 'https://files.example/x', name: `report\u202efdp.exe` },
    { kind: 'file', url: 'https://files.example/y', name: `${'long-name-'.repeat(80)}.pdf` },
    { kind: 'location', coordinates: { lat: 1e308, long: -1e308 }, title: `<script>${PWN}</script>` },
  ],
  // The control: an allowed https image still renders.
  [{ kind: 'image', url: 'https://cdn.example/allowed.png', name: 'allowed.png' }],
];
