import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, type BrowserHarness, errorsOf, reactMajor, startHarness } from './harness.js';

// The template picker with a real keyboard and real focus: `/` opens it from the reply box, typing
// searches, arrows move, Enter sends every part in order, Escape gives the reply box its focus back.

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startHarness('picker');
});

afterAll(async () => {
  await harness?.close();
});

type Sent = Array<{ text?: string; attachments?: unknown[]; quickReplies?: unknown[] }>;

describe(`template picker in Chromium (React ${reactMajor})`, () => {
  it('is used from the keyboard alone: / opens, type and arrows choose, Enter sends the parts in order', async () => {
    const page = await harness.open('');
    const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
    await expect.poll(() => reply.isEnabled()).toBe(true);
    await reply.focus();
    await page.keyboard.press('/');
    const search = page.getByRole('combobox', { name: 'Search templates' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await reply.inputValue()).toBe('');
    const options = page.getByRole('option');
    // Only the three templates for this Messenger page, by name.
    await expect
      .poll(() => options.allTextContents())
      .toEqual(['Opening hours1 message', 'Refund steps1 message', 'Welcome3 messages']);

    await page.keyboard.type('e');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = () =>
      search.evaluate(
        (el) => document.getElementById(el.getAttribute('aria-activedescendant') ?? '')?.textContent,
      );
    expect(await active()).toBe('Welcome3 messages');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('Opening hours1 message');
    await page.keyboard.press('ArrowUp');
    expect(await active()).toBe('Welcome3 messages');
    const preview = page.locator('.pd-template-preview');
    expect(await preview.getByRole('listitem', { name: /^Message \d$/ }).count()).toBe(3);
    await expect
      .poll(() =>
        preview
          .getByRole('img', { name: 'photo.png' })
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0);

    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window as unknown as { pd: { calls: Array<{ method: string; args: unknown[] }> } }).pd.calls
              .filter((c) => c.method === 'sendMessage')
              .map((c) => c.args[1]) as Sent,
        ),
      )
      .toHaveLength(3);
    const sent = await page.evaluate(
      () =>
        (window as unknown as { pd: { calls: Array<{ method: string; args: unknown[] }> } }).pd.calls
          .filter((c) => c.method === 'sendMessage')
          .map((c) => c.args[1]) as Sent,
    );
    expect(
      sent.map((d) => [Boolean(d.text), d.attachments?.length ?? 0, d.quickReplies?.length ?? 0]),
    ).toEqual([
      [true, 0, 0],
      [false, 1, 0],
      [true, 0, 2],
    ]);
    expect(sent[0]?.text).toMatch(/^Hi \S+, thanks for writing!$/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('closes on Escape, gives the reply box its focus back, and passes axe while open', async () => {
    for (const theme of ['light', 'dark']) {
      const page = await harness.open(`theme=${theme}`);
      const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
      await expect.poll(() => reply.isEnabled()).toBe(true);
      await page.getByRole('button', { name: 'Templates' }).click();
      await page.getByRole('option').first().waitFor();
      expect(await axeViolations(page, harness.origin)).toEqual([]);
      await page.keyboard.press('Escape');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type('a/');
      expect(await reply.inputValue()).toBe('a/');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    }
  }, 60_000);
});
