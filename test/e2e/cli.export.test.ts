// `export` as a user runs it (a separate process): a bad window flag is one line on stderr naming the
// flag and its form, exit 2 and nothing on stdout; a good one writes CSV with a BOM to stdout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeName } from '../support/db.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import { baseConfigYaml } from '../support/harness.js';

describe(`opsdesk export from the command line (${storeName})`, () => {
  let bench: CliBench;
  beforeAll(async () => {
    bench = await startCliBench(baseConfigYaml);
  });
  afterAll(async () => bench?.close());

  it('refuses a bad --from with one line and exit 2, writing nothing; writes the audit CSV with a BOM', async () => {
    const bad = await runCli(['export', 'audit', '--from', 'last tuesday'], bench.env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^opsdesk: --from expects an ISO date or time, such as 2026-11-01.*; got "last tuesday"\.\n$/);
    const good = await runCli(['export', 'audit', '--from', '2026-11-01', '--to', '2026-12-01'], bench.env);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe('\uFEFFtime,subject_type,subject,actor,actor_name,action,outcome,from,to,note\r\n'); // nothing happened in November
  }, 120_000);
});
