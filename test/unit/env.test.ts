// SPEC §2 environment: defaults, one clear line per bad value, and the real entry point refusing
// to start with a readable message instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv, requireSlackCredentials, type Env } from '../../src/config/env.js';

/** Asserts `fn` throws an EnvError whose message is one line naming `variable`; returns the message. */
function envErrorOf(fn: () => unknown, variable: string): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(EnvError);
  const message = (caught as EnvError).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(variable);
  return message;
}

describe('loadEnv', () => {
  it('uses the documented defaults when nothing is set', () => {
    const env = loadEnv({});
    expect(env.port).toBe(3000);
    expect(env.dataDir).toBe('./data');
    expect(env.publicUrl).toBe('http://localhost:3000');
    expect(env.databaseUrl).toBeUndefined();
    expect(env.configPath).toBeUndefined();
    expect(env.tzDefault).toBeUndefined();
    expect(env.localeDefault).toBeUndefined();
    expect(env.slackBotToken).toBeUndefined();
    expect(env.logLevel).toBe('info');
  });

  it('derives PUBLIC_URL from PORT when PUBLIC_URL is unset', () => {
    const env = loadEnv({ PORT: '8080' });
    expect(env.port).toBe(8080);
    expect(env.publicUrl).toBe('http://localhost:8080');
  });

  it('strips trailing slashes from PUBLIC_URL', () => {
    expect(loadEnv({ PUBLIC_URL: 'https://ops.example.com/' }).publicUrl).toBe('https://ops.example.com');
    expect(loadEnv({ PUBLIC_URL: 'https://ops.example.com/desk//' }).publicUrl).toBe('https://ops.example.com/desk');
  });

  it('keeps the values that are set and valid', () => {
    const env = loadEnv({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'abcdefgh12345678',
      SLACK_APP_TOKEN: 'xapp-1-A1-xyz',
      DATABASE_URL: 'postgres://ops@db.internal:5432/opsdesk',
      DATA_DIR: '/var/lib/opsdesk',
      OPSDESK_CONFIG: '/etc/opsdesk.yml',
      TZ_DEFAULT: 'Europe/London',
      LOCALE_DEFAULT: 'zh-CN',
    });
    expect(env).toMatchObject<Partial<Env>>({
      slackBotToken: 'xoxb-1-2-abc',
      slackSigningSecret: 'abcdefgh12345678',
      slackAppToken: 'xapp-1-A1-xyz',
      databaseUrl: 'postgres://ops@db.internal:5432/opsdesk',
      dataDir: '/var/lib/opsdesk',
      configPath: '/etc/opsdesk.yml',
      tzDefault: 'Europe/London',
      localeDefault: 'zh-CN',
    });
  });

  it('treats empty and blank strings as unset', () => {
    const env = loadEnv({
      PORT: '',
      DATA_DIR: '',
      PUBLIC_URL: '',
      DATABASE_URL: '  ',
      LOCALE_DEFAULT: '',
      TZ_DEFAULT: '',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: '',
      OPSDESK_CONFIG: '',
      LOG_LEVEL: '',
    });
    expect(env.port).toBe(3000);
    expect(env.dataDir).toBe('./data');
    expect(env.publicUrl).toBe('http://localhost:3000');
    expect(env.databaseUrl).toBeUndefined();
    expect(env.localeDefault).toBeUndefined();
    expect(env.tzDefault).toBeUndefined();
    expect(env.slackBotToken).toBeUndefined();
    expect(env.slackSigningSecret).toBeUndefined();
    expect(env.slackAppToken).toBeUndefined();
    expect(env.configPath).toBeUndefined();
    expect(env.logLevel).toBe('info');
  });

  it('accepts every pino level for LOG_LEVEL, and silent', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(loadEnv({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  it('refuses an unknown LOG_LEVEL with one line listing the pino levels', () => {
    const message = envErrorOf(() => loadEnv({ LOG_LEVEL: 'verbose' }), 'LOG_LEVEL');
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(message).toContain(level);
    envErrorOf(() => loadEnv({ LOG_LEVEL: 'INFO' }), 'LOG_LEVEL'); // pino's levels are lower case
  });

  it('refuses a malformed DATABASE_URL with one line saying a connection string is expected', () => {
    const message = envErrorOf(() => loadEnv({ DATABASE_URL: 'mysql://root@localhost/ops' }), 'DATABASE_URL');
    expect(message).toMatch(/connection string/);
    envErrorOf(() => loadEnv({ DATABASE_URL: 'postgres://' }), 'DATABASE_URL');
  });

  it('refuses an unknown LOCALE_DEFAULT with one line listing en and zh-CN', () => {
    const message = envErrorOf(() => loadEnv({ LOCALE_DEFAULT: 'fr' }), 'LOCALE_DEFAULT');
    expect(message).toContain('en');
    expect(message).toContain('zh-CN');
  });

  it('refuses a TZ_DEFAULT that is not an IANA zone', () => {
    const message = envErrorOf(() => loadEnv({ TZ_DEFAULT: 'Mars/Olympus_Mons' }), 'TZ_DEFAULT');
    expect(message).toMatch(/IANA time zone/);
  });

  it('refuses a non-numeric PORT', () => {
    const message = envErrorOf(() => loadEnv({ PORT: 'eighty' }), 'PORT');
    expect(message).toMatch(/port number/);
  });

  it('refuses a PORT outside 1–65535', () => {
    expect(envErrorOf(() => loadEnv({ PORT: '0' }), 'PORT')).toMatch(/65535/);
    expect(envErrorOf(() => loadEnv({ PORT: '70000' }), 'PORT')).toMatch(/65535/);
  });

  it('refuses a bot token that does not start with xoxb-', () => {
    const message = envErrorOf(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxp-user-token' }), 'SLACK_BOT_TOKEN');
    expect(message).toContain('xoxb-');
  });

  it('refuses an app token that does not start with xapp-', () => {
    const message = envErrorOf(() => loadEnv({ SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }), 'SLACK_APP_TOKEN');
    expect(message).toContain('xapp-');
  });

  it('refuses a PUBLIC_URL that is not a URL', () => {
    expect(envErrorOf(() => loadEnv({ PUBLIC_URL: 'ops.example.com' }), 'PUBLIC_URL')).toMatch(/http\(s\) URL/);
  });

  it('refuses a PUBLIC_URL that is not http(s), since customers get links built from it', () => {
    envErrorOf(() => loadEnv({ PUBLIC_URL: 'javascript:alert(1)' }), 'PUBLIC_URL');
    envErrorOf(() => loadEnv({ PUBLIC_URL: 'ftp://ops.example.com' }), 'PUBLIC_URL');
  });

  it('refuses a SLACK_API_URL that is not http(s)', () => {
    envErrorOf(() => loadEnv({ SLACK_API_URL: 'file:///etc/passwd' }), 'SLACK_API_URL');
  });

  it('reports each bad variable on its own line when several are bad', () => {
    let caught: unknown;
    try {
      loadEnv({ PORT: 'x', LOCALE_DEFAULT: 'fr' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const lines = (caught as EnvError).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('PORT'))).toBe(true);
    expect(lines.some((l) => l.startsWith('LOCALE_DEFAULT'))).toBe(true);
  });
});

describe('requireSlackCredentials', () => {
  const base = loadEnv({});

  it('names SLACK_BOT_TOKEN and the OAuth & Permissions page when the bot token is missing', () => {
    let caught: unknown;
    try {
      requireSlackCredentials({ ...base, slackSigningSecret: 'abcdefgh12345678' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const message = (caught as EnvError).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('SLACK_BOT_TOKEN');
    expect(message).toContain('OAuth & Permissions');
    expect(message).not.toContain('SLACK_SIGNING_SECRET');
  });

  it('names SLACK_SIGNING_SECRET and the Basic Information page when HTTP mode lacks it', () => {
    let caught: unknown;
    try {
      requireSlackCredentials({ ...base, slackBotToken: 'xoxb-1' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const message = (caught as EnvError).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('SLACK_SIGNING_SECRET');
    expect(message).toContain('Basic Information');
    expect(message).not.toContain('SLACK_BOT_TOKEN');
  });

  it('names both variables, one per line, when neither is set', () => {
    let caught: unknown;
    try {
      requireSlackCredentials(base);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const lines = (caught as EnvError).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('SLACK_BOT_TOKEN');
    expect(lines[1]).toContain('SLACK_SIGNING_SECRET');
  });

  it('needs no signing secret in Socket Mode (app token set)', () => {
    const creds = requireSlackCredentials({ ...base, slackBotToken: 'xoxb-1', slackAppToken: 'xapp-1' });
    expect(creds).toEqual({ botToken: 'xoxb-1', signingSecret: undefined, appToken: 'xapp-1' });
  });

  it('returns the bot token and signing secret in HTTP mode', () => {
    const creds = requireSlackCredentials({ ...base, slackBotToken: 'xoxb-1', slackSigningSecret: 'abcdefgh12345678' });
    expect(creds.botToken).toBe('xoxb-1');
    expect(creds.signingSecret).toBe('abcdefgh12345678');
    expect(creds.appToken).toBeUndefined();
  });
});

describe('the real entry point (node --import tsx src/main.ts)', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const tmp = mkdtempSync(join(tmpdir(), 'opsdesk-env-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const start = (extra: Record<string, string>) => {
    const env: Record<string, string> = { DATA_DIR: join(tmp, 'data'), ...extra };
    if (process.env.PATH) env.PATH = process.env.PATH;
    if (process.env.HOME) env.HOME = process.env.HOME;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, signal: r.signal, stderr: r.stderr ?? '', stdout: r.stdout ?? '' };
  };
  const FAKE_SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdefgh12345678' };

  it('in production, refuses to start without Slack tokens, naming both variables and printing no stack trace', () => {
    // Outside production no token means the sandbox (test/sandbox/sandbox.process.test.ts).
    const r = start({ NODE_ENV: 'production' });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(r.stderr).not.toMatch(/^ {4}at /m);
  });

  it('refuses LOCALE_DEFAULT=fr with one line naming LOCALE_DEFAULT', () => {
    const r = start({ ...FAKE_SLACK, LOCALE_DEFAULT: 'fr' });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('LOCALE_DEFAULT');
    expect(r.stderr).not.toMatch(/^ {4}at /m);
  });

  it('refuses an opsdesk.yml with a bad patrol cron, naming patrols.0.schedule and its line', () => {
    const file = join(tmp, 'opsdesk.yml');
    writeFileSync(
      file,
      [
        'timezone: Asia/Shanghai', // 1
        'patrols:', //                2
        '  - name: morning', //       3
        '    schedule: "every morning"', // 4
        '    deadline: "11:00"', //   5
        '    items: ["核心交换机状态"]', // 6
        '',
      ].join('\n'),
    );
    const r = start({ ...FAKE_SLACK, OPSDESK_CONFIG: file });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('patrols.0.schedule');
    expect(r.stderr).toContain(`${file}:4`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^ {4}at /m);
  });
});
