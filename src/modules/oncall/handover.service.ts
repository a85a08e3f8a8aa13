// Handovers (值班交接, SPEC §3.3): the thread at each shift change, the outgoing engineer's check-out,
// the incoming engineer's acknowledgement and check-in (打卡), and the reminder and escalation.
import { audit } from '../../platform/audit.js';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import { changesInWindow } from '../changes/index.js';
import { assignTicket, SYSTEM_ACTOR } from '../tickets/index.js';
import type { HandoverSnapshot, OncallDeps } from './oncall.deps.js';
import { lastHandover, type Rotation } from './oncall.rules.js';
import { isSupervisor, overridesFor } from './oncall.service.js';
import * as store from './oncall.store.js';
import type { Handover } from './oncall.store.js';

/** A handover is opened late (missed cron, restart) for this long after its time; later it is skipped. */
export const HANDOVER_LATE_LIMIT_MS = 2 * 3_600_000;
/** How many tickets, visits, breaches, patrol runs and changes the thread lists (the rest are counted). */
const SNAPSHOT_LIMIT = 15;

export interface OpenCounts {
  opened: number;
  existing: number;
  skipped: number;
}

/**
 * Opens the handover of the latest shift change at or before `at` in every rotation (or the one
 * named): a thread in the rotation's channel with the snapshot, and the outgoing check-out. Running
 * it again for the same time posts nothing: the (rotation, time) row is unique.
 */
export async function openHandovers(deps: OncallDeps, at: Date, only?: string): Promise<OpenCounts> {
  const counts: OpenCounts = { opened: 0, existing: 0, skipped: 0 };
  const rotations = only ? deps.rotations.filter((r) => r.name === only) : deps.rotations;
  if (only && rotations.length === 0) throw new DomainError('not_found', 'oncall.unknown_rotation', { name: only, names: deps.rotations.map((r) => r.name).join(', ') || '—' });
  for (const r of rotations) {
    const result = await openHandover(deps, r, at);
    counts[result]++;
  }
  if (counts.opened > 0) deps.queued();
  return counts;
}

async function openHandover(deps: OncallDeps, r: Rotation, at: Date): Promise<keyof OpenCounts> {
  const overrides = await overridesFor(deps.db, r, at, new Date(at.getTime() + 1));
  const change = lastHandover(r, at, overrides);
  if (!change || at.getTime() - change.incoming.start.getTime() > HANDOVER_LATE_LIMIT_MS) return 'skipped';
  if (await store.getHandoverAt(deps.db, r.name, change.incoming.start)) return 'existing';
  const snapshot = await takeSnapshot(deps, r, change.incoming.start, change.outgoing?.start, change.incoming.end);
  const channel = r.channel ?? deps.config.channels.oncall ?? change.incoming.user;
  return deps.db.transaction(async (tx) => {
    const h = await store.insertHandover(tx, {
      rotation: r.name,
      handoverAt: change.incoming.start,
      shiftIndex: change.incoming.index,
      shiftEnd: change.incoming.end,
      outgoing: change.outgoing?.user ?? null,
      incoming: change.incoming.user,
      channel,
      openedAt: at,
      checkedOutAt: change.outgoing ? at : null,
      snapshot: { tickets: snapshot.tickets.total, unassigned: snapshot.unassigned?.total ?? -1, visits: snapshot.visits?.total ?? -1, breaches: snapshot.breaches.length, patrols: snapshot.patrols?.total ?? -1, changes: snapshot.changes?.total ?? -1, note: snapshot.note ? 1 : 0 },
    });
    if (!h) return 'existing' as const;
    await deps.notify.handoverOpened(tx, at, h, snapshot);
    return 'opened' as const;
  });
}

/**
 * Open tickets with their SLA state (and those nobody holds), visit orders under way, breaches and
 * patrol runs of the outgoing shift, the note, and the open changes whose window overlaps the coming
 * shift [handoverAt, shiftEnd).
 */
export async function takeSnapshot(deps: Pick<OncallDeps, 'db' | 'changes'>, r: Rotation, handoverAt: Date, shiftStart?: Date, shiftEnd?: Date): Promise<HandoverSnapshot> {
  const [tickets, unassigned, visits, breaches, patrols, note, changes] = await Promise.all([
    store.openTickets(deps.db, SNAPSHOT_LIMIT),
    store.openTickets(deps.db, SNAPSHOT_LIMIT, true),
    store.visitsUnderWay(deps.db, SNAPSHOT_LIMIT),
    shiftStart ? store.breachesBetween(deps.db, shiftStart, handoverAt, SNAPSHOT_LIMIT) : Promise.resolve([]),
    shiftStart ? store.patrolRunsBetween(deps.db, shiftStart, handoverAt, SNAPSHOT_LIMIT) : Promise.resolve(undefined),
    store.getNote(deps.db, r.name, handoverAt),
    shiftEnd ? changesInWindow(deps.changes, handoverAt, shiftEnd, { openOnly: true, limit: 200 }) : Promise.resolve(undefined),
  ]);
  return { tickets, unassigned, visits, breaches, patrols, note, shiftStart, changes: changes && { list: changes.slice(0, SNAPSHOT_LIMIT), total: changes.length } };
}

// ── acknowledgement ──────────────────────────────────────────────────────────────────────────

/** Who may acknowledge: the incoming engineer, or a supervisor on their behalf. */
function checkAcknowledge(deps: OncallDeps, h: Handover, actor: string): DomainError | undefined {
  if (h.acknowledgedAt) return new DomainError('conflict', 'oncall.ack.already', { user: h.acknowledgedBy ?? '' });
  if (actor !== h.incoming && !isSupervisor(deps, actor)) return new DomainError('refused', 'oncall.ack.not_yours', { user: h.incoming });
  return undefined;
}

