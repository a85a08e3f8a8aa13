// `export <audit|tickets|changes|kb|review>`: CSV to stdout (csv.ts: RFC 4180, UTF-8 with BOM, times
// with the team's offset). Table exports are one query streamed through a cursor, so a year of a busy
// team's rows never sits in memory at once; the computed ones (a month's figures) are small.
import { sql, type SQL } from 'drizzle-orm';
import { forEachPage, type Db } from '../platform/db.js';
import { maskPhone } from '../modules/customers/index.js';
import type { Config } from '../config/config.js';
import { REVIEW_CSV_HEADER, reviewCsvRows } from '../modules/reviews/index.js';
import { FAULT_CSV_HEADER, faultCsvRows } from '../modules/kb/index.js';
import { CsvWriter, toDate } from './csv.js';
import { AUDIT_CSV_HEADER, auditQuery, auditRecord, type AuditRow } from './export.audit.js';
import { ExportFlagError, monthsOf, parseExportWindow, sqlBounds, type ExportWindow } from './export-window.js';
import { DEMO_TEAM } from './seed-demo.js';

export { ExportFlagError, parseExportWindow } from './export-window.js';

export interface ExportOptions {
  /** YYYY-MM in the team's zone. */
  month?: string;
  /** [from, to): ISO dates or times, in the team's zone when they carry no offset; either may be left open. */
  from?: string;
  to?: string;
  timezone: string;
  /** For exports computed from the configuration too (review: calendars for working days). */
  config?: Pick<Config, 'timezone' | 'reports' | 'calendars'>;
  now?: Date;
  /** Rows fetched from the cursor at a time (default 500). */
  pageSize?: number;
  /** A Slack user's name where it is known, for the audit's actor_name column (default: `knownName`). */
  names?: (userId: string) => string | undefined;
}

const KNOWN_NAMES = new Map(DEMO_TEAM.map((p) => [p.id, `${p.name.en} ${p.name['zh-CN']}`]));
/**
 * The names opsdesk knows: the demo's made-up team. A real workspace's people are named by Slack,
 * which opsdesk does not ask (no users:read scope), so their actor_name stays empty.
 */
export const knownName = (userId: string): string | undefined => KNOWN_NAMES.get(userId);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each exporter reads the columns of its own query
type Row = any;
/** An export streamed from one query through a cursor. */
interface StreamedExporter {
  header: string[];
  query: (range: { from: string; to: string }, opts: ExportOptions) => SQL;
  record: (row: Row, opts: ExportOptions) => unknown[];
}
/** An export computed whole (a month's figures, the fault table), not streamed from a table. */
interface ComputedExporter {
  header: string[];
  rows: (db: Db, window: ExportWindow, opts: ExportOptions) => Promise<unknown[][]>;
}
type Exporter = StreamedExporter | ComputedExporter;

/** A closed change's outcome; an open one is 'open'. */
const CHANGE_OUTCOME: Record<string, string> = { done: 'success', rolled_back: 'rolled_back', rejected: 'rejected', cancelled: 'cancelled' };

/** A boolean column as either driver reads it in a raw query. */
const truthy = (v: unknown) => v === true || v === 't' || v === 'true';

