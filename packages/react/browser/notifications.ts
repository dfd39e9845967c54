import type { Page } from 'playwright-core';

// The browser's real Notification API, observed: an init script (`context.addInitScript(observeNotifications)`)
// keeps the browser's own class underneath and records each notification the page creates. Used by the
// React kit's Chromium tests and the demo's.

/** A notification as the page created it. */
export type Shown = { title: string; body: string | undefined; tag: string | undefined };

/** Runs in the page before its scripts: records every `new Notification` in `window.shown`. */
export function observeNotifications(): void {
  const shown: Shown[] = [];
  (window as unknown as { shown: Shown[] }).shown = shown;
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push({ title, body: options?.body, tag: options?.tag });
      (window as unknown as { lastNotification: Notification }).lastNotification = this;
    }
  } as typeof Notification;
}

/** The notifications the page created so far. */
export const shownIn = (page: Page): Promise<Shown[]> =>
  page.evaluate(() => (window as unknown as { shown: Shown[] }).shown);
