// The command line for patrols and the review, run as a user runs it (a separate process).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { PATROL, REVIEW } from '../support/harness.js';
import { patrolYaml } from '../patrols/support.js';
import { decodePng } from './png.js';

const root = new URL('../..', import.meta.url).pathname;

function runCli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe(`patrol and review from the command line (${storeName})`, () => {
  let dir: string;
  let slack: FakeSlack;
  let store: TestStore | undefined;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-cli-review-'));
    slack = await startFakeSlack();
    writeFileSync(join(dir, 'opsdesk.yml'), patrolYaml);
    env = { DATA_DIR: join(dir, 'data'), OPSDESK_CONFIG: join(dir, 'opsdesk.yml'), SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url };
    if (usingPostgres) {
      store = await openTestStore();
      env.DATABASE_URL = store.url;
    }
  });
  afterAll(async () => {
    await store?.dispose();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a patrol run for --at once, however often it is run', async () => {
    const first = await runCli(['job', 'patrol', '--name', 'morning', '--at', '2026-11-25T08:30:00+08:00'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('{"posted":1,"already":0,"skipped":0}');
    const again = await runCli(['job', 'patrol', '--name', 'morning', '--at', '2026-11-25T08:30:00+08:00'], env);
    expect(again.stdout).toContain('{"posted":0,"already":1,"skipped":0}');
    expect(slack.posted().filter((c) => c.args.channel === PATROL && !c.args.thread_ts)).toHaveLength(1);
  });

  it('posts last month\'s review with its chart, once', async () => {
    const first = await runCli(['job', 'monthly-review', '--at', '2026-12-01T09:00:00+08:00'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('"posted":1');
    const again = await runCli(['job', 'monthly-review', '--at', '2026-12-01T09:00:00+08:00'], env);
    expect(again.stdout).toContain('"posted":0,"already":1');
    const posts = slack.posted().filter((c) => c.args.channel === REVIEW && JSON.stringify(c.args.blocks).includes('Monthly review · 2026-11'));
    expect(posts).toHaveLength(1);
    expect(slack.completedUploads.filter((u) => u.channel_id === REVIEW)).toHaveLength(1);
    const png = decodePng(slack.uploads.get(slack.completedUploads[0]!.files[0]!.id)!);
    expect(png.width).toBe(960);
  });

  it('exports the review as CSV, and refuses a bad month', async () => {
    const csv = await runCli(['export', 'review', '--month', '2026-11'], env);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('month,section,metric,key,value,previous_month,change');
    expect(lines).toContain('2026-11,patrols,runs,,1,0,1');
    const bad = await runCli(['export', 'review', '--month', '2026-13'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month expects YYYY-MM');
  });
});
