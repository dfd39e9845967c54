import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileAttachments, hostileNames, hostileTexts } from '../browser/corpus.js';
import { listen } from '../src/harness.js';
import { createRecorder } from '../src/recorder.js';

// Browser safety: the hostile corpus (reliability/browser/corpus.ts) rendered by the React kit's
// <Inbox> in headless Chromium. No script runs, no dialog opens, no javascript:/data:/vbscript: URL
// reaches an href or src, attachments render only from https, and nothing escapes the .pd-root box.

const rec = createRecorder('5-browser', 'Browser safety: hostile corpus in headless Chromium');
const fixtures = fileURLToPath(new URL('../browser/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};
let outDir: string;
let srv: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
/** Requests the page made to anywhere but our fixture server (an attachment URL it should not load). */
const foreignRequests: string[] = [];
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'pagedesk-reliability-browser-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root: fixtures,
    base: './',
    plugins: [react()],
    resolve: { conditions: ['@pagedesk/source', 'module', 'browser', 'development|production'] },
    build: { outDir, emptyOutDir: true, minify: false, sourcemap: false },
  });
  srv = await listen(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    try {
      const file = join(outDir, path === '/' ? 'index.html' : path.replace(/\.\.+/g, ''));
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
  rec.flush();
});

interface DomCheck {
  messageIds: string[];
  badUrls: string[];
  attachmentUrls: string[];
  escaped: string[];
  pageOverflow: { scrollWidth: number; scrollHeight: number; width: number; height: number };
  sentinelCovered: number;
  scriptsInRoot: number;
  inlineHandlers: string[];
}

