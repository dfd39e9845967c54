import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, type BrowserHarness, errorsOf, reactMajor, startHarness } from './harness.js';

// Real-browser checks of what jsdom cannot show: virtualisation with real layout, scroll anchoring,
// paste and drag-and-drop of files, and axe-core on the main views. One bundle, one server and one
// Chromium for the whole file. The `browser` project bundles the page with the workspace's React 19, the
// `browser-react18` project (PAGEDESK_REACT_MAJOR=18) with React 18.3 from compat/react18.

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

function open(query: string, viewport?: { width: number; height: number }): Promise<Page> {
  return harness.open(query, viewport ? { viewport } : {});
}

describe(`@pagedesk/react in Chromium (React ${reactMajor})`, () => {
  it(`renders with React ${reactMajor}`, async () => {
    const page = await open('view=list&conversations=3');
    await page.getByRole('listbox', { name: 'Conversations' }).locator('[role="option"]').first().waitFor();
    expect((await page.evaluate(() => document.documentElement.dataset.react))?.split('.')[0]).toBe(
      reactMajor,
    );
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('keeps the DOM small while scrolling through thousands of conversations', async () => {
    const page = await open('view=list&conversations=10000');
    const listbox = page.getByRole('listbox', { name: 'Conversations' });
    await listbox.locator('[role="option"]').first().waitFor();
    for (let round = 0; round < 6; round++) {
      await listbox.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForTimeout(150);
    }
    await page.waitForFunction(
      () =>
        (window as unknown as { pd: { calls: Array<{ method: string }> } }).pd.calls.filter(
          (c) => c.method === 'listConversations',
        ).length >= 4,
    );
    const stats = await page.evaluate(() => {
      const listbox = document.querySelector('[role="listbox"]') as HTMLElement;
      return {
        options: listbox.querySelectorAll('[role="option"]').length,
        nodes: document.querySelectorAll('*').length,
        scrollHeight: listbox.scrollHeight,
        clientHeight: listbox.clientHeight,
      };
    });
    expect(stats.options).toBeGreaterThan(5);
    expect(stats.options).toBeLessThan(40);
    expect(stats.nodes).toBeLessThan(1500);
    expect(stats.scrollHeight).toBeGreaterThan(stats.clientHeight * 20);
    // The keyboard reaches the last loaded row; the active row is scrolled into view.
    await listbox.focus();
    await page.keyboard.press('End');
    const activeVisible = await listbox.evaluate((el) => {
      const active = document.getElementById(el.getAttribute('aria-activedescendant') ?? '');
      if (!active) return false;
      const a = active.getBoundingClientRect();
      const b = el.getBoundingClientRect();
      return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    });
    expect(activeVisible).toBe(true);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('opens at the newest message, keeps the reading position when older messages load, and follows new ones at the bottom', async () => {
    const page = await open('view=messages&conversations=4&messages=200');
    const scroller = page.getByRole('region', { name: 'Messages' });
    await scroller.locator('[data-message-id]').first().waitFor();
    await page.waitForTimeout(200);
    const atBottom = () =>
      scroller.evaluate((el) => Math.abs(el.scrollHeight - el.clientHeight - el.scrollTop) < 30);
    expect(await atBottom()).toBe(true);

    // Scroll near the top: older messages load above, and the message being read must not move.
    const listCalls = () =>
      page.evaluate(
        () =>
          (window as unknown as { pd: { calls: Array<{ method: string }> } }).pd.calls.filter(
            (c) => c.method === 'listMessages',
          ).length,
      );
    const before = await listCalls();
    // Scroll and pick the anchor in one step, before the scroll event lets React load anything.
    const anchor = await scroller.evaluate((el) => {
      el.scrollTop = 120;
      const box = el.getBoundingClientRect();
      const rows = Array.from(el.querySelectorAll<HTMLElement>('[data-message-id]'));
      const row = rows.find((r) => r.getBoundingClientRect().top >= box.top + 40) as HTMLElement;
      return { id: row.dataset.messageId as string, top: row.getBoundingClientRect().top };
    });
    await page.waitForFunction(
      (count) =>
        (window as unknown as { pd: { calls: Array<{ method: string }> } }).pd.calls.filter(
          (c) => c.method === 'listMessages',
        ).length > count,
      before,
    );
    await page.waitForTimeout(400);
    const after = await scroller.evaluate((el, id) => {
      const row = el.querySelector<HTMLElement>(`[data-message-id="${id}"]`);
      return row ? row.getBoundingClientRect().top : null;
    }, anchor.id);
    expect(after).not.toBeNull();
    expect(Math.abs((after as number) - anchor.top)).toBeLessThanOrEqual(4);

    // At the bottom, a new message is followed.
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForTimeout(200);
    await page.evaluate(() =>
      (window as unknown as { pd: { receive(id: string, m: { text: string }): void } }).pd.receive('conv-2', {
        text: 'Brand new message',
      }),
    );
    await page.getByText('Brand new message', { exact: true }).first().waitFor();
    await page.waitForTimeout(300);
    expect(await atBottom()).toBe(true);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('brings sends into view, and offers "new messages" instead of jumping when the agent reads above', async () => {
    const page = await open('view=inbox&conversations=4&messages=120');
    const scroller = page.getByRole('region', { name: 'Messages' });
    await scroller.locator('[data-message-id]').first().waitFor();
    await page.waitForFunction(() => !(document.querySelector('textarea') as HTMLTextAreaElement).disabled);
    const inView = (text: string) =>
      scroller.evaluate((el, wanted) => {
        const box = el.getBoundingClientRect();
        const row = Array.from(el.querySelectorAll<HTMLElement>('[data-message-id]')).find((r) =>
          r.textContent?.includes(wanted),
        );
        if (!row) return false;
        const r = row.getBoundingClientRect();
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      }, text);
    const box = page.getByRole('textbox', { name: 'Reply', exact: true });
    for (const text of ['First of three', 'Second of three', 'A longer third reply. '.repeat(12)]) {
      await box.fill(text);
      await box.press('Enter');
    }
    await expect.poll(() => inView('A longer third reply.'), { timeout: 3000 }).toBe(true);

    // Reading older messages: an arrival does not move them, and a button says it is there.
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.waitForTimeout(200);
    const top = await scroller.evaluate((el) => el.scrollTop);
    await page.evaluate(() =>
      (window as unknown as { pd: { receive(id: string, m: { text: string }): void } }).pd.receive('conv-1', {
        text: 'Arrived while reading above',
      }),
    );
    const button = page.getByRole('button', { name: /1 new message/ });
    await button.waitFor();
    expect(Math.abs((await scroller.evaluate((el) => el.scrollTop)) - top)).toBeLessThanOrEqual(4);
    await button.click();
    await expect.poll(() => inView('Arrived while reading above'), { timeout: 3000 }).toBe(true);
    expect(await button.count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('fits phone to desktop widths: one pane at a time, the name and Resolve in view', async () => {
    for (const width of [320, 390, 768, 1440]) {
      const page = await open('view=inbox&conversations=8', { width, height: 720 });
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      const layout = await page.evaluate(() => {
        const rect = (selector: string) => document.querySelector(selector)?.getBoundingClientRect();
        const resolve = Array.from(document.querySelectorAll('button')).find(
          (b) => b.textContent === 'Resolve',
        );
        return {
          inbox: rect('.pd-inbox'),
          view: rect('.pd-inbox-view'),
          list: rect('.pd-inbox-list'),
          title: rect('.pd-conversation-title'),
          resolve: resolve?.getBoundingClientRect(),
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      const inbox = layout.inbox as DOMRect;
      const view = layout.view as DOMRect;
      expect(layout.scrollWidth, `no sideways scroll at ${width}px`).toBeLessThanOrEqual(width);
      if (width <= 720) {
        // The open conversation takes the whole width: no dead strip beside it.
        expect(view.width, `view width at ${width}px`).toBeGreaterThanOrEqual(inbox.width - 2);
        expect(layout.list?.width ?? 0).toBe(0);
      } else {
        expect(layout.list?.width ?? 0).toBeGreaterThan(200);
      }
      expect(layout.title?.width ?? 0, `name width at ${width}px`).toBeGreaterThan(60);
      expect((layout.resolve as DOMRect).right, `Resolve at ${width}px`).toBeLessThanOrEqual(width);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    }
  });

  it('opens an image in a full-size viewer above everything, not clipped to its row', async () => {
    const page = await open('view=messages&conversation=conv-1&conversations=2&messages=4');
    const thumbnail = page.getByRole('button', { name: 'Open photo.png' });
    await thumbnail.waitFor();
    const row = await thumbnail.evaluate(
      (el) => (el.closest('[data-message-id]') as HTMLElement).getBoundingClientRect().height,
    );
    await thumbnail.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const shown = await dialog.evaluate((el) => {
      const image = el.querySelector('img') as HTMLImageElement;
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        height: box.height,
        onTop: el.contains(hit),
        natural: image.naturalWidth,
        width: image.getBoundingClientRect().width,
        inBody: el.closest('.pd-messages-scroll') === null,
      };
    });
    expect(shown.inBody).toBe(true);
    expect(shown.onTop).toBe(true);
    // Not the row's clipped box: the whole viewer is on screen, above the list.
    expect(shown.height).toBeGreaterThan(100);
    expect(row).toBeGreaterThan(0);
    // Natural size (or the viewport's limit), not the thumbnail's box.
    expect(shown.width).toBeGreaterThanOrEqual(Math.min(shown.natural, 1100 * 0.92 - 16) - 1);
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('attaches files pasted into the composer or dropped on it', async () => {
    const page = await open('view=composer&conversations=4');
    const box = page.getByRole('textbox', { name: 'Reply', exact: true });
    await page.waitForFunction(() => !(document.querySelector('textarea') as HTMLTextAreaElement).disabled);
    await box.evaluate((textarea) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(2048)], 'pasted.png', { type: 'image/png' }));
      textarea.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    });
    await page.getByText('pasted.png').waitFor();
    await page.evaluate(() => {
      const zone = document.querySelector('.pd-composer-box') as HTMLElement;
      const data = new DataTransfer();
      data.items.add(new File(['%PDF-1.4'], 'dropped.pdf', { type: 'application/pdf' }));
      data.items.add(new File([new Uint8Array(10)], 'tool.exe', { type: 'application/x-msdownload' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.getByText('dropped.pdf').waitFor();
    await page.getByText(/tool\.exe.*cannot be sent/).waitFor();
    const uploads = await page.evaluate(() =>
      (window as unknown as { pd: { calls: Array<{ method: string; args: unknown[] }> } }).pd.calls
        .filter((c) => c.method === 'uploadFile')
        .map((c) => c.args[0]),
    );
    expect(uploads).toEqual(['pasted.png', 'dropped.pdf']);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('keeps keyboard focus in the reply box after sending with the Send button', async () => {
    const page = await open('view=composer&conversations=4');
    const box = page.getByRole('textbox', { name: 'Reply', exact: true });
    await page.waitForFunction(() => !(document.querySelector('textarea') as HTMLTextAreaElement).disabled);
    await box.fill('Thanks, on its way');
    const send = page.getByRole('button', { name: 'Send' });
    await send.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => (document.querySelector('textarea') as HTMLTextAreaElement).value === '',
    );
    // The next reply is typed straight away, without hunting for the box (it was on <body>).
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type('Anything else?');
    expect(await box.inputValue()).toBe('Anything else?');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('has no axe violations on the main views, light and dark', async () => {
    const results: Record<string, string[]> = {};
    // conv-1 holds every attachment kind; conv-4 is in the human-agent tier; conv-6 is closed.
    const views: Record<string, string> = {
      inbox: 'view=inbox&conversations=30',
      list: 'view=list&conversations=30',
      settings: 'view=settings&statuses=all&conversations=1',
      'composer-human-agent': 'view=composer&conversation=conv-4&conversations=8',
      'composer-closed': 'view=composer&conversation=conv-6&conversations=8',
    };
    for (const theme of ['light', 'dark']) {
      for (const [name, query] of Object.entries(views)) {
        const page = await open(`${query}&theme=${theme}`);
        await page
          .locator(
            '.pd-root [data-message-id], .pd-root .pd-channel, .pd-root [role="option"], .pd-root .pd-window',
          )
          .first()
          .waitFor();
        await page.waitForTimeout(300);
        const violations = await axeViolations(page, harness.origin);
        if (violations.length) results[`${name}/${theme}`] = violations;
        await page.close();
      }
    }
    // Only views with violations are recorded, so a failure lists exactly what to fix.
    expect(results).toEqual({});
  }, 180_000);
});
