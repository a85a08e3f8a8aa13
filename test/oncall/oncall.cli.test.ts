// `npm run opsdesk -- job oncall-handover --at <ISO>`: opens the handover of that shift boundary,
// delivers it, and posts nothing the second time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeName } from '../support/db.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { ONCALL, users } from '../support/harness.js';
import { oncallYaml } from './support.js';

describe(`job oncall-handover from the command line (${storeName})`, () => {
  let bench: CliBench;
  let slack: FakeSlack;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    bench = await startCliBench(oncallYaml);
    ({ slack, env } = bench);
  });
  afterAll(async () => bench?.close());

  it('opens the handover of the boundary at --at, once', async () => {
    const first = await runCli(['job', 'oncall-handover', '--at', '2026-11-25T21:00:00+08:00', '--name', 'primary'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('"opened":1');
    const posts = slack.posted().filter((c) => c.args.channel === ONCALL);
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args.blocks)).toContain(`<@${users.alice.id}> hands over to <@${users.bob.id}>`);
    const again = await runCli(['job', 'oncall-handover', '--at', '2026-11-25T21:00:00+08:00'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('"existing":1');
    expect(slack.posted().filter((c) => c.args.channel === ONCALL)).toHaveLength(1);
  }, 120_000);

  it('fails with a clear message for a rotation that does not exist', async () => {
    const res = await runCli(['job', 'oncall-handover', '--at', '2026-11-25T21:00:00+08:00', '--name', 'nosuch'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('There is no rotation named "nosuch". Rotations: primary, network. Use one of these names');
  }, 120_000);
});
