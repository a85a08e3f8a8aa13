// A hand-computed fixture: tickets, an extension, patrol runs and visit orders around September and
// October 2026 (October has the National Day holidays, 1–7 October, and a make-up Saturday on the 10th).
import { parseConfig, type Config } from '../../src/config/config.js';
import { customers } from '../../src/modules/customers/customers.table.js';
import { patrolItems, patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import { slaExtensions } from '../../src/modules/tickets/tickets.sla.table.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { visitOrders } from '../../src/modules/visits/visits.table.js';
import type { Db } from '../../src/platform/db.js';

/** Shanghai local time → Date. */
export const sh = (local: string) => new Date(`${local}+08:00`);

export const reviewCalendarYaml = `
calendars:
  business:
    days: [mon, tue, wed, thu, fri]
    hours: "09:00-18:00"
    holidays: ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"]
    workdays: ["2026-10-10"]
`;

export const fixtureConfig = (): Config =>
  parseConfig(`timezone: Asia/Shanghai\n${reviewCalendarYaml}`, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });

interface T {
  key: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  category: string;
  fault?: string;
  state: string;
  created: string;
  ack?: string;
  res?: string;
  rdue: string;
  sdue: string;
  updated?: string;
  cause?: string;
  assignee?: string;
}

/**
 * A: opened 30 Sep 23:30, response due 23:45, acknowledged 1 Oct 00:10 (a September response breach),
 *    resolved 1 Oct 09:00 within its due 1 Oct 23:30 — crosses the month boundary.
 * B: 5 Oct (a holiday), P1, both targets met. C: 12 Oct, P2, both breached (3 h late, cause recorded).
 * D: opened 31 Oct 22:00, due after the month: still open, no outcome in October.
 * E: cancelled before its targets. F: opened in August, still open (its breach belongs to August).
 * G: extended after its resolution breach (consented, plan "replace disk"), then resolved.
 * H: September, both met.
 */
export const FIXTURE: T[] = [
  { key: 'OPS-A', priority: 'P3', category: 'network', fault: 'network', state: 'resolved', created: '2026-09-30T23:30', ack: '2026-10-01T00:10', res: '2026-10-01T09:00', rdue: '2026-09-30T23:45', sdue: '2026-10-01T23:30' },
  { key: 'OPS-B', priority: 'P1', category: 'network', fault: 'network', state: 'resolved', created: '2026-10-05T10:00', ack: '2026-10-05T10:05', res: '2026-10-05T13:00', rdue: '2026-10-05T10:15', sdue: '2026-10-05T14:00' },
  { key: 'OPS-C', priority: 'P2', category: 'pos', fault: 'network', state: 'closed', created: '2026-10-12T09:00', ack: '2026-10-12T10:00', res: '2026-10-12T20:00', rdue: '2026-10-12T09:30', sdue: '2026-10-12T17:00', cause: 'switch failure', updated: '2026-10-15T09:00' },
  { key: 'OPS-D', priority: 'P3', category: 'software', state: 'new', created: '2026-10-31T22:00', rdue: '2026-11-01T00:00', sdue: '2026-11-01T22:00' },
  { key: 'OPS-E', priority: 'P3', category: 'network', state: 'cancelled', created: '2026-10-20T10:00', rdue: '2026-10-20T12:00', sdue: '2026-10-21T10:00', updated: '2026-10-20T11:00' },
  { key: 'OPS-F', priority: 'P4', category: 'other', state: 'in_progress', created: '2026-08-20T10:00', ack: '2026-08-20T10:30', rdue: '2026-08-20T14:00', sdue: '2026-08-21T10:00', assignee: 'U0BOB', updated: '2026-08-20T10:30' },
  { key: 'OPS-G', priority: 'P3', category: 'hardware', fault: 'hardware', state: 'resolved', created: '2026-10-15T10:00', ack: '2026-10-15T10:30', res: '2026-10-17T10:00', rdue: '2026-10-15T12:00', sdue: '2026-10-18T10:00' },
  { key: 'OPS-H', priority: 'P3', category: 'network', fault: 'network', state: 'resolved', created: '2026-09-10T10:00', ack: '2026-09-10T10:20', res: '2026-09-10T15:00', rdue: '2026-09-10T12:00', sdue: '2026-09-11T10:00' },
];

