// Home building blocks of change requests: pending approvals (with Approve / Reject right there) for
// supervisors, the user's own changes, and the change calendar of the next days.
import type { KnownBlock } from '@slack/types';
import type { Translate } from '../../../platform/i18n.js';
import { rolesOf } from '../../../platform/roles.js';
import type { HomeSection } from '../../../slack/home.js';
import { changesInWindow, changesOf, pendingApprovalsFor } from '../changes.queries.js';
import type { ChangeDeps } from '../changes.transition.js';
import { changeList } from './views.js';

type HomeDeps = Pick<ChangeDeps, 'db' | 'clock' | 'config'>;

// Home holds at most 100 blocks for every module's section: the lists here stay short (/change lists more).
const HOME_PENDING = 5;
const HOME_MINE = 8;
const HOME_CALENDAR = 10;

/** Changes waiting for this supervisor's approval, with Approve and Reject buttons; nothing for others. */
export async function pendingApprovalsBlocks(deps: HomeDeps, userId: string, tr: Translate): Promise<KnownBlock[]> {
  if (!rolesOf(deps.config.roles, userId).has('supervisor')) return [];
  return changeList(tr('change.list.heading_pending'), await pendingApprovalsFor(deps, userId, HOME_PENDING), tr, { withButtons: true });
}

/** Open changes the user requested or carries out. */
export async function myChangesBlocks(deps: HomeDeps, userId: string, tr: Translate): Promise<KnownBlock[]> {
  return changeList(tr('change.list.heading_mine'), await changesOf(deps, userId, HOME_MINE), tr);
}

/** The change calendar: open changes whose window overlaps the next `days` days. */
export async function changeCalendarBlocks(deps: HomeDeps, tr: Translate, days = 7): Promise<KnownBlock[]> {
  const now = deps.clock.now();
  const list = await changesInWindow(deps, now, new Date(now.getTime() + days * 86_400_000), { openOnly: true, limit: HOME_CALENDAR });
  return changeList(tr('change.list.heading_calendar', { days }), list, tr);
}

/** The whole Home section of change requests (the home module places it). */
export function changesHomeSection(deps: HomeDeps): HomeSection {
  return async (userId: string, tr: Translate) => [...(await pendingApprovalsBlocks(deps, userId, tr)), ...(await myChangesBlocks(deps, userId, tr)), ...(await changeCalendarBlocks(deps, tr))];
}
