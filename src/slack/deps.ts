import type { Config } from '../config/config.js';
import type { Db } from '../platform/db.js';
import type { Translate } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';
import type { TicketDeps } from '../modules/tickets/tickets.service.js';

/** What listeners get from the composition root. */
export interface ListenerDeps {
  db: Db;
  config: Config;
  tr: Translate;
  logger: Logger;
  tickets: TicketDeps;
}
