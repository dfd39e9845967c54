import { describe, expect, it } from 'vitest';
import { linkifySegments } from '../Linkify.js';
import { safeAttachmentUrl, safeLinkUrl } from '../urls.js';

describe('safeAttachmentUrl', () => {
  it('keeps https URLs', () => {
    expect(safeAttachmentUrl('https://cdn.fbsbx.com/v/a.png?x=1')).toBe('https://cdn.fbsbx.com/v/a.png?x=1');
  });

  it.each([
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'blob:https://example.com/uuid',
    'file:///etc/passwd',
    '/relative/path.png',
    'http://example.com/a.png',
    'https://user:pass@example.com/a.png',
    '',
    undefined,
  ])('refuses %s', (value) => {
    expect(safeAttachmentUrl(value)).toBeUndefined();
  });

  it('allows http only for local hosts, and only when the policy says so', () => {
    expect(safeAttachmentUrl('http://127.0.0.1:4000/uploads/1')).toBeUndefined();
    expect(safeAttachmentUrl('http://127.0.0.1:4000/uploads/1', { allowLocalHttp: true })).toBe(
      'http://127.0.0.1:4000/uploads/1',
    );
    expect(safeAttachmentUrl('http://localhost/x', { allowLocalHttp: true })).toBe('http://localhost/x');
    expect(safeAttachmentUrl('http://evil.example/x', { allowLocalHttp: true })).toBeUndefined();
    expect(safeAttachmentUrl('http://127.0.0.1.evil.example/x', { allowLocalHttp: true })).toBeUndefined();
  });
});

describe('linkifySegments', () => {
  it('links http(s), mailto and bare domains, keeping every character of the text', () => {
    const text = 'See https://pagedesk.dev/docs, write to help@pagedesk.dev or visit example.com.';
    const segments = linkifySegments(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.type === 'link').map((s) => (s.type === 'link' ? s.href : ''))).toEqual([
      'https://pagedesk.dev/docs',
      'mailto:help@pagedesk.dev',
      'http://example.com/',
    ]);
  });

  it('never links javascript: or data: and keeps markup as text', () => {
    const text = 'javascript:alert(1) data:text/html;base64,PHNjcmlwdD4= <img src=x onerror=alert(1)>';
    const segments = linkifySegments(text);
    expect(segments).toEqual([{ type: 'text', text }]);
  });

  it('accepts only web, mail and phone schemes as link targets', () => {
    expect(safeLinkUrl('tel:+33123456789')).toBe('tel:+33123456789');
    expect(safeLinkUrl('vbscript:msgbox')).toBeUndefined();
    expect(safeLinkUrl('https://a:b@example.com')).toBeUndefined();
  });
});
