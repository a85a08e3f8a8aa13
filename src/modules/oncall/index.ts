// The on-call module's front door (SPEC §3.3, §3.1 特殊流程): rotations and shifts, cover and swaps,
// handover threads with notes and acknowledgement, the P1 page down the line, and their Slack side.
// Other modules and the composition root use on-call only through what is exported here.
import './oncall.i18n.js';

// Deps, and the rotations read from the config.
export type { HandoverSnapshot, OncallDeps, OncallNotifier, PagedTicket } from './oncall.deps.js';
export { rotationsOf, type Rotation, type Shift } from './oncall.rules.js';
// A ticket's SLA state (ok, at risk, breached, paused) as the handover shows it; the daily report uses the same.
export { slaState, type SlaState } from './oncall.rules.js';

// The P1 page: a hook for TicketDeps.onCreated (wired in the composition root).
export { pageOnCallHook } from './paging.service.js';

// Jobs: `oncall-handover` (openHandovers, on handoverSchedules) and `oncall-watch` (watchOncall).
export { acknowledgeHandover, openHandovers, type OpenCounts } from './handover.service.js';
export { handoverSchedules, watchOncall } from './oncall.jobs.js';

// Tables (for drizzle-kit, foreign keys and the reports' SQL).
export { oncallHandovers, oncallNotes, oncallOverrides, oncallPages } from './oncall.table.js';

// The Slack side: the notifier, the listeners and the Home section.
export { slackOncallNotifier } from './slack/notifier.js';
export { registerOncallListeners } from './slack/listeners.js';
export { oncallHomeSection } from './slack/home.js';
