// The patrols module's front door (SPEC §3.4): checklists of opsdesk.yml posted as runs at their
// slot, claimed and submitted by one engineer, abnormal items opening linked tickets, the reminder
// and escalation of late runs, and their Slack side. Others use patrols only through this file.
import './patrols.i18n.js';

// Deps and how the domain tells Slack (built in the composition root).
export type { PatrolDeps, PatrolNotifier } from './patrols.service.js';
export type { PatrolItem, PatrolRun, PatrolRunWithItems } from './patrols.store.js';
export { onTime, type Checklist, type PatrolItemStatus, type PatrolRunState } from './patrols.rules.js';

// Jobs: `patrol` (runPatrolJob) and `patrol-watch` (watchPatrols).
export { claimRun, runPatrolJob, submitRun, watchPatrols } from './patrols.service.js';

// Tables (for drizzle-kit, foreign keys and the on-call handover's and reports' SQL).
export { patrolItems, patrolRuns } from './patrols.table.js';

// The Slack side: the notifier, the listeners and the Home section.
export { slackPatrolNotifier } from './slack/notifier.js';
export { registerPatrolListeners } from './slack/listeners.js';
export { patrolsHomeSection } from './slack/home.js';
