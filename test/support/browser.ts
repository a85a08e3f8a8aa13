// Chromium for the browser tests, from npm alone (SPEC §6): the headless shell shipped Brotli-compressed
// in the dev dependency @sparticuz/chromium, decompressed on first use. No system browser, no apt, no
// download at test time. OPSDESK_CHROMIUM=/path/to/chromium launches that browser instead.
//
// The package decompresses into os.tmpdir() (/tmp/chromium, /tmp/fonts, …) and takes an existing
// /tmp/chromium as finished, so two test workers starting at once could run a half-written binary, and
// a different package version's leftovers would be picked up silently. So the decompression runs in a
// child process whose TMPDIR is a private staging directory, which is then renamed, whole, to
// node_modules/.cache/opsdesk-chromium/<version>: the cache either is complete or is not there.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** For OPSDESK_CHROMIUM: a full Chromium (e.g. Debian's /usr/bin/chromium), headless, as root. */
const OVERRIDE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
/**
 * Dropped from the package's recommended args: --single-process makes the browser close for good when
 * the first BrowserContext closes (each test opens its own); the other two switch off the same-origin
 * policy and mixed-content blocking, which a customer's browser has and the page is tested under.
 */
const DROPPED_ARGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/** A headless Chromium for playwright-core; fails (never skips) with a message saying what went wrong. */
export async function launchChromium(): Promise<Browser> {
  const override = process.env.OPSDESK_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`OPSDESK_CHROMIUM=${override}: no such file. Unset it to use Chromium from @sparticuz/chromium.`);
    return launch(override, `OPSDESK_CHROMIUM=${override}`, { args: OVERRIDE_ARGS });
  }
  const pkg = packageInfo();
  const what = `@sparticuz/chromium ${pkg.version}`;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${what} ships Chromium for Linux x64 only, not ${process.platform} ${process.arch}: set OPSDESK_CHROMIUM to a Chromium or Chrome executable to run the browser tests.`);
  }
  let dir: string;
  try {
    dir = await unpacked(pkg);
  } catch (err) {
    throw new Error(`could not decompress Chromium from ${what} into ${cacheDir(pkg)}: ${(err as Error).message}`, { cause: err });
  }
  const executablePath = join(dir, 'chromium');
  const args = sparticuz.args.filter((a) => !DROPPED_ARGS.has(a));
  try {
    // The binary needs libnss3, libnspr4 and libexpat: the system's if it has them…
    return await chromium.launch({ executablePath, args, headless: true });
  } catch (err) {
    if (!/error while loading shared libraries/.test((err as Error).message)) throw launchError(executablePath, what, err);
    // …otherwise the copies the package ships (built for Amazon Linux 2023, glibc 2.34 or newer).
    const libs = join(dir, 'al2023', 'lib');
    const LD_LIBRARY_PATH = [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    return launch(executablePath, `${what}, with its own libnss3 (${libs})`, { args, env: { ...process.env, LD_LIBRARY_PATH } });
  }
}

async function launch(executablePath: string, what: string, options: LaunchOptions): Promise<Browser> {
  try {
    return await chromium.launch({ ...options, executablePath, headless: true });
  } catch (err) {
    throw launchError(executablePath, what, err);
  }
}

function launchError(executablePath: string, what: string, err: unknown): Error {
  return new Error(`could not launch Chromium ${executablePath} (${what}) for the browser tests: ${(err as Error).message}\n` + 'OPSDESK_CHROMIUM=/path/to/chromium uses another Chromium instead.', { cause: err });
}

interface PackageInfo {
  root: string;
  version: string;
}

function packageInfo(): PackageInfo {
  // …/node_modules/@sparticuz/chromium/build/cjs/index.cjs → …/node_modules/@sparticuz/chromium
  const root = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'))));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { root, version };
}

/** node_modules/.cache/opsdesk-chromium/<version>, next to the package (one per checkout and user). */
const cacheDir = (pkg: PackageInfo) => join(pkg.root, '..', '..', '.cache', 'opsdesk-chromium', pkg.version);
const complete = (dir: string) => ['chromium', 'libGLESv2.so', 'al2023/lib/libnss3.so'].every((f) => existsSync(join(dir, f)));

/** The directory holding the decompressed browser, decompressing it once per package version. */
async function unpacked(pkg: PackageInfo): Promise<string> {
  const dir = cacheDir(pkg);
  if (complete(dir)) return dir;
  // It only ever appears whole (by rename), so a directory that is there but incomplete was damaged.
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  const staging = join(dirname(dir), `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    // The package's own executablePath(), in a child whose os.tmpdir() is the staging directory.
    // AWS_EXECUTION_ENV makes it also unpack al2023.tar.br (libnss3 & co.), the fallback above.
    const script = 'const { default: c } = await import(process.argv[1]); process.stdout.write(await c.executablePath());';
    const entry = pathToFileURL(join(pkg.root, 'build', 'esm', 'index.js')).href;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, entry], {
      env: { ...process.env, TMPDIR: staging, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
    });
    if (stdout !== join(staging, 'chromium') || !complete(staging)) throw new Error(`unexpected result: ${stdout}`);
    try {
      await rename(staging, dir);
    } catch (err) {
      // Another worker got there first with its own complete copy: use that one.
      if (!complete(dir)) throw err;
    }
    return dir;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
