// `export audit` and the other exports, called in-process with a writable stream: every source of the
// audit time line (monitoring's alerts too) with its subject type and human id, the order by time
// across sources, the windows (--month, --from/--to with and without an offset), RFC 4180 CSV with a
// BOM, the cursor's pages, and bad flags that write nothing.
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { exportCsv, ExportFlagError, type ExportOptions } from '../../src/cli/export.js';
import { changeEvents, changes } from '../../src/modules/changes/changes.table.js';
import { customers } from '../../src/modules/customers/index.js';
import { kbArticles, kbArticleVersions } from '../../src/modules/kb/index.js';
import { oncallHandovers, oncallNotes, oncallOverrides, oncallPages } from '../../src/modules/oncall/oncall.table.js';
import { patrolItems, patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import { slaAlerts } from '../../src/modules/tickets/tickets.sla.table.js';
import { ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { visitEvents, visitOrders, visitSlaAlerts } from '../../src/modules/visits/visits.table.js';
import { alertDeliveries, alertEpisodes } from '../../src/modules/alerts/alerts.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { forEachPage } from '../../src/platform/db.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const ZONE = 'Asia/Shanghai';
/** A Shanghai wall-clock time. */
const sh = (local: string) => new Date(`${local}+08:00`);
const NOTE = '客户说："网络断了", 请\n重启';

/** Runs an export into memory: the bytes, each chunk written, and the records parsed back. */
async function run(store: TestStore, name: string, opts: Partial<ExportOptions> = {}) {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (chunks.push(Buffer.from(chunk)), done()) });
  const count = await exportCsv(store.db, name, { timezone: ZONE, now: sh('2026-11-20T12:00'), ...opts }, sink);
  const bytes = Buffer.concat(chunks);
  const records: string[][] = parse(bytes, { bom: true, relax_column_count: false });
  return { count, bytes, chunks, header: records[0]!, rows: records.slice(1) };
}

/** Records as objects by column name. */
const objects = (header: string[], rows: string[][]) => rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));

