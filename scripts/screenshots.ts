// `npm run screenshots`: the sandbox page in English and Chinese, taken with the same headless
// Chromium the browser tests use (test/support/browser.ts), into docs/screenshots/ for the README.
// Starts its own sandbox on an in-memory store, so it needs nothing running and changes no data.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/platform/db.js';
import { silentLogger } from '../src/platform/logger.js';
import { startSandboxApp } from '../src/sandbox-main.js';
import { launchChromium } from '../test/support/browser.js';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const SHOTS = [
  { file: 'sandbox-en.png', user: 'Li Wei 李伟', locale: 'en-GB' },
  { file: 'sandbox-zh-CN.png', user: 'Wang Fang 王芳', locale: 'zh-CN' },
];

const store = await openStore({ dataDir: 'memory://' });
await store.migrate();
const sandbox = await startSandboxApp({ store, logger: silentLogger, port: 0, tickMs: 0, outboxPollMs: 25 });
const browser = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  for (const shot of SHOTS) {
    const context = await browser.newContext({ locale: shot.locale, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${sandbox.port}/sandbox`);
    await page.getByRole('combobox', { name: /Acting as|当前身份/ }).selectOption({ label: shot.user });
    await page.getByRole('button', { name: '#support', exact: true }).click();
    await page.getByRole('article').first().waitFor();
    // A ticket's thread beside the channel, as a newcomer sees it after a click.
    await page.getByRole('button', { name: /^(\d+ repl(y|ies)|\d+ 条回复)$/ }).first().click();
    await page.getByRole('complementary').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}${shot.file}` });
    process.stdout.write(`wrote docs/screenshots/${shot.file}\n`);
    await context.close();
  }
} finally {
  await browser.close();
  await sandbox.stop();
  await store.close();
}
