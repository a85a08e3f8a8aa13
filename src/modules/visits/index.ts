// The visits module's front door (SPEC §3.2, §3.5): visit orders requested from tickets — dispatch,
// accept, the engineer's field steps, the customer's sign-off page, archiving — their SLA stages and
// visit-watch, and their Slack side. Other modules use visit orders only through what is exported here.
import './visits.i18n.js';
import './visits.forms.i18n.js';

// Deps and the port the domain tells Slack through (built once in the composition root).
export { CUSTOMER_ACTOR, SYSTEM_ACTOR, type VisitChange, type VisitDeps, type VisitEventKind, type VisitNotifier, type VisitPrefill, type VisitSlaAlert } from './visits.service.js';
export type { VisitEvent, VisitOrder, VisitOrderView, VisitSignoff } from './visits.store.js';

// Rules other modules read visit orders by (states, punctuality, keys).
export {
  ACTIVE_STATES,
  arrivalPunctuality,
  FINAL_STATES,
  parseVisitKey,
  VISIT_STATES,
  type ArrivalPunctuality,
  type VisitAction,
  type VisitResult,
  type VisitState,
} from './visits.rules.js';
export type { VisitSlaStage, VisitSlaTarget } from './visits.sla.rules.js';

// Use cases: requesting and changing orders, the field steps, the customer's sign-off, reads.
export { acceptVisit, archiveVisit, cancelVisit, createVisitOrder, declineVisit, prepareVisitRequest, reassignVisit, revealVisitPhone } from './visits.service.js';
export { arrive, completeVisit, confirmByCallback, confirmWindow, leaveNote, recordCallAttempt, renewSignoffLink, reportLate } from './visits.field.js';
export { confirmBySignoff, lookupSignoff, redeemCode } from './signoff.service.js';
export { myVisitOrders, visitOrderDetails, type VisitOrderDetails } from './visits.queries.js';

// Hooks into tickets and the outbox (the root puts them in TicketDeps.guards and the worker's posted hooks).
export { visitOrderGuard } from './visits.guard.js';
export { visitPostedHook } from './slack/notifier.js';

// Jobs: visit-watch (every minute) and the visit orders' part of the sla-sweep job.
export { watchVisits } from './visits.watch.js';
export { sweepVisitOrders, type VisitSweepCounts } from './visits.sla.js';

// Tables (for drizzle-kit, foreign keys and the reports' SQL).
export { visitEvents, visitOrders, visitSignoffs, visitSlaAlerts } from './visits.table.js';

// The Slack side and the customer's web page.
export { slackVisitNotifier } from './slack/notifier.js';
export { registerVisitListeners } from './slack/listeners.js';
export { visitsHomeSection } from './slack/home.js';
export { VISIT_ACTIONS, visitMessageKey } from './slack/ids.js';
export { visitRoutes } from './web/routes.js';
