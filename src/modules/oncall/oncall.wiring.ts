// Builds the on-call deps for the services bag and attaches the P1 page to ticket creation.
import type { Config } from '../../config/config.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import type { Translate } from '../../platform/i18n.js';
import type { TicketDeps } from '../tickets/tickets.service.js';
import type { OncallDeps } from './oncall.deps.js';
import { rotationsOf } from './oncall.rules.js';
import { pageOnCallHook } from './paging.service.js';
import { slackOncallNotifier } from './slack/notifier.js';

export type { OncallDeps };

/** The on-call deps; adds the P1 paging hook to `tickets.onCreated`. */
export function buildOncallDeps(opts: { db: Db; clock: Clock; config: Config; tr: Translate; tickets: TicketDeps; queued: () => void }): OncallDeps {
  const { db, clock, config, tr, tickets, queued } = opts;
  const deps: OncallDeps = { db, clock, config, rotations: rotationsOf(config), notify: slackOncallNotifier(config, tr), tickets, queued };
  (tickets.onCreated ??= []).push(pageOnCallHook(deps));
  return deps;
}
