// The command line as a user runs it: a separate process with the app's environment, against a
// fresh store and the fake Slack.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestStore, usingPostgres, type TestStore } from './db.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';

const root = new URL('../..', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run opsdesk -- <args>` (without npm) with only the given environment. */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    });
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

export interface CliBench {
  dir: string;
  slack: FakeSlack;
  store?: TestStore;
  /** DATA_DIR, OPSDESK_CONFIG, the fake Slack, and DATABASE_URL when testing on Postgres. */
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** A temp folder with the given opsdesk.yml, a fake Slack, and a fresh database on Postgres runs. */
export async function startCliBench(yaml: string): Promise<CliBench> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-cli-'));
  const slack = await startFakeSlack();
  writeFileSync(join(dir, 'opsdesk.yml'), yaml);
  const env: Record<string, string | undefined> = { DATA_DIR: join(dir, 'data'), OPSDESK_CONFIG: join(dir, 'opsdesk.yml'), SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url };
  const store = usingPostgres ? await openTestStore() : undefined;
  if (store) env.DATABASE_URL = store.url;
  return {
    dir,
    slack,
    store,
    env,
    async close() {
      await store?.dispose();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
