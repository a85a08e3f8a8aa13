// `npm run opsdesk -- <command>`: migrate | job <name> [--at ISO] [--name X] | seed-demo | export …
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { EnvError, loadEnv, type Env } from '../config/env.js';
import { outboxClient } from '../app.js';
import { runJob } from '../jobs/runner.js';
import { buildServices, JOBS, PLANNED_JOBS, POSTED_HOOKS } from '../services.js';
import { slackFileUploader } from '../modules/reviews/index.js';
import { OutboxWorker } from '../outbox/worker.js';
import { ManualClock, systemClock, type Clock } from '../platform/clock.js';
import { openStore, type Store } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { lockDataDir, StoreBusyError } from '../platform/store-lock.js';
import { exportCsv, EXPORTS, RANGED_EXPORTS } from './export.js';
import { seedDemo } from './seed-demo.js';

const USAGE = `usage: npm run opsdesk -- <command>
  migrate                                   apply database migrations and exit
  job <name> [--at <ISO time>] [--name X]   run one scheduled job as of a time, deliver its messages, exit
  seed-demo                                 load a demo customer base and tickets
  export <${Object.keys(EXPORTS).join('|')}> [--month YYYY-MM | --from <ISO time> --to <ISO time>]
                                            CSV to stdout (--from/--to: audit, tickets, changes)
jobs: ${Object.keys(JOBS).join(', ')}`;

class UsageError extends Error {}

function fail(message: string, code = 2): never {
  process.stderr.write(`opsdesk: ${message}\n`);
  process.exit(code);
}

/** Opens the store the app uses; the embedded one only when no running app holds it. */
async function openCliStore(env: Env): Promise<{ store: Store; release: () => void }> {
  let release = () => {};
  if (!env.databaseUrl) {
    try {
      release = lockDataDir(env.dataDir, 'an opsdesk command');
    } catch (err) {
      if (err instanceof StoreBusyError) {
        fail(
          `${err.message}. The embedded store can be opened by one process at a time. ` +
            'Stop the app (Ctrl-C) and run the command again, or run both against a Postgres server by setting DATABASE_URL.',
          3,
        );
      }
      throw err;
    }
  }
  const store = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, poolSize: 4 });
  return { store, release };
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { at: { type: 'string' }, name: { type: 'string' }, month: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, arg] = positionals;
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!['migrate', 'job', 'seed-demo', 'export'].includes(command)) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(at.getTime())) throw new UsageError(`--at expects an ISO time such as 2026-11-25T09:00:00+08:00, got "${values.at}"`);
  }
  if (values.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) throw new UsageError(`--month expects YYYY-MM, got "${values.month}"`);
  for (const flag of ['from', 'to'] as const) {
    const value = values[flag];
    if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(new Date(value).getTime()))) throw new UsageError(`--${flag} expects an ISO time such as 2026-11-01T00:00:00+08:00, got "${value}"`);
  }
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together');
  if (values.from !== undefined && values.month !== undefined) throw new UsageError('give either --month or --from and --to, not both');
  if (values.from !== undefined && new Date(values.from) >= new Date(values.to!)) throw new UsageError('--to must be after --from');
  if (values.from !== undefined && command === 'export' && arg && EXPORTS[arg] && !RANGED_EXPORTS.includes(arg)) throw new UsageError(`--from/--to apply to ${RANGED_EXPORTS.join(', ')}; export ${arg} takes --month`);
  if (command === 'job' && (!arg || !JOBS[arg])) {
    const planned = arg && PLANNED_JOBS.includes(arg) ? ` ("${arg}" comes with a later capability and is not built yet)` : '';
    throw new UsageError(`job expects one of: ${Object.keys(JOBS).join(', ')}${arg ? `; got "${arg}"${planned}` : ''}`);
  }
  if (command === 'export' && (!arg || !EXPORTS[arg])) throw new UsageError(`export expects one of: ${Object.keys(EXPORTS).join(', ')}`);

  const env = loadEnv();
  const config = loadConfig(env);
  const logger = createLogger({ level: env.logLevel, destination: process.stderr });
  const { store, release } = await openCliStore(env);
  try {
    await store.migrate();
    if (command === 'migrate') {
      process.stdout.write('migrations applied\n');
      return;
    }
    if (command === 'export') {
      await exportCsv(store.db, arg!, { month: values.month, from: values.from, to: values.to, timezone: config.timezone, config }, process.stdout);
      return;
    }
    const clock: Clock = at ? new ManualClock(at) : systemClock;
    const worker = env.slackBotToken
      ? new OutboxWorker({ db: store.db, client: outboxClient(env.slackBotToken, env.slackApiUrl), clock, logger, postedHooks: POSTED_HOOKS })
      : undefined;
    // With a token the review chart is uploaded by the job itself; without, the app's review-charts job does it.
    const files = env.slackBotToken ? slackFileUploader(outboxClient(env.slackBotToken, env.slackApiUrl)) : undefined;
    const services = buildServices({ db: store.db, config, clock, logger, queued: () => {}, files });
    let exitCode = 0;
    if (command === 'seed-demo') {
      const counts = await seedDemo(services.tickets);
      process.stdout.write(`seeded ${counts.customers} customers and ${counts.tickets} tickets\n`);
    } else {
      const result = await runJob(services, arg!, clock.now(), 'manual', { name: values.name });
      if (result.outcome === 'ok') process.stdout.write(`${arg} at ${clock.now().toISOString()}: ${JSON.stringify(result.counts)}\n`);
      else if (result.outcome === 'failed') {
        process.stderr.write(`opsdesk: ${arg} failed: ${result.error}\n`);
        exitCode = 1;
      }
    }
    if (worker) {
      const sent = await worker.drain(60_000);
      process.stdout.write(`delivered ${sent} Slack message(s)\n`);
    } else {
      process.stdout.write('SLACK_BOT_TOKEN is not set: messages stay queued until the app delivers them\n');
    }
    process.exitCode = exitCode;
  } finally {
    await store.close();
    release();
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError || err instanceof EnvError || err instanceof ConfigError) fail(err.message);
  if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${err.message}\n${USAGE}`);
  fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1);
});