export const EXPORTS: Record<string, Exporter> = {
  tickets: {
    // Tickets opened in the window, oldest first; phones masked.
    header: ['key', 'created_at', 'customer', 'site', 'caller', 'phone_masked', 'product', 'category', 'priority', 'title', 'state', 'assignee', 'expected_at', 'response_due_at', 'resolution_due_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'cause', 'fix', 'fault_category', 'cancel_reason'],
    query: (r) => sql`select t.*, c.name as customer_name from tickets t join customers c on c.id = t.customer_id
      where t.created_at >= ${r.from}::timestamptz and t.created_at < ${r.to}::timestamptz
      order by t.created_at, t.id`,
    record: (t) => [
      t.key, toDate(t.created_at), t.customer_name, t.site, t.caller_name, t.caller_phone ? maskPhone(t.caller_phone) : '', t.product, t.category, t.priority, t.title, t.state, t.assignee,
      toDate(t.expected_at), toDate(t.response_due_at), toDate(t.resolution_due_at), toDate(t.acknowledged_at), toDate(t.resolved_at), toDate(t.closed_at), t.cause, t.fix, t.fault_category, t.cancel_reason,
    ],
  },
  audit: {
    header: AUDIT_CSV_HEADER,
    query: (r, opts) => auditQuery(r, opts.timezone),
    record: (a: AuditRow, opts) => auditRecord(a, opts.names ?? knownName),
  },
  changes: {
    // Change requests whose window starts in the range (as the monthly review counts them), with the
    // window and the outcome: success = done; overran = change-watch escalated an overrun.
    header: ['key', 'title', 'systems', 'risk', 'emergency', 'emergency_reason', 'freeze_reason', 'state', 'outcome', 'overran', 'window_start', 'window_end', 'requester', 'implementer', 'approved_at', 'started_at', 'finished_at', 'closed_at', 'verification_checked', 'verification_outcome', 'rollback_happened', 'rollback_why', 'reject_reason', 'cancel_reason', 'ticket', 'follow_up_ticket'],
    query: (r) => sql`select c.*, t.key as ticket_key, f.key as follow_up_key,
        exists (select 1 from change_notices n where n.change_id = c.id and n.stage = 'overrun') as overran
      from changes c left join tickets t on t.id = c.ticket_id left join tickets f on f.id = c.follow_up_ticket_id
      where c.window_start >= ${r.from}::timestamptz and c.window_start < ${r.to}::timestamptz
      order by c.window_start, c.id`,
    record: (c) => [
      c.key, c.title, Array.isArray(c.systems) ? c.systems.join(', ') : c.systems, c.risk, truthy(c.emergency) ? 1 : 0, c.emergency_reason, c.freeze_reason, c.state, CHANGE_OUTCOME[c.state as string] ?? 'open', truthy(c.overran) ? 1 : 0,
      toDate(c.window_start), toDate(c.window_end), c.requester, c.implementer, toDate(c.approved_at), toDate(c.started_at), toDate(c.finished_at), toDate(c.closed_at),
      c.verification_checked, c.verification_outcome, c.rollback_happened, c.rollback_why, c.reject_reason, c.cancel_reason, c.ticket_key, c.follow_up_key,
    ],
  },
  kb: {
    // The fault table (故障处理表): tickets resolved in the window (default: the 90 days before now) by
    // product × fault category, with the most used fix.
    header: FAULT_CSV_HEADER,
    rows: (db, window, opts) => faultCsvRows(db, opts.now ?? new Date(), window.from || window.to ? window : undefined),
  },
  review: {
    // The monthly review's figures, as posted to the review channel: last month by default, or each
    // month the window touches.
    header: REVIEW_CSV_HEADER,
    async rows(db, window, opts) {
      const now = opts.now ?? new Date();
      const config = opts.config ?? { timezone: opts.timezone, reports: { daily_schedule: '' }, calendars: {} };
      if (!window.from && !window.to) return reviewCsvRows(db, config, undefined, now);
      const out: unknown[][] = [];
      for (const month of monthsOf(window, opts.timezone, now)) out.push(...(await reviewCsvRows(db, config, month, now)));
      return out;
    },
  },
};

/** Checks an export's name and flags (ExportFlagError naming the flag and the form it expects); returns its window. */
export function checkExport(name: string, opts: Pick<ExportOptions, 'month' | 'from' | 'to' | 'timezone' | 'now'>): { exporter: Exporter; window: ExportWindow } {
  const exporter = EXPORTS[name];
  if (!exporter) throw new ExportFlagError('export.unknown', { exports: Object.keys(EXPORTS).join(', ') });
  const window = parseExportWindow(opts, opts.timezone);
  if (name === 'review' && (window.from || window.to)) monthsOf(window, opts.timezone, opts.now ?? new Date());
  return { exporter, window };
}

/** Writes the named export as CSV to `out`; returns the number of records (the header aside). Bad flags throw ExportFlagError before anything is written. */
export async function exportCsv(db: Db, name: string, opts: ExportOptions, out: NodeJS.WritableStream): Promise<number> {
  const { exporter, window } = checkExport(name, opts);
  const csv = new CsvWriter(out, opts.timezone);
  if ('rows' in exporter) {
    const records = await exporter.rows(db, window, opts);
    await csv.write([exporter.header, ...records]);
    return records.length;
  }
  await csv.write([exporter.header]);
  return forEachPage<Row>(db, exporter.query(sqlBounds(window), opts), opts.pageSize ?? 500, (page) => csv.write(page.map((r) => exporter.record(r, opts))));
}
