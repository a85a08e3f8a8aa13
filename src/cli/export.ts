// `export <audit|tickets|changes|kb|review>`: CSV to stdout, streamed in pages so a year of tickets fits in memory.
import { DateTime } from 'luxon';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../platform/db.js';
import { maskPhone } from '../modules/customers/index.js';
import type { Config } from '../config/config.js';
import { REVIEW_CSV_HEADER, reviewCsvRows } from '../modules/reviews/index.js';
import { FAULT_CSV_HEADER, faultCsvRows } from '../modules/kb/index.js';

export interface ExportOptions {
  month?: string;
  /** Instead of a month: [from, to) as ISO times (audit, tickets, changes). */
  from?: string;
  to?: string;
  timezone: string;
  /** For exports computed from the configuration too (review: calendars for working days). */
  config?: Pick<Config, 'timezone' | 'reports' | 'calendars'>;
  now?: Date;
}

/** One CSV cell: quoted when needed, and a leading = + - @ defused so spreadsheets do not run it. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number is never a formula: "-4" stays a number a spreadsheet can sum.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Timestamps as ISO 8601 UTC whichever driver read them (a Date, or Postgres' text form). */
function iso(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)$/.test(value)) {
    const normal = value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
    const d = new Date(normal);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
  }
  return value;
}

