import type { Config } from '../config/config.js';
import type { Db } from '../platform/db.js';
import type { Translate } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';
import type { TicketDeps } from '../modules/tickets/tickets.service.js';

/** What listeners get from the composition root. */
export interface ListenerDeps {
  db: Db;
  config: Config;
  /** The workspace language, for channel messages. */
  tr: Translate;
  /** A user's own language, for what only they see: modals, ephemeral answers, Home. */
  trFor(userId: string): Promise<Translate>;
  logger: Logger;
  tickets: TicketDeps;
}
