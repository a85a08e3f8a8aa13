// The services every entry point shares (the app, the CLI, the scheduler), built in one place.
// Each module adds its deps here; listeners and jobs receive this bag.
import type { Config } from './config/config.js';
import { slackTicketNotifier } from './modules/tickets/slack/notifier.js';
import type { TicketDeps } from './modules/tickets/tickets.service.js';
import type { Clock } from './platform/clock.js';
import type { Db } from './platform/db.js';
import { translator, type Translate } from './platform/i18n.js';
import type { Logger } from './platform/logger.js';

export interface Services {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** The workspace language, for channel messages. */
  tr: Translate;
  /** Wakes the outbox worker after a commit that queued messages. */
  queued: () => void;
  tickets: TicketDeps;
}

export function buildServices(opts: { db: Db; config: Config; clock: Clock; logger: Logger; queued: () => void }): Services {
  const { db, config, clock, logger, queued } = opts;
  const tr = translator(config.locale);
  const tickets: TicketDeps = { db, clock, config, notify: slackTicketNotifier(clock, tr), queued };
  return { db, config, clock, logger, tr, queued, tickets };
}