/** [--from, --to), the month's bounds in the team's zone, or all time. */
function monthRange(opts: ExportOptions): { from: string; to: string } {
  if (opts.from || opts.to) return { from: opts.from ? new Date(opts.from).toISOString() : '-infinity', to: opts.to ? new Date(opts.to).toISOString() : 'infinity' };
  if (!opts.month) return { from: '-infinity', to: 'infinity' };
  const start = DateTime.fromISO(`${opts.month}-01`, { zone: opts.timezone });
  return { from: start.toUTC().toISO()!, to: start.plus({ months: 1 }).toUTC().toISO()! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each exporter reads the columns of its own query
type PagedExporter = { header: string[]; query: (range: { from: string; to: string }, afterId: number) => SQL; row: (r: any) => unknown[] };
/** An export computed whole (a month's figures), not paged through a table. */
type ComputedExporter = { header: string[]; rows: (db: Db, opts: ExportOptions) => Promise<unknown[][]> };
type Exporter = PagedExporter | ComputedExporter;

/** A closed change's outcome; an open one is 'open'. */
const CHANGE_OUTCOME: Record<string, string> = { done: 'success', rolled_back: 'rolled_back', rejected: 'rejected', cancelled: 'cancelled' };

/** A boolean column as either driver reads it in a raw query. */
const truthy = (v: unknown) => v === true || v === 't' || v === 'true';

export const EXPORTS: Record<string, Exporter> = {
  tickets: {
    header: ['key', 'created_at', 'customer', 'site', 'caller', 'phone_masked', 'product', 'category', 'priority', 'title', 'state', 'assignee', 'expected_at', 'response_due_at', 'resolution_due_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'cause', 'fix', 'fault_category', 'cancel_reason'],
    query: (r, afterId) => sql`select t.*, c.name as customer_name from tickets t join customers c on c.id = t.customer_id
      where t.created_at >= ${r.from}::timestamptz and t.created_at < ${r.to}::timestamptz and t.id > ${afterId}
      order by t.id limit 1000`,
    row: (t) => [t.key, t.created_at, t.customer_name, t.site, t.caller_name, t.caller_phone ? maskPhone(t.caller_phone) : '', t.product, t.category, t.priority, t.title, t.state, t.assignee, t.expected_at, t.response_due_at, t.resolution_due_at, t.acknowledged_at, t.resolved_at, t.closed_at, t.cause, t.fix, t.fault_category, t.cancel_reason],
  },
  audit: {
    // Ticket events and the audit log (refusals, reads of full customer data) in one time line.
    header: ['at', 'actor', 'action', 'subject', 'outcome', 'from_state', 'to_state', 'note'],
    query: (r, afterId) => sql`select * from (
        select e.at, e.actor, 'ticket.' || e.kind as action, t.key as subject, 'ok' as outcome, e.from_state, e.to_state, e.note, e.id * 2 as seq
          from ticket_events e join tickets t on t.id = e.ticket_id
        union all
        select a.at, a.actor, a.action, a.subject, a.outcome, null, null, null, a.id * 2 + 1 as seq from audit_log a
      ) x where x.at >= ${r.from}::timestamptz and x.at < ${r.to}::timestamptz and x.seq > ${afterId}
      order by x.seq limit 1000`,
    row: (a) => [a.at, a.actor, a.action, a.subject, a.outcome, a.from_state, a.to_state, a.note],
  },
  changes: {
    // Change requests whose window starts in the range (as the monthly review counts them), with the
    // window and the outcome: success = done; overran = change-watch escalated an overrun.
    header: ['key', 'title', 'systems', 'risk', 'emergency', 'emergency_reason', 'freeze_reason', 'state', 'outcome', 'overran', 'window_start', 'window_end', 'requester', 'implementer', 'approved_at', 'started_at', 'finished_at', 'closed_at', 'verification_checked', 'verification_outcome', 'rollback_happened', 'rollback_why', 'reject_reason', 'cancel_reason', 'ticket', 'follow_up_ticket'],
    query: (r, afterId) => sql`select c.*, t.key as ticket_key, f.key as follow_up_key,
        exists (select 1 from change_notices n where n.change_id = c.id and n.stage = 'overrun') as overran
      from changes c left join tickets t on t.id = c.ticket_id left join tickets f on f.id = c.follow_up_ticket_id
      where c.window_start >= ${r.from}::timestamptz and c.window_start < ${r.to}::timestamptz and c.id > ${afterId}
      order by c.id limit 1000`,
    row: (c) => [
      c.key, c.title, Array.isArray(c.systems) ? c.systems.join(', ') : c.systems, c.risk, truthy(c.emergency) ? 1 : 0, c.emergency_reason, c.freeze_reason, c.state, CHANGE_OUTCOME[c.state as string] ?? 'open', truthy(c.overran) ? 1 : 0,
      c.window_start, c.window_end, c.requester, c.implementer, c.approved_at, c.started_at, c.finished_at, c.closed_at,
      c.verification_checked, c.verification_outcome, c.rollback_happened, c.rollback_why, c.reject_reason, c.cancel_reason, c.ticket_key, c.follow_up_key,
    ],
  },
  kb: {
    // The fault table (故障处理表): resolved tickets of the 90 days before now by product × fault category, with the most used fix.
    header: FAULT_CSV_HEADER,
    rows: (db, opts) => faultCsvRows(db, opts.now ?? new Date()),
  },
  review: {
    // The monthly review's figures (last month without --month), as posted to the review channel.
    header: REVIEW_CSV_HEADER,
    rows: (db, opts) =>
      reviewCsvRows(db, opts.config ?? { timezone: opts.timezone, reports: { daily_schedule: '' }, calendars: {} }, opts.month, opts.now ?? new Date()),
  },
};

/** The exports that take --from/--to (paged through a table); the others are computed for a month or now. */
export const RANGED_EXPORTS = Object.keys(EXPORTS).filter((name) => 'query' in EXPORTS[name]!);

/** Writes the named export as CSV. */
export async function exportCsv(db: Db, name: string, opts: ExportOptions, out: NodeJS.WritableStream): Promise<number> {
  const exporter = EXPORTS[name]!;
  out.write(csvLine(exporter.header));
  if ('rows' in exporter) {
    const all = await exporter.rows(db, opts);
    for (const r of all) out.write(csvLine(r));
    return all.length;
  }
  const range = monthRange(opts);
  let after = 0;
  let written = 0;
  for (;;) {
    const page = await rows<{ id?: number; seq?: number }>(db, exporter.query(range, after));
    for (const r of page) out.write(csvLine(exporter.row(r).map(iso)));
    written += page.length;
    if (page.length < 1000) return written;
    after = Number(page.at(-1)!.id ?? page.at(-1)!.seq);
  }
}
