// `npm start`: read the environment and opsdesk.yml, open the store, migrate, serve Slack.
import { DateTime } from 'luxon';
import { presetWarnings } from './config/calendar-presets.js';
import { ConfigError, loadConfig } from './config/config.js';
import { EnvError, loadEnv, requireSlackCredentials } from './config/env.js';
import { startOpsdesk } from './app.js';
import { openStore } from './platform/db.js';
import { keepServing } from './platform/last-resort.js';
import { createLogger, flushLogSync } from './platform/logger.js';
import { lockDataDir, StoreBusyError } from './platform/store-lock.js';
import { runSandbox } from './sandbox-main.js';

/** Prints one line (or a few, one per problem) and exits non-zero: no stack trace for user errors. */
function die(message: string): never {
  process.stderr.write(`opsdesk: ${message.split('\n').join('\nopsdesk: ')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let env, config, slack;
  try {
    env = loadEnv();
    // No workspace yet: the sandbox, a local Slack in the browser (never in production, where the
    // missing token stops the start below and names SLACK_BOT_TOKEN).
    if (!env.slackBotToken && process.env.NODE_ENV !== 'production') return runSandbox(env, createLogger({ level: env.logLevel }), die);
    slack = requireSlackCredentials(env);
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof EnvError || err instanceof ConfigError) die(err.message);
    throw err;
  }
  const logger = createLogger({ level: env.logLevel });
  // From here on an error nobody caught is logged and the process keeps serving: one bug in a
  // callback must not take every user's requests (and, replayed, every replica) down with it.
  // Why that is safe for the data: src/platform/last-resort.ts.
  keepServing(process, logger);
  let release = () => {};
  if (!env.databaseUrl) {
    try {
      release = lockDataDir(env.dataDir, 'the opsdesk app');
    } catch (err) {
      if (err instanceof StoreBusyError) die(`${err.message}. Stop it first, or set DATABASE_URL so several processes can share a Postgres server.`);
      throw err;
    }
  }
  const store = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  await store.migrate();
  const opsdesk = await startOpsdesk({
    config,
    store,
    logger,
    port: env.port,
    alertsToken: env.alertsToken,
    slack: { botToken: slack.botToken, signingSecret: slack.signingSecret, appToken: slack.appToken, apiUrl: env.slackApiUrl },
  });
  logger.info({ port: opsdesk.port, store: store.kind, config: config.source, mode: slack.appToken ? 'socket' : 'http' }, 'opsdesk is running');
  // A calendar preset without this year's (or, in December, next year's) official schedule: say how to get it.
  for (const warning of presetWarnings(config.calendars, DateTime.now().setZone(config.timezone).toISODate()!)) logger.warn(warning);

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    await opsdesk.stop();
    await store.close();
    release();
    logger.info('stopped');
    // The logger batches its lines; exit would flush them too, but the last ones matter most.
    flushLogSync(logger);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`opsdesk: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
