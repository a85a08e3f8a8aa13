// The command line delivers the outbox as the app does: paced per channel (about one message a
// second, a short burst), so a run that finds many messages for one channel delivers them all,
// in order, without a 429 from Slack. Run as a user runs it: a separate process on the system
// clock, against a fake Slack that keeps Slack's per-channel limit — so this test takes a few real
// seconds (the pace itself); the pacing rules are tested on an injected clock in
// test/store/outbox-pacing.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, type OutboxMessage } from '../../src/outbox/outbox.js';
import { openStore } from '../../src/platform/db.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml } from '../support/harness.js';

const BUSY = 'C0BUSY';
const CALM = 'C0CALM';

describe(`opsdesk command line, delivering the outbox (${storeName})`, () => {
  let bench: CliBench;

  beforeAll(async () => {
    bench = await startCliBench(baseConfigYaml);
  });
  afterAll(async () => bench?.close());

  it('paces a backlog for one channel: every message arrives, in order, and Slack never answers 429', async () => {
    // Messages waiting in the outbox (as a job's fan-out or the stopped app's leftovers leave them).
    const store = await openStore({ databaseUrl: bench.env.DATABASE_URL, dataDir: bench.env.DATA_DIR });
    try {
      await store.migrate();
      const posts = (channel: string, n: number): OutboxMessage[] => Array.from({ length: n }, (_, i) => ({ kind: 'post', channel, payload: { text: `${channel} ${i}` } }));
      await store.db.transaction((tx) => enqueue(tx, new Date(), [...posts(BUSY, 5), ...posts(CALM, 1)]));
    } finally {
      await store.close();
    }
    // Slack's limit, on the real clock: a burst of 3, then one a second per channel.
    bench.slack.limitChannels({ perSecond: 1, burst: 3 });

    // Any command that ends by delivering the outbox; this job has nothing to do in an empty store.
    const run = await runCli(['job', 'ticket-autoclose'], bench.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('delivered 6 Slack message(s)');
    expect(bench.slack.calls.filter((c) => c.status === 429)).toEqual([]);
    expect(bench.slack.inChannel(BUSY).map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `${BUSY} ${i}`));
    expect(bench.slack.inChannel(CALM)).toHaveLength(1);
  }, 120_000);
});
