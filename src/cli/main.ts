// `npm run opsdesk -- <command>`: migrate | job <name> [--at ISO] [--name X] | seed-demo | export …
// Every error is one translated line (in the configured language) that says what to do, on stderr,
// with a non-zero exit; a stack only with LOG_LEVEL=debug. `runCommand` is the whole command line,
// callable in-process (the tests); the program at the bottom runs it on process.argv.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { EnvError, loadEnv, type Env } from '../config/env.js';
import { outboxClient } from '../app.js';
import { runJob } from '../jobs/runner.js';
import { buildServices, JOBS, PLANNED_JOBS, POSTED_HOOKS } from '../services.js';
import { slackFileUploader } from '../modules/reviews/index.js';
import { OutboxWorker } from '../outbox/worker.js';
import { ManualClock, runningFrom, systemClock, type Clock } from '../platform/clock.js';
import { openStore, type Store } from '../platform/db.js';
import { userMessage } from '../platform/errors.js';
import { t, type Locale, type MessageKey, type Params } from '../platform/i18n.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { lockDataDir, StoreBusyError } from '../platform/store-lock.js';
import './cli.i18n.js';
import { checkExport, exportCsv, EXPORTS, ExportFlagError } from './export.js';
import { seedDemo } from './seed-demo.js';

const USAGE = `usage: npm run opsdesk -- <command>
  migrate                                   apply database migrations and exit
  job <name> [--at <ISO time>] [--name X]   run one scheduled job as of a time, deliver its messages, exit
  seed-demo [--at <ISO time>]               load the demo (customers, a few days of work) once; again: adds nothing
  export <${Object.keys(EXPORTS).join('|')}> [--month YYYY-MM | --from <ISO> --to <ISO>]
                                            CSV to stdout
jobs: ${Object.keys(JOBS).join(', ')}`;

/** A mistake in the arguments: exit 2 with its sentence. */
class UsageError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Params = {},
  ) {
    super(key);
  }
}

/** A refusal that is not about the arguments (the store is busy): its exit code and sentence. */
class CliExit extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** An open, migrated store to use instead of the one DATABASE_URL / DATA_DIR names (tests). */
  store?: Store;
}

/** The language of the command's sentences: the configuration's, or LOCALE_DEFAULT while it cannot be read. */
function cliLocale(source: NodeJS.ProcessEnv): Locale {
  try {
    return loadConfig(loadEnv(source)).locale;
  } catch {
    return source.LOCALE_DEFAULT === 'zh-CN' ? 'zh-CN' : 'en';
  }
}

/** The log of a command, on stderr: errors without their stack unless LOG_LEVEL is debug or trace. */
function cliLogger(env: Env, stderr: NodeJS.WritableStream): Logger {
  const logger = createLogger({ level: env.logLevel, destination: stderr });
  if (env.logLevel === 'debug' || env.logLevel === 'trace') return logger;
  const brief = (err: unknown) => (err instanceof Error ? { type: err.name, message: err.message } : { message: String(err) });
  return logger.child({}, { serializers: { err: brief } });
}

/** Opens the store the app uses; the embedded one only when no running app holds it. */
async function openCliStore(env: Env, locale: Locale): Promise<{ store: Store; release: () => void }> {
  let release = () => {};
  if (!env.databaseUrl) {
    try {
      release = lockDataDir(env.dataDir, 'an opsdesk command');
    } catch (err) {
      if (err instanceof StoreBusyError) throw new CliExit(3, t(locale, 'cli.store_busy', { busy: t(locale, 'error.store_busy', { dir: err.dir, pid: err.pid }) }));
      throw err;
    }
  }
  const store = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, poolSize: 4 });
  return { store, release };
}

/**
 * Runs one command line and returns its exit code: 0 done, 1 the work failed, 2 bad arguments or
 * configuration, 3 the embedded store is busy. Errors are one translated line on stderr.
 */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const locale = cliLocale(io.env);
  const say = (key: MessageKey, params?: Params) => t(locale, key, params);
  const fail = (text: string, code: number) => {
    io.stderr.write(`opsdesk: ${text.split('\n').join('\nopsdesk: ')}\n`);
    return code;
  };
  try {
    return await command(argv, io, locale);
  } catch (err) {
    if (err instanceof UsageError) return fail(say(err.key, err.params), 2);
    if (err instanceof CliExit) return fail(err.text, err.code);
    if (err instanceof EnvError) return fail(say('cli.env_invalid', { problem: err.message }), 2);
    if (err instanceof ConfigError) return fail(say('cli.config_invalid', { problem: err.message }), 2);
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return fail(say('cli.bad_args', { problem: err.message }), 2);
    const sentence = userMessage(err, (key, params) => t(locale, key, params));
    if (sentence !== undefined) return fail(sentence, 1);
    const debug = /^(debug|trace)$/.test(io.env.LOG_LEVEL ?? '');
    const code = fail(say('cli.unexpected', { error: err instanceof Error ? err.message : String(err) }), 1);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return code;
  }
}

