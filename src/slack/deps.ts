import type { Config } from '../config/config.js';
import type { Translate } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';

/**
 * What every module's listeners get from the composition root, besides their own module's deps.
 * No database handle: listeners call their module's service functions, never stores.
 */
export interface ListenerDeps {
  readonly config: Config;
  /** The workspace language, for channel messages. */
  readonly tr: Translate;
  /** A user's own language, for what only they see: modals, ephemeral answers, Home. */
  trFor(userId: string): Promise<Translate>;
  readonly logger: Logger;
}
