// The services every entry point shares (the app, the CLI, the scheduler), built in one place.
// Each module adds its deps here; listeners and jobs receive this bag.
import type { Config } from './config/config.js';
import { slackTicketNotifier, ticketPostedHook } from './modules/tickets/slack/notifier.js';
import type { PostedHook } from './outbox/worker.js';
import type { TicketDeps } from './modules/tickets/tickets.service.js';
import type { Clock } from './platform/clock.js';
import { buildCalendars } from './modules/sla/calendar.rules.js';
import { urgentHook, type SlaDeps } from './modules/sla/sla.service.js';
import { slackSlaNotifier } from './modules/sla/slack/notifier.js';
import { buildOncallDeps, type OncallDeps } from './modules/oncall/oncall.wiring.js';
import type { Db } from './platform/db.js';
import { slackVisitNotifier, visitPostedHook } from './modules/visits/slack/notifier.js';
import { visitOrderGuard } from './modules/visits/visits.guard.js';
import type { VisitDeps } from './modules/visits/visits.service.js';
import { translator, type Translate } from './platform/i18n.js';
import { slackPatrolNotifier } from './modules/patrols/slack/notifier.js';
import type { PatrolDeps } from './modules/patrols/patrols.service.js';
import { slackDailyNotifier, slackReviewPresenter } from './modules/reviews/slack/notifier.js';
import type { FileUploader, ReviewDeps } from './modules/reviews/reviews.service.js';
import type { DailyDeps } from './modules/reviews/daily.service.js';
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
  sla: SlaDeps;
  oncall: OncallDeps;
  visits: VisitDeps;
  patrols: PatrolDeps;
  reviews: ReviewDeps;
  daily: DailyDeps;
}

/** Every module's hook that keeps a delivered message's ts on its own rows (the app's and the CLI's worker). */
export const POSTED_HOOKS: PostedHook[] = [ticketPostedHook, visitPostedHook];

export function buildServices(opts: { db: Db; config: Config; clock: Clock; logger: Logger; queued: () => void; files?: FileUploader }): Services {
  const { db, config, clock, logger, queued } = opts;
  const tr = translator(config.locale);
  const calendars = buildCalendars(config.calendars, config.timezone);
  const tickets: TicketDeps = { db, clock, config, calendars, notify: slackTicketNotifier(clock, tr), queued, onCreated: [], guards: [] };
  const sla: SlaDeps = { tickets, notify: slackSlaNotifier(config, clock, tr) };
  tickets.onCreated!.push(urgentHook(sla));
  // The P1 page joins the tickets' creation hooks (onCreated).
  const oncall = buildOncallDeps({ db, clock, config, tr, tickets, queued });
  // A ticket with a visit order under way cannot be resolved until the order is archived or cancelled.
  tickets.guards!.push(visitOrderGuard);
  const visits: VisitDeps = { db, clock, config, notify: slackVisitNotifier(clock, config, tr), queued };
  const patrols: PatrolDeps = { db, clock, config, tr, tickets, notify: slackPatrolNotifier(clock, config, tr), queued };
  // The review's chart goes through the files upload API (opts.files); without it charts wait for the app.
  const reviews: ReviewDeps = { db, clock, config, logger, tr, present: slackReviewPresenter(tr), files: opts.files, queued };
  const daily: DailyDeps = { db, clock, config, notify: slackDailyNotifier(clock, () => config.channels.review, tr), queued };
  return { db, config, clock, logger, tr, queued, tickets, sla, oncall, visits, patrols, reviews, daily };
}
