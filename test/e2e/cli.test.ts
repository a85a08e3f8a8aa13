// The command line of SPEC §2, run as a user runs it: a separate process with the app's environment.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeName, usingPostgres } from '../support/db.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { baseConfigYaml, SUPPORT } from '../support/harness.js';
import { TICKET_STATES } from '../../src/modules/tickets/tickets.rules.js';

describe(`opsdesk command line (${storeName})`, () => {
  let bench: CliBench;
  let dir: string;
  let slack: FakeSlack;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    bench = await startCliBench(baseConfigYaml);
    ({ dir, slack, env } = bench);
  });
  afterAll(async () => bench?.close());

  it('migrates, seeds the demo (its messages queued for the app without a token) and exports CSV with masked phones', async () => {
    expect((await runCli(['migrate'], env)).stdout).toContain('migrations applied');
    // Without SLACK_BOT_TOKEN: the demo's many messages wait for the app, whose paced delivery the
    // command would otherwise spend its minute on (test/e2e/cli-pacing.test.ts covers delivery).
    const seeded = await runCli(['seed-demo'], { ...env, SLACK_BOT_TOKEN: undefined });
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/demo loaded: 5 customers, (\d+) tickets/);
    const ticketCount = Number(/(\d+) tickets/.exec(seeded.stdout)![1]);
    expect(seeded.stdout).toContain('SLACK_BOT_TOKEN is not set: messages stay queued until the app delivers them');
    expect(slack.posted().filter((c) => c.args.channel === SUPPORT)).toHaveLength(0);
    const csv = await runCli(['export', 'tickets'], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(ticketCount + 1);
    expect(lines[0]).toMatch(/^key,created_at,customer/);
    // "tickets in every state": each state of the state machine appears in the state column.
    const stateColumn = lines[0]!.split(',').indexOf('state');
    const states = lines.slice(1).map((l) => l.split(',')[stateColumn]);
    expect([...new Set(states)].sort()).toEqual([...TICKET_STATES].sort());
    expect(csv.stdout).toContain('138****5678');
    expect(csv.stdout).not.toContain('13812345678');
    const audit = await runCli(['export', 'audit', '--month', '2099-01'], env);
    expect(audit.stdout.trim().split('\r\n')).toHaveLength(1); // header only: nothing happened that month
  }, 300_000); // four processes, each starting tsx and opening the store

  it('runs a job as of a given time, and running it again for the same time changes nothing', async () => {
    // Without a token too: the demo's queued messages stay for the app instead of a paced minute here.
    const noToken = { ...env, SLACK_BOT_TOKEN: undefined };
    const first = await runCli(['job', 'ticket-autoclose', '--at', '2099-01-01T00:00:00Z'], noToken);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('{"closed":3}'); // the demo's three resolved tickets
    const again = await runCli(['job', 'ticket-autoclose', '--at', '2099-01-01T00:00:00Z'], noToken);
    expect(again.stdout).toContain('{"closed":0}');
  });

  it('refuses bad arguments with a clear message and a non-zero exit', async () => {
    const unknown = await runCli(['job', 'no-such-job'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('job expects one of');
    const badAt = await runCli(['job', 'ticket-autoclose', '--at', 'tomorrow'], env);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain('--at expects an ISO time');
    const badMonth = await runCli(['export', 'tickets', '--month', '2026-13'], env);
    expect(badMonth.stderr).toContain('--month expects YYYY-MM');
    expect((await runCli(['frobnicate'], env)).stderr).toContain('There is no command "frobnicate"');
  });

  it(usingPostgres ? 'works beside a running app when DATABASE_URL is set' : 'refuses to open the embedded store while the app holds it, saying what to do', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'data', 'opsdesk.lock'), JSON.stringify({ pid: holder.pid, holder: 'the opsdesk app' }));
      const res = await runCli(['job', 'ticket-autoclose'], env);
      if (usingPostgres) {
        expect(res.code).toBe(0);
        expect(res.stdout).toContain('ticket-autoclose at');
      } else {
        expect(res.code).toBe(3);
        expect(res.stderr).toContain(`is in use by the running opsdesk app (pid ${holder.pid})`);
        expect(res.stderr).toContain('DATABASE_URL');
      }
    } finally {
      holder.kill();
      rmSync(join(dir, 'data', 'opsdesk.lock'), { force: true });
    }
  });
});