/**
 * Checks **Acknowledge handover** before its dialog opens. Returns the handover and the outgoing
 * engineer's open tickets (the dialog offers to move them); refusals are audited.
 */
export async function prepareAcknowledge(deps: OncallDeps, id: number, actor: string): Promise<{ handover: Handover; outgoingTickets: number }> {
  const h = await store.getHandover(deps.db, id);
  if (!h) throw new DomainError('not_found', 'oncall.ack.not_found');
  const problem = checkAcknowledge(deps, h, actor);
  if (problem?.kind === 'refused') await auditRefusal(deps, actor, h.id);
  if (problem) throw problem;
  const outgoingTickets = h.outgoing && h.outgoing !== h.incoming ? (await store.openTicketIdsOf(deps.db, h.outgoing)).length : 0;
  return { handover: h, outgoingTickets };
}

/**
 * Acknowledges a handover: records who and when, the incoming engineer's check-in when they press
 * it themselves, and — when asked — moves the outgoing engineer's open tickets to the incoming one
 * through the tickets service (each reassignment is a ticket event and a reply in its thread).
 */
export async function acknowledgeHandover(deps: OncallDeps, id: number, actor: string, opts: { moveTickets: boolean }): Promise<{ handover: Handover; moved: string[] }> {
  const now = deps.clock.now();
  let refusal: DomainError | undefined;
  let h: Handover;
  try {
    h = await deps.db.transaction(async (tx) => {
      const row = await store.lockHandover(tx, id);
      if (!row) throw new DomainError('not_found', 'oncall.ack.not_found');
      refusal = checkAcknowledge(deps, row, actor);
      if (refusal) throw refusal;
      const patch = { acknowledgedAt: now, acknowledgedBy: actor, checkedInAt: actor === row.incoming ? now : null };
      await store.updateHandover(tx, row.id, patch);
      const updated = { ...row, ...patch };
      await deps.notify.handoverAcknowledged(tx, now, updated);
      await audit(tx, { at: now, actor, action: 'oncall.handover.ack', subject: `oncall-handover:${row.id}`, outcome: 'ok', detail: { onBehalfOf: actor === row.incoming ? undefined : row.incoming, moveTickets: opts.moveTickets } });
      return updated;
    });
  } catch (err) {
    if (refusal && err === refusal && refusal.kind === 'refused') await auditRefusal(deps, actor, id);
    throw err;
  }
  deps.queued();
  const moved: string[] = [];
  if (opts.moveTickets && h.outgoing && h.outgoing !== h.incoming) {
    for (const t of await store.openTicketIdsOf(deps.db, h.outgoing)) {
      try {
        // The handover is the supervisor-sanctioned reassignment: the tickets service records it as opsdesk's.
        await assignTicket(deps.tickets, t.id, SYSTEM_ACTOR, h.incoming);
        moved.push(t.key);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err; // closed or reassigned meanwhile
      }
    }
    await deps.db.transaction(async (tx) => {
      await store.updateHandover(tx, h.id, { ticketsMoved: moved.length });
      await deps.notify.ticketsMoved(tx, now, h, moved);
      await audit(tx, { at: now, actor, action: 'oncall.handover.move_tickets', subject: `oncall-handover:${h.id}`, outcome: 'ok', detail: { from: h.outgoing, to: h.incoming, tickets: moved } });
    });
    deps.queued();
  }
  return { handover: { ...h, ticketsMoved: opts.moveTickets ? moved.length : h.ticketsMoved }, moved };
}

function auditRefusal(deps: OncallDeps, actor: string, id: number) {
  return audit(deps.db, { at: deps.clock.now(), actor, action: 'oncall.handover.ack', subject: `oncall-handover:${id}`, outcome: 'refused' });
}

// ── not acknowledged: reminder, then escalation ──────────────────────────────────────────────

/** Handovers older than this are left alone by the watch. */
const WATCH_WINDOW_MS = 24 * 3_600_000;
const DEFAULTS = { ackReminderAfterMinutes: 15, ackEscalateAfterMinutes: 30 };

/**
 * Unacknowledged handovers: a DM to the incoming engineer after `ack_reminder_after`, a post to the
 * escalation channel mentioning the supervisors after `ack_escalate_after`. Each once: the row's
 * reminded/escalated time is set in the same transaction as the message, which has a dedupe key.
 */
export async function remindUnacknowledged(deps: OncallDeps, now: Date): Promise<{ reminded: number; escalated: number }> {
  const out = { reminded: 0, escalated: 0 };
  for (const h of await store.unacknowledgedHandovers(deps.db, new Date(now.getTime() - WATCH_WINDOW_MS))) {
    const r = deps.rotations.find((x) => x.name === h.rotation) ?? DEFAULTS;
    const since = now.getTime() - h.openedAt.getTime();
    if (!h.remindedAt && since >= r.ackReminderAfterMinutes * 60_000) {
      out.reminded += await once(deps, h.id, 'remindedAt', now, (tx, row) => deps.notify.handoverReminder(tx, now, row));
    }
    if (!h.escalatedAt && since >= r.ackEscalateAfterMinutes * 60_000) {
      out.escalated += await once(deps, h.id, 'escalatedAt', now, (tx, row) => deps.notify.handoverEscalated(tx, now, row));
    }
  }
  if (out.reminded + out.escalated > 0) deps.queued();
  return out;
}

async function once(deps: OncallDeps, id: number, column: 'remindedAt' | 'escalatedAt', now: Date, send: (tx: Db, h: Handover) => Promise<number>): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const row = await store.lockHandover(tx, id);
    if (!row || row.acknowledgedAt || row[column]) return 0;
    await store.updateHandover(tx, id, { [column]: now });
    await send(tx, row);
    return 1;
  });
}