async function command(argv: string[], io: CliIo, locale: Locale): Promise<number> {
  const say = (key: MessageKey, params?: Params) => t(locale, key, params);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { at: { type: 'string' }, name: { type: 'string' }, month: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, arg] = positionals;
  if (!command || values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['migrate', 'job', 'seed-demo', 'export'].includes(command)) throw new UsageError('cli.unknown_command', { command });
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(at.getTime())) throw new UsageError('cli.bad_at', { value: values.at });
  }
  if (command === 'job' && (!arg || !JOBS[arg])) {
    const jobs = Object.keys(JOBS).join(', ');
    if (!arg) throw new UsageError('cli.job_expected', { jobs });
    throw new UsageError(PLANNED_JOBS.includes(arg) ? 'cli.job_planned' : 'cli.job_unknown', { jobs, name: arg });
  }

  const env = loadEnv(io.env);
  const config = loadConfig(env);
  // The export's name and window flags (ExportFlagError: exit 2) before the store is opened.
  const exportOptions = { month: values.month, from: values.from, to: values.to, timezone: config.timezone, config };
  if (command === 'export') {
    try {
      checkExport(arg ?? '', exportOptions);
    } catch (err) {
      if (err instanceof ExportFlagError) throw new UsageError(err.key, err.params);
      throw err;
    }
  }
  const logger = cliLogger(env, io.stderr);
  const { store, release } = io.store ? { store: io.store, release: () => {} } : await openCliStore(env, locale);
  try {
    // A store handed in is migrated already (tests); the command's own store is migrated here.
    if (!io.store || command === 'migrate') await store.migrate();
    if (command === 'migrate') {
      io.stdout.write(`${say('cli.migrated')}\n`);
      return 0;
    }
    if (command === 'export') {
      await exportCsv(store.db, arg!, exportOptions, io.stdout);
      return 0;
    }
    const clock: Clock = at ? new ManualClock(at) : systemClock;
    // Paced as the app's worker is (Slack's ~1 message a second per channel, the method tiers): a
    // job's fan-out into one channel goes out whole, at Slack's pace, rather than into 429s that
    // leave the rest queued. Delivery runs in real time even for a backfill (--at): its clock
    // starts at --at and moves.
    const worker = env.slackBotToken
      ? new OutboxWorker({ db: store.db, client: outboxClient(env.slackBotToken, env.slackApiUrl), clock: at ? runningFrom(at) : clock, logger, postedHooks: POSTED_HOOKS, pacing: true })
      : undefined;
    let exitCode = 0;
    if (command === 'seed-demo') {
      exitCode = await seedCommand(store, config, logger, clock, io, say);
    } else {
      // With a token the review chart is uploaded by the job itself; without, the app's review-charts job does it.
      const files = env.slackBotToken ? slackFileUploader(outboxClient(env.slackBotToken, env.slackApiUrl)) : undefined;
      const services = buildServices({ db: store.db, config, clock, logger, queued: () => {}, files });
      const result = await runJob(services, arg!, clock.now(), 'manual', { name: values.name });
      if (result.outcome === 'ok') io.stdout.write(`${say('cli.job_done', { job: arg!, at: clock.now().toISOString(), counts: JSON.stringify(result.counts) })}\n`);
      else if (result.outcome === 'failed') {
        io.stderr.write(`opsdesk: ${say(result.fixable ? 'cli.job_failed' : 'cli.job_crashed', { job: arg!, error: result.error })}\n`);
        exitCode = 1;
      }
    }
    if (worker) {
      const sent = await worker.deliverDue(60_000);
      io.stdout.write(`${say('cli.delivered', { count: sent })}\n`);
    } else {
      io.stdout.write(`${say('cli.no_token')}\n`);
    }
    return exitCode;
  } finally {
    if (!io.store) await store.close();
    release();
  }
}

/** `seed-demo`: loads the demo once; a second run adds nothing and says so. */
async function seedCommand(store: Store, config: Config, logger: Logger, clock: Clock, io: CliIo, say: (key: MessageKey, params?: Params) => string): Promise<number> {
  const result = await seedDemo({ db: store.db, config, logger, now: clock.now() });
  if (result.status === 'already') {
    io.stdout.write(`${say('cli.demo_already', { since: result.since.toISOString() })}\n`);
    return 0;
  }
  io.stdout.write(`${say('cli.demo_loaded', { summary: Object.entries(result.counts).map(([what, n]) => `${n} ${what}`).join(', ') })}\n`);
  io.stdout.write(`${say('cli.demo_team', { people: result.team.map((p) => (p.name === p.id ? p.id : `${p.id} ${p.name}`)).join(', ') })}\n`);
  for (const s of result.skipped) io.stdout.write(`${say('cli.demo_skipped', { what: say(s.key, s.params) })}\n`);
  return 0;
}

/** True when this file is the program (npm run opsdesk, npx opsdesk), not a module a test imported. */
function isProgram(): boolean {
  const started = process.argv[1];
  if (!started) return false;
  let path = started;
  try {
    path = realpathSync(started);
  } catch {
    // a path that does not resolve is not this file
  }
  return path === fileURLToPath(import.meta.url) || /[\\/]bin[\\/]opsdesk(\.js)?$/.test(path);
}

if (isProgram()) {
  void runCommand(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