/** Inspects what is in the DOM now (the message list is virtualised: called at every scroll step). */
function inspect(page: Page): Promise<DomCheck> {
  return page.evaluate(() => {
    const root = document.querySelector('.pd-root') as HTMLElement;
    const box = root.getBoundingClientRect();
    const URL_ATTRS = [
      'href',
      'src',
      'srcset',
      'action',
      'formaction',
      'xlink:href',
      'poster',
      'data',
      'background',
    ];
    const badUrls: string[] = [];
    const attachmentUrls: string[] = [];
    const inlineHandlers: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) inlineHandlers.push(`${el.tagName} ${attr.name}`);
        if (!URL_ATTRS.includes(attr.name.toLowerCase())) continue;
        // Browsers strip whitespace and control characters before reading a scheme.
        const scheme = Array.from(attr.value)
          .filter((c) => c.charCodeAt(0) > 0x20)
          .join('')
          .toLowerCase();
        if (/^(javascript|data|vbscript|file|blob):/.test(scheme))
          badUrls.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 60)}`);
        if (
          el.closest('.pd-root') &&
          (attr.name === 'src' || (attr.name === 'href' && el.closest('[class*="attachment"]')))
        )
          attachmentUrls.push(attr.value);
      }
    }
    // Layout escape: no element of the kit paints outside its box, except inside a scroller that clips it.
    const escaped: string[] = [];
    const clips = (el: Element) => {
      for (let p = el.parentElement; p && p !== root.parentElement; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') return true;
      }
      return false;
    };
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      const outside =
        r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
      if (style.position === 'fixed' && outside) escaped.push(`fixed ${el.tagName}.${el.className}`);
      else if (outside && !clips(el)) escaped.push(`${el.tagName}.${String(el.className).slice(0, 40)}`);
    }
    // Nothing of the kit covers the neighbour of its box.
    const sentinel = document.getElementById('sentinel') as HTMLElement;
    const s = sentinel.getBoundingClientRect();
    let sentinelCovered = 0;
    for (let x = s.left + 5; x < s.right; x += 40)
      for (let y = 5; y < s.bottom; y += 40)
        if (document.elementFromPoint(x, y) !== sentinel) sentinelCovered++;
    return {
      messageIds: Array.from(document.querySelectorAll('[data-message-id]')).map(
        (e) => e.getAttribute('data-message-id') ?? '',
      ),
      badUrls,
      attachmentUrls,
      escaped,
      pageOverflow: {
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
        width: window.innerWidth,
        height: window.innerHeight,
      },
      sentinelCovered,
      // The kit's own forms (the customer panel's details, channel preferences) are not content.
      scriptsInRoot: root.querySelectorAll(
        'script, iframe, object, embed, style, link, meta, base, form:not(.pd-customer-details, .pd-preferences)',
      ).length,
      inlineHandlers,
    };
  });
}

describe('hostile corpus in headless Chromium', () => {
  it('runs no script, links nothing dangerous, loads no foreign URL and stays in its box', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(srv.url)) foreignRequests.push(request.url());
    });
    // Nothing leaves the machine, and any foreign request is recorded above. The allowed control image
    // is answered here (a 1×1 PNG): an image that fails to load is shown as "Media expired", which
    // would hide whether the URL filter let it through.
    await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) =>
      route.request().url() === 'https://cdn.example/allowed.png'
        ? route.fulfill({ contentType: 'image/png', body: PIXEL_PNG })
        : route.abort(),
    );
    await page.goto(srv.url);
    const scroller = page.getByRole('region', { name: 'Messages' });
    await scroller.locator('[data-message-id]').first().waitFor();
    await page.waitForTimeout(300);

    const seen = new Set<string>();
    const findings: DomCheck[] = [];
    // Walk the virtualised list from the bottom (newest) to the top, bounded in steps.
    for (let step = 0; step < 200; step++) {
      const check = await inspect(page);
      findings.push(check);
      for (const id of check.messageIds) seen.add(id);
      const atTop = await scroller.evaluate((el) => {
        const top = el.scrollTop <= 0;
        el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight * 0.8);
        return top;
      });
      if (atTop) break;
      await page.waitForTimeout(60);
    }
    const corpusSize = await page.evaluate(() => (window as unknown as { corpusSize: number }).corpusSize);
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0);

    expect(seen.size).toBeGreaterThanOrEqual(corpusSize);
    expect(pwned).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(findings.flatMap((f) => f.badUrls)).toEqual([]);
    expect(findings.flatMap((f) => f.inlineHandlers)).toEqual([]);
    expect(findings.every((f) => f.scriptsInRoot === 0)).toBe(true);
    const attachmentUrls = [...new Set(findings.flatMap((f) => f.attachmentUrls))];
    expect(attachmentUrls.filter((u) => !u.startsWith('https://'))).toEqual([]);
    // The allowed control image is there: the filter is not just dropping everything.
    expect(attachmentUrls).toContain('https://cdn.example/allowed.png');
    expect(foreignRequests.filter((u) => !u.startsWith('https://'))).toEqual([]);
    expect([...new Set(findings.flatMap((f) => f.escaped))]).toEqual([]);
    for (const f of findings) {
      expect(f.pageOverflow.scrollWidth).toBeLessThanOrEqual(f.pageOverflow.width);
      expect(f.sentinelCovered).toBe(0);
    }
    await page.close();

    rec.set('Hostile message texts', hostileTexts.length);
    rec.set('Hostile customer names', hostileNames.length);
    rec.set('Hostile attachments', hostileAttachments.flat().length);
    rec.set('Messages rendered and inspected', seen.size);
    rec.set('DOM inspections (scroll steps)', findings.length);
    rec.set('Scripts run / dialogs opened', `${pwned} / ${dialogs.length}`);
    rec.set(
      'javascript:/data:/vbscript:/file:/blob: URLs in the DOM',
      findings.flatMap((f) => f.badUrls).length,
    );
    rec.set('Attachment URLs rendered (all https)', attachmentUrls.length);
    rec.set(
      'Requests to non-https foreign URLs',
      foreignRequests.filter((u) => !u.startsWith('https://')).length,
    );
    rec.set('Elements escaping the .pd-root box', new Set(findings.flatMap((f) => f.escaped)).size);
    rec.case(
      'self-check: a page with a planted javascript: link, data: image and fixed overlay is caught by the same inspection',
    );
    rec.case(
      'texts: script/img/svg/iframe markup, javascript: in 5 spellings, data: and vbscript: links, markdown links, template injection, CSS overlay, bidi overrides, zero-width, zalgo, 6 000-char word, 3 000-char URL, 400 emoji, lone surrogates',
    );
    rec.case(
      'attachments (image, file, video, audio, share, fallback, sticker, location) with javascript:, data:, vbscript:, blob:, file:, plain http, local http, protocol-relative and empty URLs; path-traversal, bidi and 800-char file names; one allowed https image as the control',
    );
  });

  it('catches a planted javascript: link, data: image and overlay (the checks above can fail)', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
    await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
    await page.goto(`${srv.url}/?canary`);
    await page.locator('#canary-link').waitFor({ state: 'attached' });
    const check = await inspect(page);
    expect(check.badUrls.length).toBeGreaterThanOrEqual(2);
    expect(check.escaped.length).toBeGreaterThan(0);
    expect(check.sentinelCovered).toBeGreaterThan(0);
    await page.close();
  });
});
