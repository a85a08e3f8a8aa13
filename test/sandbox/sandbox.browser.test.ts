// The sandbox page in a real Chromium (test/support/browser.ts): the real app against the local
// Slack, the demo loaded, driven only through the page's accessible names, as a newcomer would.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { silentLogger } from '../../src/platform/logger.js';
import { startSandboxApp } from '../../src/sandbox-main.js';
import { launchChromium } from '../support/browser.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe(`the sandbox page in Chromium (${storeName})`, () => {
  let store: TestStore;
  let sandbox: Awaited<ReturnType<typeof startSandboxApp>>;
  let browser: Browser;
  let page: Page;
  /** Script errors on the page: every test ends with none. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    // A fixed port, so the customer links the app hands out (PUBLIC_URL) point at it.
    sandbox = await startSandboxApp({ store, logger: silentLogger, port: await freePort(), tickMs: 0, outboxPollMs: 25 });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await page.goto(`http://127.0.0.1:${sandbox.port}/sandbox`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    await store?.dispose();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('opens #support, runs /ticket, shows the field error, then the new ticket', async () => {
    await page.getByRole('button', { name: '#support', exact: true }).click();
    await expect(page.getByRole('heading', { name: '#support' }).isVisible()).resolves.toBe(true);
    // The demo is there: tickets in #support, as articles.
    await page.getByRole('article').first().waitFor();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('/ticket');
    await message.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New ticket' });
    await dialog.waitFor();
    await dialog.getByLabel('…or a new customer').fill('Sandbox Bakery');
    await dialog.getByLabel('Site / store').fill('Main street');
    await dialog.getByLabel('Caller name').fill('Mei Lin');
    await dialog.getByLabel('Caller phone').fill('12');
    await dialog.getByLabel('Product').selectOption({ index: 1 });
    await dialog.getByLabel('Category').selectOption({ index: 1 });
    await dialog.getByLabel('Title', { exact: true }).fill('Card reader <b>offline</b>');
    await dialog.getByLabel('Description').fill('The card reader at till 2 shows *no network*.');
    await dialog.getByRole('radio').first().check();
    await dialog.getByRole('button', { name: 'Open ticket' }).click();
    // Slack's response_action: errors, shown on the field; nothing opened.
    const error = dialog.getByText('That is not a phone number');
    await error.waitFor();
    await expect(dialog.getByLabel('Caller phone').getAttribute('aria-describedby')).resolves.toContain('error');
    expect(await page.getByRole('article').filter({ hasText: 'Card reader' }).count()).toBe(0);

    await dialog.getByLabel('Caller phone').fill('138 1234 5678');
    await dialog.getByRole('button', { name: 'Open ticket' }).click();
    await dialog.waitFor({ state: 'detached' });
    const ticket = page.getByRole('article').filter({ hasText: 'Card reader <b>offline</b>' });
    await ticket.first().waitFor({ timeout: 15_000 });
    // Escaped, never markup: the title's tags are text, no <b> element came from it.
    expect(await ticket.first().locator('b', { hasText: 'offline' }).count()).toBe(0);
  }, 120_000);

  it('acting as an engineer, takes the ticket; the clock brings the SLA warning to its thread and the breach to #escalation', async () => {
    await page.getByRole('combobox', { name: 'Acting as' }).selectOption({ label: 'Li Wei 李伟' });
    const ticket = page.getByRole('article').filter({ hasText: 'Card reader <b>offline</b>' }).first();
    await ticket.getByRole('button', { name: 'Take', exact: true }).click();
    await ticket.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
    const thread = page.getByRole('complementary', { name: 'Thread' });
    await thread.getByText('took the ticket').first().waitFor();

    const clock = page.getByRole('region', { name: 'Clock' });
    const before = await clock.locator('time').getAttribute('datetime');
    await clock.getByRole('button', { name: '+1 day' }).click();
    await thread.getByText('has used 75% of its resolution time').first().waitFor({ timeout: 60_000 });
    // The page follows the slots as they run (sandbox time is each slot's minute meanwhile), then a day on.
    await expect.poll(async () => new Date((await clock.locator('time').getAttribute('datetime'))!).getTime() - new Date(before!).getTime(), { timeout: 60_000 }).toBeGreaterThanOrEqual(24 * 3_600_000);
    await expect(clock.getByRole('button', { name: '+15 min' }).isEnabled()).resolves.toBe(true);
    // P3 is due 24 h after it was opened: a quarter of an hour more and it is breached.
    await clock.getByRole('button', { name: '+15 min' }).click();
    await thread.getByText('resolution target breached').first().waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: '#escalation', exact: true }).click();
    const breach = page.getByRole('article').filter({ hasText: 'Card reader' }).filter({ hasText: 'breached its resolution target' });
    await breach.first().waitFor();
  }, 180_000);

  it('posts a person\'s message, and its message shortcut "Open ticket" opens the form; the close button closes it', async () => {
    await page.getByRole('button', { name: '#support', exact: true }).click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('The printer on floor 3 is jammed again');
    await message.press('Enter');
    const mine = page.getByRole('article').filter({ hasText: 'The printer on floor 3 is jammed again' }).first();
    await mine.waitFor();
    expect(await mine.textContent()).toContain('Li Wei 李伟');
    await mine.getByRole('combobox', { name: 'Message shortcuts' }).selectOption({ label: 'Open ticket' });
    const dialog = page.getByRole('dialog', { name: 'New ticket' });
    await dialog.waitFor();
    await expect(dialog.getByLabel('Description').inputValue()).resolves.toContain('The printer on floor 3 is jammed again');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }, 60_000);

  it('renders mrkdwn faithfully and safely: formatting and https links yes, markup and javascript: links never', async () => {
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('*bold* _it_ `code` <https://example.com/x|a site> <javascript:alert(1)|click me> <img src=x onerror=alert(1)> <@U0DEMOSUP1>');
    await message.press('Enter');
    const msg = page.getByRole('article').filter({ hasText: 'a site' }).last();
    await msg.waitFor();
    expect(await msg.locator('b', { hasText: 'bold' }).count()).toBe(1);
    expect(await msg.locator('i', { hasText: 'it' }).count()).toBe(1);
    expect(await msg.locator('code', { hasText: 'code' }).count()).toBe(1);
    expect(await msg.getByRole('link', { name: 'a site' }).getAttribute('href')).toBe('https://example.com/x');
    expect(await msg.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await msg.locator('img').count()).toBe(0);
    expect(await msg.textContent()).toContain('click me');
    expect(await msg.textContent()).toContain('@Zhou Min 周敏');
  }, 60_000);

  it('opens the acting user\'s Home tab', async () => {
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
    await page.locator('#feed').getByRole('button', { name: 'New ticket' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
  }, 60_000);

  it('takes a visit order with Accept in #dispatch, and the customer signs off on the page the DM links to', async () => {
    await page.getByRole('combobox', { name: 'Acting as' }).selectOption({ label: 'Li Wei 李伟' });
    await page.getByRole('button', { name: '#dispatch', exact: true }).click();
    const order = page.getByRole('article').filter({ has: page.getByRole('button', { name: 'Accept', exact: true }) }).first();
    const title = (await order.getByRole('heading').first().textContent())!;
    await order.getByRole('button', { name: 'Accept', exact: true }).click();
    const accepted = page.getByRole('article').filter({ hasText: title }).first();
    await expect.poll(() => accepted.getByRole('button', { name: 'Accept', exact: true }).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => accepted.textContent(), { timeout: 15_000 }).toContain('Li Wei');

    // The demo's completed order: its engineer got the customer's sign-off link by DM.
    const links: Array<{ user: string; url: string }> = [];
    for (const m of sandbox.local.emulator.messages.values()) {
      const url = /<(http[^\s>|]+\/visit\/signoff\/[^\s>|]+)/.exec(m.text ?? '')?.[1];
      if (url && m.channel.startsWith('D')) links.push({ user: `U${m.channel.slice(1)}`, url });
    }
    let open: { user: string; url: string } | undefined;
    for (const l of links) if ((await fetch(l.url.replace('localhost', '127.0.0.1'))).status === 200) open = l;
    expect(open).toBeDefined();
    const engineer = (await page.getByRole('combobox', { name: 'Acting as' }).locator(`option[value="${open!.user}"]`).textContent())!;
    await page.getByRole('combobox', { name: 'Acting as' }).selectOption({ label: engineer });
    await page.getByRole('navigation').getByRole('button', { name: 'opsdesk', exact: true }).click();
    const link = page.locator(`article a[href="${open!.url}"]`).first();
    const [customer] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await customer.waitForLoadState();
    await expect.poll(() => customer.locator('h1').textContent()).toBe('Confirm the service visit');
    await customer.fill('#name', 'Wang Li');
    await customer.click('label[for="rating-5"]');
    await Promise.all([customer.waitForLoadState('load'), customer.click('button[type="submit"]')]);
    await expect.poll(() => customer.locator('h1').textContent()).toBe('Thank you!');
    await customer.close();
  }, 180_000);
});
