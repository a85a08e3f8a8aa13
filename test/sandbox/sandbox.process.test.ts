// `npm start` with no Slack workspace: outside production it serves the sandbox on 127.0.0.1 only and
// says how to connect a real workspace; with NODE_ENV=production it refuses, names SLACK_BOT_TOKEN,
// and listens on nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';

const root = new URL('../..', import.meta.url).pathname;
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
/** True when a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
/** Addresses of this machine that are not loopback (a LAN address, when the machine has one). */
const outsideAddresses = () => Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);

describe(`npm start without a Slack workspace (${storeName})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-sandbox-'));
  let store: TestStore | undefined;
  afterAll(async () => {
    await store?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const baseEnv = (port: number): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' });

  it('NODE_ENV=production without SLACK_BOT_TOKEN refuses, names the variable, and listens on nothing', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env: { ...baseEnv(port), NODE_ENV: 'production' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stdout).not.toContain('/sandbox');
    expect(await accepts('127.0.0.1', port)).toBe(false);
    // Nothing was opened either: no store, no sandbox state.
    expect(existsSync(join(dir, 'data', 'sandbox'))).toBe(false);
  }, 60_000);

  it('otherwise serves the sandbox on 127.0.0.1 only, printing its URL and then how to connect Slack', async () => {
    const port = await freePort();
    const env = baseEnv(port);
    if (usingPostgres) {
      store = await openTestStore();
      env.DATABASE_URL = store.url!;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 1200 && !out.includes('To connect a real workspace'); i++) {
        if (child.exitCode !== null) throw new Error(`exited early: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const lines = out.split('\n');
      const at = lines.findIndex((l) => l.includes(`http://localhost:${port}/sandbox`));
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1]).toMatch(/To connect a real workspace: .*manifest\.yml.*SLACK_BOT_TOKEN.*SLACK_SIGNING_SECRET/);
      const page = await fetch(`http://127.0.0.1:${port}/sandbox`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('aria-label="Clock"');
      // Bound to 127.0.0.1: another loopback address (Linux routes all of 127/8 to lo) and the
      // machine's own LAN addresses are refused.
      expect(await accepts('127.0.0.2', port)).toBe(false);
      for (const address of outsideAddresses()) expect(await accepts(address, port)).toBe(false);
      // The sandbox's requests need the page's header: a cross-site form post is refused.
      const forged = await fetch(`http://127.0.0.1:${port}/sandbox/api/clock`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"minutes":1440}' });
      expect(forged.status).toBe(403);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      if (!usingPostgres) expect(existsSync(join(dir, 'data', 'sandbox'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
