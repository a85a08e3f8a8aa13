// `npm start` as a process: health, logs, and a graceful stop on SIGTERM that loses nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { baseConfigYaml, SIGNING_SECRET, SUPPORT, users } from '../support/harness.js';
import { SlackRequester } from '../support/slack-client.js';
import { ticketFormValues } from '../support/tickets.js';

const root = new URL('../..', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function waitForHealth(port: number, child: ChildProcess, output: () => string): Promise<Response> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`app exited early: ${output()}`);
    try {
      return await fetch(`http://127.0.0.1:${port}/healthz`);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`app did not answer: ${output()}`);
}

describe(`the app process (${storeName})`, () => {
  let store: TestStore | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    await store?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves /healthz, logs JSON without secrets, and on SIGTERM delivers what it accepted, then exits 0', async () => {
    const slack = await startFakeSlack();
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-proc-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'opsdesk.yml'), baseConfigYaml);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      OPSDESK_CONFIG: join(dir, 'opsdesk.yml'),
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
    };
    if (usingPostgres) {
      store = await openTestStore();
      env.DATABASE_URL = store.url;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const health = await waitForHealth(port, child, () => out);
      expect(health.status).toBe(200);
      if (!usingPostgres) expect(existsSync(join(dir, 'data', 'opsdesk.lock'))).toBe(true);

      const requester = new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET });
      const res = await requester.viewSubmission({ user: users.alice, callbackId: 'ticket.create', viewId: 'VPROC1', values: ticketFormValues({ title: 'just before shutdown', newCustomer: 'Shop', phone: '13812345678' }), privateMetadata: JSON.stringify({ channel: SUPPORT }) });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(slack.posted().some((c) => String(c.args.text).includes('just before shutdown'))).toBe(true);
      if (!usingPostgres) expect(existsSync(join(dir, 'data', 'opsdesk.lock'))).toBe(false);

      const lines = out.trim().split('\n').filter((l) => l.startsWith('{'));
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
      expect(lines.some((l) => JSON.parse(l).msg === 'slack request' && JSON.parse(l).kind === 'view_submission')).toBe(true);
      expect(out).not.toContain(slack.token);
      expect(out).not.toContain(SIGNING_SECRET);
      expect(out).not.toContain('13812345678');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await slack.close();
    }
  });
});
