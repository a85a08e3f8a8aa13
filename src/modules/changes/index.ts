// The changes module's front door (SPEC §3.6): change requests — submit, approve, schedule,
// implement, verify or roll back — through one transition, change-watch, and their Slack side.
// Other modules and the roots use change requests only through what is exported here.
import './changes.i18n.js';
import './changes.forms.i18n.js';

// Deps, the notifier port, and the one transition.
export { checkChangeAction, prepareChangeAction, SYSTEM_ACTOR, transition, type ChangeDeps, type ChangeNotifier, type ChangeStep } from './changes.transition.js';

// Pure rules: states, risks, windows, freezes, ids.
export {
  approvalsNeeded,
  CHANGE_LIMITS,
  CHANGE_STATES,
  conflicts,
  FINAL_STATES,
  freezeHit,
  OPEN_STATES,
  parseChangeKey,
  RISKS,
  windowsOverlap,
  type ChangeAction,
  type ChangeDraft,
  type ChangeState,
  type Risk,
  type WatchStage,
} from './changes.rules.js';

// Use cases.
export {
  approveChange,
  cancelChange,
  checkChangeDraft,
  finishChange,
  openFollowUpTicket,
  rejectChange,
  rollbackChange,
  scheduleChange,
  startChange,
  submitChange,
  verifyChange,
} from './changes.service.js';

// Reads for handover threads, the monthly review, exports and Home.
export {
  changeCounts,
  changeCountsForMonth,
  changeDetails,
  changeEvents,
  changesInWindow,
  changesOf,
  changeView,
  findChange,
  knownSystems,
  pendingApprovalsFor,
  type Change,
  type ChangeEvent,
  type ChangeRef,
  type ChangeView,
} from './changes.queries.js';

// Job: change-watch (every minute).
export { watchChanges, type ChangeWatchCounts } from './changes.watch.js';

// Tables (for drizzle-kit, foreign keys and the reports' SQL).
export { changeApprovals, changeEvents as changeEventsTable, changeNotices, changes } from './changes.table.js';

// The Slack side.
export { CHANGE_ACTIONS, CHANGE_VIEWS, changeMessageKey } from './slack/ids.js';
export { changeLink, changeList, changeMessage, slackWindow, stateLabel as changeStateLabel } from './slack/views.js';
export { changePostedHook, slackChangeNotifier } from './slack/notifier.js';
export { registerChangeListeners } from './slack/listeners.js';
export { changeCalendarBlocks, changesHomeSection, myChangesBlocks, pendingApprovalsBlocks } from './slack/home.js';
