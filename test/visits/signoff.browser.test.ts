// The customer's sign-off page in a real browser: the headless Chromium from the npm package
// @sparticuz/chromium (test/support/browser.ts; OPSDESK_CHROMIUM overrides it) driven by playwright-core,
// on a phone-sized viewport, in English and Chinese. Runs everywhere: no browser is a failure, not a skip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { outbox } from '../../src/outbox/outbox.table.js';
import { visitSignoffs } from '../../src/modules/visits/visits.table.js';
import { launchChromium } from '../support/browser.js';
import { storeName } from '../support/db.js';
import { useHarness, users } from '../support/harness.js';
import { clickVisit, completedOrder, eventKinds, orderRow, signoffFromDm, snapshot } from './support.js';

describe(`the customer sign-off page in Chromium (${storeName})`, () => {
  const h = useHarness({ eachTestAt: '2026-11-25T02:00:00Z' });
  let browser: Browser;
  let day = 0;
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  /** A completed order and its link, pointed at the app under test. */
  async function completed(title: string, need?: string) {
    day++;
    const { order } = await completedOrder(h, new Date(Date.UTC(2026, 10, 25 + day, 6)), title, { need });
    const { url, code } = await signoffFromDm(h, order.key);
    return { order, url: url.replace('http://localhost:3000', `http://127.0.0.1:${h.opsdesk.port}`), code };
  }

  async function open(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...phone, locale });
    return { context, page: await context.newPage() };
  }

  const confirmReplies = async (orderId: number) =>
    (await h.store.db.select().from(outbox).where(and(eq(outbox.targetKey, `visit:${orderId}`), eq(outbox.kind, 'reply')))).filter((r) => r.payload.text.includes('customer confirmed'));

  it('lets the customer confirm with name and rating in English; the order is confirmed and the thread told', async () => {
    const { order, url } = await completed('browser en');
    const { context, page } = await open('en-US');
    try {
      const res = await page.goto(url);
      expect(res!.status()).toBe(200);
      expect(res!.headers()['referrer-policy']).toBe('no-referrer');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Confirm the service visit');
      expect(await page.locator('dl').textContent()).toContain('Replaced the till power supply');
      // phone-sized: nothing wider than the screen, the button reachable
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: '/tmp/signoff-en.png', fullPage: true });
      await page.fill('#name', 'Wang Li');
      await page.click('label[for="rating-4"]');
      await page.fill('#comment', 'Quick & friendly <b>thanks</b>');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you!');
      await page.screenshot({ path: '/tmp/signoff-en-thanks.png' });
      const row = await orderRow(h, order.id);
      expect([row.state, row.confirmedName, row.rating, row.ratingComment, row.confirmedVia]).toEqual(['confirmed', 'Wang Li', 4, 'Quick & friendly <b>thanks</b>', 'link']);
      expect(await confirmReplies(order.id)).toHaveLength(1);
      expect((await eventKinds(h, order.id)).at(-1)).toBe('confirm');
      // The same link again: a clear page, nothing changes.
      const before = await snapshot(h);
      const again = await page.goto(url);
      expect(again!.status()).toBe(410);
      expect(await page.locator('h1').textContent()).toBe('Already confirmed');
      const repost = await page.request.post(url, { form: { name: 'Someone else', rating: '1' } });
      expect(repost.status()).toBe(410);
      expect(await snapshot(h)).toEqual(before);
      expect((await orderRow(h, order.id)).confirmedName).toBe('Wang Li');
    } finally {
      await context.close();
    }
  });

  it('speaks Chinese to a Chinese browser, shows field errors without changing anything, then confirms', async () => {
    const { order, url } = await completed('浏览器中文');
    const { context, page } = await open('zh-CN');
    try {
      await page.goto(url);
      await expect.poll(() => page.locator('h1').textContent()).toBe('确认上门服务');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await page.screenshot({ path: '/tmp/signoff-zh.png', fullPage: true });
      const before = await snapshot(h);
      await page.click('button[type="submit"]');
      await expect.poll(() => page.locator('.error').allTextContents()).toEqual(['请填写您的姓名。', '请选择 1 到 5 分。']);
      await page.screenshot({ path: '/tmp/signoff-zh-errors.png', fullPage: true });
      expect(await snapshot(h)).toEqual(before);
      await page.fill('#name', '王丽');
      await page.click('label[for="rating-5"]');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.locator('h1').textContent()).toBe('谢谢您！');
      expect((await orderRow(h, order.id)).state).toBe('confirmed');
      // ?lang= wins over the browser's language
      await page.goto(`${url}?lang=en`);
      expect(await page.locator('h1').textContent()).toBe('Already confirmed');
    } finally {
      await context.close();
    }
  });

  it('shows a clear page for a tampered link and changes nothing', async () => {
    const { order, url } = await completed('tampered');
    const { context, page } = await open('en-US');
    try {
      const before = await snapshot(h);
      const last = url.at(-1) === 'A' ? 'B' : 'A';
      for (const bad of [url.slice(0, -1) + last, url.replace(/signoff\/(\d+)\./, (_m, id) => `signoff/${Number(id) + 1}.`), `${url}x`, url.replace(/(signoff\/\d+)\.\d+\./, '$1.9999999999.')]) {
        const res = await page.goto(bad);
        expect(res!.status()).toBe(404);
        expect(await page.locator('h1').textContent()).toBe('This link is not valid');
        const post = await page.request.post(bad, { form: { name: 'Mallory', rating: '5' } });
        expect(post.status()).toBe(404);
      }
      expect(await snapshot(h)).toEqual(before);
      expect((await orderRow(h, order.id)).state).toBe('completed');
    } finally {
      await context.close();
    }
  });

  it('shows a clear page for an expired link and for one replaced by a newer link, and changes nothing', async () => {
    const { order, url } = await completed('expired');
    const [signoff] = await h.store.db.select().from(visitSignoffs).where(eq(visitSignoffs.orderId, order.id));
    expect(signoff!.expiresAt.getTime() - order.completedAt!.getTime()).toBe(7 * 86400_000);
    const { context, page } = await open('en-US');
    try {
      h.clock.set(new Date(signoff!.expiresAt.getTime() - 60_000));
      expect((await page.goto(url))!.status()).toBe(200);
      h.clock.set(signoff!.expiresAt);
      const before = await snapshot(h);
      expect((await page.goto(url))!.status()).toBe(410);
      expect(await page.locator('h1').textContent()).toBe('This link has expired');
      expect((await page.request.post(url, { form: { name: 'Late', rating: '3' } })).status()).toBe(410);
      expect(await snapshot(h)).toEqual(before);
      // The engineer issues a new link: the old one says so, the new one works.
      await clickVisit(h, users.bob, 'visit.new_link', order.id);
      const fresh = (await signoffFromDm(h, order.key)).url.replace('http://localhost:3000', `http://127.0.0.1:${h.opsdesk.port}`);
      expect(fresh).not.toBe(url);
      await page.goto(url);
      expect(await page.locator('h1').textContent()).toBe('A newer link was sent');
      expect((await page.goto(fresh))!.status()).toBe(200);
      expect((await orderRow(h, order.id)).state).toBe('completed');
    } finally {
      await context.close();
    }
  });

  it('takes the order number and the 6-digit code read out on the phone', async () => {
    const { order, code } = await completed('by code');
    const { context, page } = await open('en-US');
    try {
      const base = `http://127.0.0.1:${h.opsdesk.port}/visit/signoff`;
      await page.goto(base);
      expect(await page.locator('h1').textContent()).toBe('Confirm a service visit');
      await page.fill('#order', order.key.toLowerCase());
      await page.fill('#code', code === '000000' ? '000001' : '000000');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.locator('.error').textContent()).toContain('not right');
      await page.fill('#order', order.key);
      await page.fill('#code', code);
      await page.click('button[type="submit"]');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Confirm the service visit');
      await page.fill('#name', 'Li Na');
      await page.click('label[for="rating-3"]');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you!');
      expect(await orderRow(h, order.id)).toMatchObject({ state: 'confirmed', confirmedVia: 'code', confirmedName: 'Li Na', rating: 3 });
    } finally {
      await context.close();
    }
  });

  it('escapes what people typed on the page', async () => {
    const { order, url } = await completed('escaping', '<script>window.pwned=1</script> & <img src=x onerror="window.pwned=2">');
    const { context, page } = await open('en-US');
    try {
      await page.goto(url);
      expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();
      expect(await page.locator('dl').textContent()).toContain('<script>window.pwned=1</script> & <img src=x onerror="window.pwned=2">');
      expect(await page.locator('dl script, dl img').count()).toBe(0);
      expect(order.need).toContain('<script>');
    } finally {
      await context.close();
    }
  });
});