describe(`export audit and the other exports (${storeName})`, () => {
  let store: TestStore;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    store = await openTestStore();
    const db = store.db;
    const [customer] = await db.insert(customers).values({ name: '上海示例连锁超市', createdAt: sh('2026-10-01T09:00') }).returning();
    const ticket = (key: string, created: string, extra: Partial<typeof tickets.$inferInsert> = {}) => ({
      key,
      customerId: customer!.id,
      category: 'network',
      priority: 'P3' as const,
      title: `Ticket ${key}`,
      state: 'new' as const,
      createdBy: 'U0ALICE',
      callerPhone: '13812345678',
      expectedAt: sh('2026-11-05T18:00'),
      responseDueAt: sh('2026-11-05T18:00'),
      resolutionDueAt: sh('2026-11-05T18:00'),
      createdAt: sh(created),
      updatedAt: sh(created),
      ...extra,
    });
    const [t1, t2, t3] = await db
      .insert(tickets)
      .values([ticket('OPS-2026-1', '2026-11-03T09:00', { title: '=HYPERLINK("x")' }), ticket('OPS-2026-2', '2026-10-31T23:59'), ticket('OPS-2026-3', '2026-11-01T00:00')])
      .returning();
    ids.ticket = t1!.id;
    const [order] = await db
      .insert(visitOrders)
      .values({ key: 'VO-2026-1', ticketId: t1!.id, customerId: customer!.id, address: '上海', contactName: '王', contactPhone: '13812345678', need: 'n', requestedStart: sh('2026-11-04T09:00'), requestedEnd: sh('2026-11-04T12:00'), state: 'open', createdBy: 'U0ALICE', createdAt: sh('2026-11-03T09:04'), updatedAt: sh('2026-11-03T09:04') })
      .returning();
    const [change] = await db
      .insert(changes)
      .values({ key: 'CHG-2026-1', title: 'Firmware', systems: ['core-switch'], systemKeys: ['core-switch'], description: 'd', reason: 'r', risk: 'low', impact: 'i', plan: 'p', rollbackPlan: 'rb', windowStart: sh('2026-11-10T22:00'), windowEnd: sh('2026-11-10T23:00'), requester: 'U0DORA', implementer: 'U0BOB', state: 'submitted', createdAt: sh('2026-11-03T09:06'), updatedAt: sh('2026-11-03T09:06') })
      .returning();
    const [article] = await db
      .insert(kbArticles)
      .values({ key: 'KB-1', title: 't', symptom: 's', fix: 'f', author: 'U0BOB', titleSearch: 't', searchText: 's', createdAt: sh('2026-11-03T09:07'), updatedAt: sh('2026-11-03T09:08') })
      .returning();
    const [handover] = await db
      .insert(oncallHandovers)
      .values({ rotation: 'primary', handoverAt: sh('2026-11-03T09:00'), shiftIndex: 3, shiftEnd: sh('2026-11-03T21:00'), outgoing: 'U0BOB', incoming: 'U0CAROL', openedAt: sh('2026-11-03T09:09'), checkedOutAt: sh('2026-11-03T09:09'), remindedAt: sh('2026-11-03T09:10') })
      .returning();
    const [override] = await db
      .insert(oncallOverrides)
      .values({ rotation: 'primary', shiftStart: sh('2026-11-04T09:00'), shiftEnd: sh('2026-11-04T21:00'), replacedUser: 'U0BOB', coveringUser: 'U0CAROL', requestedBy: 'U0BOB', status: 'active', createdAt: sh('2026-11-03T09:16') })
      .returning();
    await db
      .insert(oncallPages)
      .values({ ticketId: t1!.id, line: ['U0CAROL'], pagedAt: sh('2026-11-03T09:13'), status: 'taken', takenBy: 'U0CAROL', trail: [{ user: 'U0CAROL', at: sh('2026-11-03T09:13').toISOString(), outcome: 'paged' }, { user: 'U0CAROL', at: sh('2026-11-03T09:14').toISOString(), outcome: 'taken' }], createdAt: sh('2026-11-03T09:13'), updatedAt: sh('2026-11-03T09:14') });
    const [run] = await db
      .insert(patrolRuns)
      .values({ checklist: 'morning', slotAt: sh('2026-11-03T08:30'), runDate: '2026-11-03', deadlineAt: sh('2026-11-03T11:00'), escalateAt: sh('2026-11-03T11:30'), channel: 'C0PATROL', state: 'submitted', claimedBy: 'U0BOB', claimedAt: sh('2026-11-03T09:18'), submittedBy: 'U0BOB', submittedAt: sh('2026-11-03T09:20'), createdAt: sh('2026-11-03T09:17') })
      .returning();
    // Inserted newest first, so a row's id says nothing about its time.
    await db.insert(patrolItems).values({ runId: run!.id, position: 0, label: '防火墙告警', status: 'abnormal', note: 'CPU 95%', ticketId: t1!.id, recordedBy: 'U0BOB', recordedAt: sh('2026-11-03T09:20') }); // recorded with the submission
    await db.insert(auditLog).values([
      { at: sh('2026-11-03T09:24'), actor: 'U0EVE', action: 'daily.problems', subject: 'daily:2026-11-03:U0BOB', outcome: 'refused' },
      { at: sh('2026-11-03T09:23'), actor: 'U0EVE', action: 'review.post', subject: 'review:2026-10', outcome: 'refused' },
      { at: sh('2026-11-03T09:22'), actor: 'U0EVE', action: 'kb.edit', subject: `kb:${article!.id}`, outcome: 'refused', detail: { reason: 'kb.not_allowed_manage' } },
      { at: sh('2026-11-03T09:21'), actor: 'U0EVE', action: 'patrol.claim', subject: `patrol:${run!.id}`, outcome: 'refused' },
      { at: sh('2026-11-03T09:16'), actor: 'U0CAROL', action: 'oncall.cover.accept', subject: `oncall-override:${override!.id}`, outcome: 'ok' },
      { at: sh('2026-11-03T09:15'), actor: 'U0EVE', action: 'oncall.cover.request', subject: `oncall:primary:${sh('2026-11-04T09:00').toISOString()}`, outcome: 'refused' },
      { at: sh('2026-11-03T09:11'), actor: 'U0CAROL', action: 'oncall.handover.ack', subject: `oncall-handover:${handover!.id}`, outcome: 'ok' },
      { at: sh('2026-11-03T09:06'), actor: 'U0DORA', action: 'change.submit', subject: `change:${change!.id}`, outcome: 'ok' }, // in change_events already
      { at: sh('2026-11-03T09:02'), actor: 'U0EVE', action: 'ticket.assign', subject: `ticket:${t1!.id}`, outcome: 'refused' },
      { at: sh('2026-11-03T09:01'), actor: 'U0BOB', action: 'customer.phone.read', subject: `ticket:${t1!.id}`, outcome: 'ok' },
    ]);
    const [episode] = await db
      .insert(alertEpisodes)
      .values({ fingerprint: 'fp1', source: 'alertmanager', ticketId: t1!.id, alertName: 'DiskFull', labels: {}, status: 'firing', startsAt: sh('2026-11-03T09:25'), createdAt: sh('2026-11-03T09:25'), updatedAt: sh('2026-11-03T09:25') })
      .returning();
    await db.insert(alertDeliveries).values([
      { fingerprint: 'fp1', status: 'firing', startsAt: sh('2026-11-03T09:25'), source: 'alertmanager', episodeId: episode!.id, receivedAt: sh('2026-11-03T09:25') },
      { fingerprint: 'fp2', status: 'resolved', startsAt: sh('2026-11-03T09:20'), source: 'grafana', receivedAt: sh('2026-11-03T09:26') },
    ]);
    await db.insert(oncallNotes).values({ rotation: 'primary', handoverAt: sh('2026-11-03T09:00'), author: 'U0BOB', text: 'UPS 告警待跟进', createdAt: sh('2026-11-03T08:50'), updatedAt: sh('2026-11-03T09:12') });
    await db.insert(kbArticleVersions).values([
      { articleId: article!.id, version: 2, kind: 'edited', actor: 'U0BOB', at: sh('2026-11-03T09:08'), changes: [{ field: 'fix', from: 'a', to: 'b' }] },
      { articleId: article!.id, version: 1, kind: 'created', actor: 'U0BOB', at: sh('2026-11-03T09:07'), changes: [] },
    ]);
    await db.insert(changeEvents).values({ changeId: change!.id, at: sh('2026-11-03T09:06'), actor: 'U0DORA', kind: 'submitted', toState: 'submitted' });
    await db.insert(visitSlaAlerts).values({ orderId: order!.id, target: 'accept', stage: 'breach', dueAt: sh('2026-11-03T09:05'), stageAt: sh('2026-11-03T09:05'), postedAt: sh('2026-11-03T09:05') });
    await db.insert(visitEvents).values({ orderId: order!.id, at: sh('2026-11-03T09:04'), actor: 'U0ALICE', kind: 'created', toState: 'open' });
    await db.insert(slaAlerts).values({ ticketId: t1!.id, target: 'response', stage: 'warning', dueAt: sh('2026-11-03T09:30'), stageAt: sh('2026-11-03T09:03'), postedAt: sh('2026-11-03T09:03') });
    await db.insert(ticketEvents).values([
      // Same instant as the visit order's event: the tiebreak puts the ticket's source first, every time.
      { ticketId: t1!.id, at: sh('2026-11-03T09:04'), actor: 'U0BOB', kind: 'note', note: NOTE },
      { ticketId: t1!.id, at: sh('2026-11-03T09:00'), actor: 'U0ALICE', kind: 'created', toState: 'new' },
      { ticketId: t3!.id, at: sh('2026-11-01T00:00'), actor: 'U0ALICE', kind: 'created', toState: 'new' },
      { ticketId: t2!.id, at: sh('2026-10-31T23:59'), actor: 'U0ALICE', kind: 'created', toState: 'new' },
    ]);
  });
  afterAll(async () => store?.dispose());

  it('puts every kind of recorded event in one time line, with its subject type and human id', async () => {
    const { header, rows, count } = await run(store, 'audit', { month: '2026-11', names: (u) => (u === 'U0BOB' ? 'Bob 王博' : undefined) });
    expect(header).toEqual(['time', 'subject_type', 'subject', 'actor', 'actor_name', 'action', 'outcome', 'from', 'to', 'note']);
    expect(count).toBe(rows.length);
    const line = (r: Record<string, string>) => [r.time, r.subject_type, r.subject, r.actor, r.action, r.outcome].join(' | ');
    expect(objects(header, rows).map(line)).toEqual([
      '2026-11-01T00:00:00.000+08:00 | ticket | OPS-2026-3 | U0ALICE | ticket.created | ok',
      '2026-11-03T09:00:00.000+08:00 | ticket | OPS-2026-1 | U0ALICE | ticket.created | ok',
      '2026-11-03T09:01:00.000+08:00 | ticket | OPS-2026-1 | U0BOB | customer.phone.read | ok',
      '2026-11-03T09:02:00.000+08:00 | ticket | OPS-2026-1 | U0EVE | ticket.assign | refused',
      '2026-11-03T09:03:00.000+08:00 | ticket | OPS-2026-1 | opsdesk | ticket.sla.response_warning | ok',
      '2026-11-03T09:04:00.000+08:00 | ticket | OPS-2026-1 | U0BOB | ticket.note | ok',
      '2026-11-03T09:04:00.000+08:00 | visit_order | VO-2026-1 | U0ALICE | visit.created | ok',
      '2026-11-03T09:05:00.000+08:00 | visit_order | VO-2026-1 | opsdesk | visit.sla.accept_breach | ok',
      '2026-11-03T09:06:00.000+08:00 | change | CHG-2026-1 | U0DORA | change.submitted | ok',
      '2026-11-03T09:07:00.000+08:00 | kb_article | KB-1 | U0BOB | kb.created | ok',
      '2026-11-03T09:08:00.000+08:00 | kb_article | KB-1 | U0BOB | kb.edited | ok',
      '2026-11-03T09:09:00.000+08:00 | oncall_handover | primary 2026-11-03 09:00 | U0BOB | oncall.handover.opened | ok',
      '2026-11-03T09:10:00.000+08:00 | oncall_handover | primary 2026-11-03 09:00 | opsdesk | oncall.handover.reminded | ok',
      '2026-11-03T09:11:00.000+08:00 | oncall_handover | primary 2026-11-03 09:00 | U0CAROL | oncall.handover.ack | ok',
      '2026-11-03T09:12:00.000+08:00 | oncall_handover | primary 2026-11-03 09:00 | U0BOB | oncall.handover.note | ok',
      '2026-11-03T09:13:00.000+08:00 | oncall_page | OPS-2026-1 | opsdesk | oncall.page.paged | ok',
      '2026-11-03T09:14:00.000+08:00 | oncall_page | OPS-2026-1 | U0CAROL | oncall.page.taken | ok',
      '2026-11-03T09:15:00.000+08:00 | oncall_shift | primary 2026-11-04 09:00 | U0EVE | oncall.cover.request | refused',
      '2026-11-03T09:16:00.000+08:00 | oncall_shift | primary 2026-11-04 09:00 | U0CAROL | oncall.cover.accept | ok',
      '2026-11-03T09:17:00.000+08:00 | patrol_run | morning 2026-11-03 08:30 | opsdesk | patrol.posted | ok',
      '2026-11-03T09:18:00.000+08:00 | patrol_run | morning 2026-11-03 08:30 | U0BOB | patrol.claimed | ok',
      '2026-11-03T09:20:00.000+08:00 | patrol_run | morning 2026-11-03 08:30 | U0BOB | patrol.item | ok', // the items, then the submission
      '2026-11-03T09:20:00.000+08:00 | patrol_run | morning 2026-11-03 08:30 | U0BOB | patrol.submitted | ok',
      '2026-11-03T09:21:00.000+08:00 | patrol_run | morning 2026-11-03 08:30 | U0EVE | patrol.claim | refused',
      '2026-11-03T09:22:00.000+08:00 | kb_article | KB-1 | U0EVE | kb.edit | refused',
      '2026-11-03T09:23:00.000+08:00 | review | 2026-10 | U0EVE | review.post | refused',
      '2026-11-03T09:24:00.000+08:00 | daily_report | 2026-11-03 U0BOB | U0EVE | daily.problems | refused',
      '2026-11-03T09:25:00.000+08:00 | ticket | OPS-2026-1 | alertmanager | alert.firing | ok',
      '2026-11-03T09:26:00.000+08:00 | alert | fp2 | grafana | alert.resolved | ok',
    ]);
    const all = objects(header, rows);
    // The change's step once, from its own record (with its state), not again from the audit log.
    expect(all.filter((r) => r.subject === 'CHG-2026-1')).toEqual([expect.objectContaining({ to: 'submitted' })]);
    expect(all.find((r) => r.action === 'kb.edited')).toMatchObject({ from: 'v1', to: 'v2', note: 'fix' });
    expect(all.find((r) => r.action === 'patrol.item')).toMatchObject({ to: 'abnormal', note: '防火墙告警: CPU 95% → OPS-2026-1' });
    expect(all.find((r) => r.action === 'oncall.handover.opened')).toMatchObject({ from: 'U0BOB', to: 'U0CAROL' });
    expect(all.find((r) => r.action === 'kb.edit')!.note).toContain('kb.not_allowed_manage');
    expect(all.filter((r) => r.actor === 'U0BOB').every((r) => r.actor_name === 'Bob 王博')).toBe(true);
    expect(all.filter((r) => r.actor !== 'U0BOB').every((r) => r.actor_name === '')).toBe(true);
  });

  it('writes RFC 4180 CSV in UTF-8 with a BOM: commas, quotes, line breaks and Chinese survive, formulas are defused', async () => {
    const { bytes, header, rows } = await run(store, 'audit', { month: '2026-11' });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('"客户说：""网络断了"", 请\n重启"');
    expect(bytes.toString('utf8').split('\r\n').length).toBeGreaterThan(rows.length); // records end in CRLF
    expect(objects(header, rows).find((r) => r.action === 'ticket.note')!.note).toBe(NOTE);
    const tickets = await run(store, 'tickets', { month: '2026-11' });
    expect(objects(tickets.header, tickets.rows).find((r) => r.key === 'OPS-2026-1')).toMatchObject({ title: `'=HYPERLINK("x")`, phone_masked: '138****5678', created_at: '2026-11-03T09:00:00.000+08:00' });
    expect(tickets.bytes.toString('utf8')).not.toContain('13812345678');
  });

  it('takes --month and --from/--to in the team zone, an offset when given, and either end open', async () => {
    const times = async (opts: Partial<ExportOptions>) => (await run(store, 'audit', opts)).rows.map((r) => r[0]);
    // October's last minute in Shanghai is October's, though it is 31 October 15:59 in UTC.
    expect(await times({ month: '2026-10' })).toEqual(['2026-10-31T23:59:00.000+08:00']);
    const window = await times({ from: '2026-11-03T09:05', to: '2026-11-03T09:08' });
    expect(window).toEqual(['2026-11-03T09:05:00.000+08:00', '2026-11-03T09:06:00.000+08:00', '2026-11-03T09:07:00.000+08:00']);
    expect(await times({ from: '2026-11-03T01:05:00Z', to: '2026-11-03 09:08' })).toEqual(window);
    expect(await times({ from: '2026-11-03T09:25' })).toEqual(['2026-11-03T09:25:00.000+08:00', '2026-11-03T09:26:00.000+08:00']);
    expect(await times({ to: '2026-11-01' })).toEqual(['2026-10-31T23:59:00.000+08:00']);
    expect((await times({})).length).toBe(30);
    const tickets = await run(store, 'tickets', { from: '2026-11-01', to: '2026-11-02' });
    expect(tickets.rows.map((r) => r[0])).toEqual(['OPS-2026-3']);
    const changes = await run(store, 'changes', { month: '2026-11' });
    expect(objects(changes.header, changes.rows)).toEqual([expect.objectContaining({ key: 'CHG-2026-1', window_start: '2026-11-10T22:00:00.000+08:00' })]);
    expect((await run(store, 'changes', { month: '2026-12' })).rows).toEqual([]);
    const review = await run(store, 'review', { from: '2026-10-15', to: '2026-12-01' });
    expect([...new Set(review.rows.map((r) => r[0]))]).toEqual(['2026-10', '2026-11']);
    expect((await run(store, 'kb', { month: '2026-11' })).header).toEqual(['product', 'fault_category', 'resolved', 'top_fix', 'top_fix_count', 'article']);
  });

  it('streams through a cursor in pages: no page holds more rows than the page size', async () => {
    const { chunks, rows } = await run(store, 'audit', { month: '2026-11', pageSize: 4 });
    // The header, then one chunk per page of at most 4 records.
    expect(chunks).toHaveLength(1 + Math.ceil(rows.length / 4));
    for (const chunk of chunks.slice(1)) expect(parse(chunk).length).toBeLessThanOrEqual(4);
    const pages: number[] = [];
    const total = await forEachPage<{ n: number }>(store.db, sql`select n from generate_series(1, 10) n order by n`, 3, (page) => void pages.push(page.length));
    expect([total, pages]).toEqual([10, [3, 3, 3, 1]]);
  });

  it('names the people it knows (the demo team) in actor_name, and leaves the others empty', async () => {
    await store.db.insert(auditLog).values([
      { at: sh('2026-12-01T10:00'), actor: 'U0DEMOENG1', action: 'customer.phone.read', subject: `ticket:${ids.ticket}`, outcome: 'ok' },
      { at: sh('2026-12-01T10:01'), actor: 'U0SOMEONE', action: 'customer.phone.read', subject: `ticket:${ids.ticket}`, outcome: 'ok' },
    ]);
    const { rows } = await run(store, 'audit', { month: '2026-12' });
    expect(rows.map((r) => [r[3], r[4]])).toEqual([['U0DEMOENG1', 'Li Wei 李伟'], ['U0SOMEONE', '']]);
  });

  it('refuses bad flags with a sentence naming the flag and its form, and writes nothing', async () => {
    const cases: [string, Partial<ExportOptions>, RegExp][] = [
      ['audit', { month: '2026-13' }, /^--month expects YYYY-MM, a month such as 2026-11; got "2026-13"/],
      ['audit', { from: 'yesterday' }, /^--from expects an ISO date or time, .* \(read in Asia\/Shanghai\) .*; got "yesterday"/],
      ['tickets', { to: '2026-11-31' }, /^--to expects an ISO date or time/],
      ['audit', { from: '2026-11-03T25:00' }, /^--from expects/],
      ['changes', { from: '2026-11-05', to: '2026-11-01' }, /^--to \(2026-11-01\) must be after --from \(2026-11-05\)/],
      ['audit', { month: '2026-11', from: '2026-11-01' }, /^Give either --month YYYY-MM or --from\/--to, not both/],
      ['review', { to: '2026-11-01' }, /^export review takes whole months/],
      ['everything', {}, /^export expects one of: tickets, audit, changes, kb, review/],
    ];
    for (const [name, opts, message] of cases) {
      const written: unknown[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (written.push(chunk), done()) });
      const err = await exportCsv(store.db, name, { timezone: ZONE, ...opts }, sink).catch((e: unknown) => e);
      expect(err, `${name} ${JSON.stringify(opts)}`).toBeInstanceOf(ExportFlagError);
      expect((err as Error).message).toMatch(message);
      expect(written).toEqual([]);
    }
  });
});