export async function loadFixture(db: Db): Promise<Record<string, number>> {
  const [customer] = await db.insert(customers).values({ name: 'Fixture customer', createdAt: sh('2026-08-01T00:00') }).returning();
  const ids: Record<string, number> = {};
  for (const t of FIXTURE) {
    const [row] = await db
      .insert(tickets)
      .values({
        key: t.key,
        customerId: customer!.id,
        category: t.category,
        faultCategory: t.fault ?? null,
        priority: t.priority,
        title: `Ticket ${t.key}`,
        state: t.state as never,
        assignee: t.assignee ?? null,
        createdBy: 'U0ALICE',
        responseDueAt: sh(t.rdue),
        resolutionDueAt: sh(t.sdue),
        expectedAt: sh(t.sdue),
        acknowledgedAt: t.ack ? sh(t.ack) : null,
        resolvedAt: t.res ? sh(t.res) : null,
        cause: t.cause ?? null,
        createdAt: sh(t.created),
        updatedAt: sh(t.updated ?? t.res ?? t.created),
      })
      .returning({ id: tickets.id });
    ids[t.key] = row!.id;
  }
  // G breached its resolution target (16 Oct 10:00) and was then extended with consent to 18 Oct.
  await db.insert(slaExtensions).values({
    ticketId: ids['OPS-G']!,
    plan: 'replace disk',
    previousDueAt: sh('2026-10-16T10:00'),
    committedAt: sh('2026-10-18T10:00'),
    consentedBy: 'Mr Wang',
    consentMethod: 'phone',
    consentedAt: sh('2026-10-16T11:00'),
    breachedBefore: true,
    recordedBy: 'U0BOB',
    recordedAt: sh('2026-10-16T11:05'),
  });
  // Patrols: October 3 runs (on time with 1 abnormal item, late, never submitted); September 1 on time.
  const run = async (slot: string, deadline: string, submitted: string | null, abnormal: number) => {
    const [r] = await db
      .insert(patrolRuns)
      .values({ checklist: 'morning', slotAt: sh(slot), runDate: slot.slice(0, 10), deadlineAt: sh(deadline), escalateAt: sh(deadline), channel: 'C0PATROL', state: submitted ? 'submitted' : 'open', submittedAt: submitted ? sh(submitted) : null, createdAt: sh(slot) })
      .returning();
    await db.insert(patrolItems).values([0, 1, 2].map((i) => ({ runId: r!.id, position: i + 1, label: `item ${i + 1}`, status: (i < abnormal ? 'abnormal' : submitted ? 'ok' : 'pending') as never })));
  };
  await run('2026-09-15T08:30', '2026-09-15T11:00', '2026-09-15T10:00', 0);
  await run('2026-10-08T08:30', '2026-10-08T11:00', '2026-10-08T10:30', 1);
  await run('2026-10-09T08:30', '2026-10-09T11:00', '2026-10-09T12:00', 0);
  await run('2026-10-31T08:30', '2026-10-31T11:00', null, 0);
  // Visit orders in October: one arriving 5 minutes early (on time, in the target) with a notice in
  // time and rated 5; one no-contact with one of two notices late. September: one 20 minutes late.
  // Written without the punctuality column, so the review judges them from the timestamps.
  const visit = (key: string, v: Partial<typeof visitOrders.$inferInsert>) =>
    db.insert(visitOrders).values({
      key,
      ticketId: ids['OPS-C']!,
      customerId: customer!.id,
      address: 'Store 12',
      contactName: 'Li',
      contactPhone: '13812345678',
      need: 'switch',
      requestedStart: sh('2026-10-13T10:00'),
      requestedEnd: sh('2026-10-13T12:00'),
      state: 'archived',
      createdBy: 'U0BOB',
      createdAt: sh('2026-10-12T12:00'),
      updatedAt: sh('2026-10-13T12:00'),
      ...v,
    });
  await visit('VO-1', { windowStart: sh('2026-10-13T10:00'), windowEnd: sh('2026-10-13T12:00'), arrivedAt: sh('2026-10-13T09:55'), arrivalOffsetMinutes: -5, lateNotices: 1, lateNoticesFlagged: 0, confirmedAt: sh('2026-10-13T11:00'), rating: 5 });
  await visit('VO-2', { state: 'no_contact', createdAt: sh('2026-10-20T09:00'), leftNoteAt: sh('2026-10-21T10:00'), lateNotices: 2, lateNoticesFlagged: 1 });
  await visit('VO-3', { createdAt: sh('2026-09-20T09:00'), windowStart: sh('2026-09-21T10:00'), windowEnd: sh('2026-09-21T12:00'), arrivedAt: sh('2026-09-21T10:20'), arrivalOffsetMinutes: 20, confirmedAt: sh('2026-09-21T12:00'), rating: 3 });
  return ids;
}
