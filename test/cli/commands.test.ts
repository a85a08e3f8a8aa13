// Every job and every command of the command line with the minimal configuration (an empty
// opsdesk.yml), called in-process through `runCommand` with captured output: none prints a raw
// message key or a stack trace; a failure is one translated sentence saying what to do, with a
// non-zero exit. The stack of an unexpected failure shows only with LOG_LEVEL=debug.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.js';
import { JOBS } from '../../src/services.js';
import { catalogue } from '../../src/platform/i18n.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const AT = '2026-12-01T01:00:00Z'; // 09:00 in Shanghai on the 1st: the monthly review's slot

/** A writable that keeps what was written. */
function sink() {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream, text: () => text };
}

/** Catalogue keys that appear as such in `text` (a sentence was never looked up). */
function rawKeys(text: string): string[] {
  return [...catalogue('en').keys()].filter((k) => new RegExp(`(^|[^\\w.])${k.replace(/\./g, '\\.')}($|[^\\w.])`).test(text));
}

/** A stack trace, as pino prints it or as Node prints an uncaught error. */
const STACK = /"stack"|\n\s+at [^\n]+:\d+:\d+/;

describe(`every job and command with the minimal configuration (${storeName})`, () => {
  let store: TestStore;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore();
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-cmd-'));
    writeFileSync(join(dir, 'opsdesk.yml'), '');
    env = { OPSDESK_CONFIG: join(dir, 'opsdesk.yml'), DATA_DIR: join(dir, 'data') };
  });
  afterAll(async () => {
    await store?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], extraEnv: Record<string, string> = {}) {
    const out = sink();
    const err = sink();
    const code = await runCommand(args, { env: { ...env, ...extraEnv }, stdout: out.stream, stderr: err.stream, store });
    const all = `${out.text()}\n${err.text()}`;
    expect(rawKeys(all), `${args.join(' ')}: raw keys in\n${all}`).toEqual([]);
    expect(all, `${args.join(' ')}: a stack trace`).not.toMatch(STACK);
    expect(all, `${args.join(' ')}: an untranslated placeholder`).not.toMatch(/\{\w+(\|[\w.]+)?\}/);
    return { code, stdout: out.text(), stderr: err.text() };
  }

  it.each(Object.keys(JOBS))('job %s runs or fails with one sentence saying what to do', async (job) => {
    const res = await cli(['job', job, '--at', AT]);
    if (res.code !== 0) {
      expect(res.code).toBe(1);
      const lines = res.stderr.split('\n').filter((l) => l.startsWith('opsdesk: '));
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/opsdesk\.yml|npm run opsdesk/);
    } else {
      expect(res.stdout).toContain(`${job} at ${new Date(AT).toISOString()}: {`);
    }
  });

  it('job monthly-review without channels.review: exit 1, the sentence names the key to set, in the configured language', async () => {
    const en = await cli(['job', 'monthly-review', '--at', AT]);
    expect(en.code).toBe(1);
    expect(en.stderr).toContain('opsdesk: monthly-review failed: No review channel is set');
    expect(en.stderr).toContain('Set `channels.review` in opsdesk.yml');
    const zh = await cli(['job', 'monthly-review', '--at', '2027-01-01T01:00:00Z'], { LOCALE_DEFAULT: 'zh-CN' });
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('monthly-review 运行失败：尚未设置回顾频道');
    expect(zh.stderr).toContain('`channels.review`');
    // The log line of the failed run is a warning with the sentence, no stack.
    expect(en.stderr).toMatch(/"level":40[^\n]*No review channel is set/);
  });

  it('job patrol --name and oncall-handover --name for names that do not exist say which names there are', async () => {
    const patrol = await cli(['job', 'patrol', '--at', AT, '--name', 'noon']);
    expect(patrol.code).toBe(1);
    expect(patrol.stderr).toContain('There is no patrol checklist "noon". Checklists: —. Use one of these names, or add the checklist under `patrols` in opsdesk.yml.');
    const rotation = await cli(['job', 'oncall-handover', '--at', AT, '--name', 'night']);
    expect(rotation.code).toBe(1);
    expect(rotation.stderr).toContain('There is no rotation named "night"');
  });

  it('migrate, seed-demo (twice), and every export work with the minimal configuration', async () => {
    expect((await cli(['migrate'])).stdout).toContain('migrations applied');
    const seeded = await cli(['seed-demo', '--at', AT]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/demo loaded: 5 customers, \d+ tickets/);
    expect(seeded.stdout).toContain('Li Wei 李伟');
    expect(seeded.stdout).toContain('not in the demo: an on-call handover');
    const again = await cli(['seed-demo', '--at', AT]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('The demo is already loaded');
    for (const name of ['tickets', 'audit', 'changes', 'review', 'kb']) {
      const res = await cli(['export', name, '--month', '2026-11']);
      expect(res.code, `${name}: ${res.stderr}`).toBe(0);
    }
  });

  it('refuses bad arguments and a bad environment or opsdesk.yml with one translated line and exit 2, changing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /There is no command "frobnicate"\. Run `npm run opsdesk -- --help`/],
      [['job'], /job expects one of: sla-sweep/],
      [['job', 'no-such-job'], /got "no-such-job"/],
      [['job', 'sla-sweep', '--at', 'tomorrow'], /--at expects an ISO time/],
      [['export', 'tickets', '--month', '2026-13'], /--month expects YYYY-MM/],
      [['export', 'tickets', '--from', 'yesterday'], /--from expects an ISO date or time/],
      [['export', 'nope'], /export expects one of: .*audit/],
      [['job', 'sla-sweep', '--frobnicate'], /The arguments are not understood/],
    ];
    for (const [args, message] of cases) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toMatch(message);
      expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(res.stdout).toBe('');
    }
    const zh = await cli(['frobnicate'], { LOCALE_DEFAULT: 'zh-CN' });
    expect(zh.stderr).toContain('没有“frobnicate”这个命令');
    const badEnv = await cli(['migrate'], { LOG_LEVEL: 'chatty' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/^opsdesk: The environment is not valid: LOG_LEVEL is invalid/);
    writeFileSync(join(dir, 'bad.yml'), 'channels:\n  review: 42\n');
    const badYaml = await cli(['migrate'], { OPSDESK_CONFIG: join(dir, 'bad.yml') });
    expect(badYaml.code).toBe(2);
    expect(badYaml.stderr).toMatch(/^opsdesk: opsdesk\.yml is not valid: .*channels\.review.*run the command again\.\n$/);
  });

  it('an unexpected failure is one line without a stack; LOG_LEVEL=debug shows where it failed', async () => {
    JOBS['test-boom'] = {
      description: 'a job that fails the way a bug does',
      schedules: () => [],
      run: async () => {
        throw new Error('disk on fire');
      },
    };
    try {
      const quiet = await cli(['job', 'test-boom', '--at', AT]);
      expect(quiet.code).toBe(1);
      expect(quiet.stderr).toContain('opsdesk: test-boom failed unexpectedly (disk on fire).');
      expect(quiet.stderr).toContain('LOG_LEVEL=debug');
      const out = sink();
      const err = sink();
      const code = await runCommand(['job', 'test-boom', '--at', AT], { env: { ...env, LOG_LEVEL: 'debug' }, stdout: out.stream, stderr: err.stream, store });
      expect(code).toBe(1);
      expect(err.text()).toMatch(/"stack":"Error: disk on fire\\n\s+at /);
    } finally {
      delete JOBS['test-boom'];
    }
  });
});
