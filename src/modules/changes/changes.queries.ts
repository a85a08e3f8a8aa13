// Read use cases of change requests: the view a message renders, lists for /change, Home, the
// handover and the monthly review. Listeners and notifiers read through these, never the store.
import { DateTime } from 'luxon';
import type { Db } from '../../platform/db.js';
import { getTicketById, type TicketDeps } from '../tickets/index.js';
import { OPEN_STATES } from './changes.rules.js';
import * as store from './changes.store.js';
import type { Change, ChangeEvent } from './changes.store.js';

export type { Change, ChangeEvent } from './changes.store.js';

/** Another change a change conflicts with, as a message links to it. */
export interface ChangeRef {
  id: number;
  key: string;
  title: string;
  slackChannel: string | null;
  slackTs: string | null;
}

/** A change as its message shows it: with its approvers, linked tickets and conflicts. */
export interface ChangeView extends Change {
  approvers: string[];
  ticketKey: string | null;
  followUpTicketKey: string | null;
  /** Open changes on a common system whose window overlaps (empty once this one is closed). */
  conflicts: ChangeRef[];
}

type ReadDeps = { db: Db; tickets: Pick<TicketDeps, 'db'> };

export const refOf = (c: Change): ChangeRef => ({ id: c.id, key: c.key, title: c.title, slackChannel: c.slackChannel, slackTs: c.slackTs });

/** The change's view, read in `tx` (the transaction that changed it, or the db). */
export async function changeView(deps: ReadDeps, id: number, tx: Db = deps.db): Promise<ChangeView | undefined> {
  const c = await store.getChange(tx, id);
  return c && viewOf(deps, c, tx);
}

async function viewOf(deps: ReadDeps, c: Change, tx: Db): Promise<ChangeView> {
  const [approvers, ticket, followUp, conflicting] = await Promise.all([
    store.listApprovers(tx, c.id),
    c.ticketId ? getTicketById(deps.tickets, c.ticketId, tx) : undefined,
    c.followUpTicketId ? getTicketById(deps.tickets, c.followUpTicketId, tx) : undefined,
    OPEN_STATES.includes(c.state) ? store.listConflicting(tx, c) : [],
  ]);
  return { ...c, approvers, ticketKey: ticket?.key ?? null, followUpTicketKey: followUp?.key ?? null, conflicts: conflicting.map(refOf) };
}

/** Open changes that conflict with this one's systems and window (also after it closed: their messages change). */
export async function conflictsOf(tx: Db, c: Change): Promise<ChangeRef[]> {
  return (await store.listConflicting(tx, c)).map(refOf);
}

/** A change by its human id (CHG-2026-3); undefined when there is none. */
export async function findChange(deps: ReadDeps, key: string): Promise<ChangeView | undefined> {
  const c = await store.getChangeByKey(deps.db, key);
  return c && viewOf(deps, c, deps.db);
}

/** What `/change CHG-…` shows: the change and its record. */
export async function changeDetails(deps: ReadDeps, key: string): Promise<{ change: ChangeView; events: ChangeEvent[] } | undefined> {
  const change = await findChange(deps, key);
  if (!change) return undefined;
  return { change, events: await store.listEvents(deps.db, change.id) };
}

/** Changes whose window overlaps [from, to), earliest first (handover threads, the change calendar, exports). */
export function changesInWindow(deps: Pick<ReadDeps, 'db'>, from: Date, to: Date, opts: { openOnly?: boolean; limit?: number } = {}): Promise<Change[]> {
  return store.listInWindow(deps.db, from, to, opts);
}

/** Open changes a user requested or carries out, soonest window first. */
export function changesOf(deps: Pick<ReadDeps, 'db'>, userId: string, limit = 20): Promise<Change[]> {
  return store.listOpenOf(deps.db, userId, limit);
}

/** Changes waiting for `userId`'s approval (they are neither requester nor implementer and have not approved yet). */
export function pendingApprovalsFor(deps: Pick<ReadDeps, 'db'>, userId: string, limit = 20): Promise<Change[]> {
  return store.listAwaitingApproval(deps.db, userId, limit);
}

/** Systems used by earlier changes, most used first: the form's suggestions. */
export function knownSystems(deps: Pick<ReadDeps, 'db'>, limit = 15): Promise<string[]> {
  return store.listKnownSystems(deps.db, limit);
}

/** Counts of changes whose window starts in [from, to): total, done, rolled back, rejected, cancelled, emergencies, overruns, success rate. */
export async function changeCounts(deps: Pick<ReadDeps, 'db'>, from: Date, to: Date) {
  const c = await store.countInRange(deps.db, from, to);
  const finished = c.done + c.rolledBack;
  return { ...c, successRate: finished > 0 ? c.done / finished : null };
}

/** The counts of a calendar month in `zone` (month 1–12), for the monthly review. */
export function changeCountsForMonth(deps: Pick<ReadDeps, 'db'>, year: number, month: number, zone: string) {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone });
  return changeCounts(deps, start.toJSDate(), start.plus({ months: 1 }).toJSDate());
}

/** The record of a change (every step, who and when). */
export function changeEvents(deps: Pick<ReadDeps, 'db'>, changeId: number): Promise<ChangeEvent[]> {
  return store.listEvents(deps.db, changeId);
}
