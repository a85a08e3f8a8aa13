// `export audit`: every recorded event of every module in one time line, as one query streamed
// through a cursor. Each source keeps its own record (the modules' event tables, the columns the
// on-call and patrol steps stamp, the page trail, the audit log of refusals and reads of full
// customer data); this query only reads them side by side.
import { sql, type SQL } from 'drizzle-orm';
import { toDate } from './csv.js';

export const AUDIT_CSV_HEADER = ['time', 'subject_type', 'subject', 'actor', 'actor_name', 'action', 'outcome', 'from', 'to', 'note'];

/** One row of the audit query, as either driver reads it. */
export interface AuditRow {
  at: unknown;
  subject_type: string;
  subject: string | null;
  actor: string;
  action: string;
  outcome: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
}

/**
 * The audit time line in [from, to), ordered by time, then by source and the row's id within it
 * (a stable order for events of the same instant). `zone` formats the human ids that carry a time
 * (a shift, a handover, a patrol run), as users see them.
 */
export function auditQuery(range: { from: string; to: string }, zone: string): SQL {
  const local = (col: SQL) => sql`to_char(${col} at time zone ${zone}, 'YYYY-MM-DD HH24:MI')`;
  const runId = sql`r.checklist || ' ' || ${local(sql`r.slot_at`)}`;
  const handoverId = sql`h.rotation || ' ' || ${local(sql`h.handover_at`)}`;
  return sql`select x.at, x.subject_type, x.subject, x.actor, x.action, x.outcome, x.from_state, x.to_state, x.note from (
    select e.at, 1 as src, e.id::bigint as id, 'ticket' as subject_type, t.key as subject, e.actor, 'ticket.' || e.kind as action, 'ok' as outcome, e.from_state, e.to_state, e.note
      from ticket_events e join tickets t on t.id = e.ticket_id
    union all
    select s.stage_at, 2, s.id::bigint, 'ticket', t.key, 'opsdesk', 'ticket.sla.' || s.target || '_' || s.stage, 'ok', null, null, 'due ' || ${local(sql`s.due_at`)}
      from sla_alerts s join tickets t on t.id = s.ticket_id
    union all
    select e.at, 3, e.id::bigint, 'visit_order', v.key, e.actor, 'visit.' || e.kind, 'ok', e.from_state, e.to_state, e.note
      from visit_events e join visit_orders v on v.id = e.order_id
    union all
    select s.stage_at, 4, s.id::bigint, 'visit_order', v.key, 'opsdesk', 'visit.sla.' || s.target || '_' || s.stage, 'ok', null, null, 'due ' || ${local(sql`s.due_at`)}
      from visit_sla_alerts s join visit_orders v on v.id = s.order_id
    union all
    select e.at, 5, e.id::bigint, 'change', c.key, e.actor, 'change.' || e.kind, 'ok', e.from_state, e.to_state, e.note
      from change_events e join changes c on c.id = e.change_id
    union all
    select kv.at, 6, kv.id::bigint, 'kb_article', k.key, kv.actor, 'kb.' || kv.kind, 'ok',
        case when kv.version > 1 then 'v' || (kv.version - 1) end, 'v' || kv.version,
        (select string_agg(f.value ->> 'field', ', ') from jsonb_array_elements(kv.changes) f)
      from kb_article_versions kv join kb_articles k on k.id = kv.article_id
    union all
    -- A handover opens at the shift change (the outgoing engineer checks out then); reminders and
    -- escalations are stamped once each. The acknowledgement and check-in are in the audit log.
    select hx.at, 7, h.id::bigint * 4 + hx.n, 'oncall_handover', ${handoverId}, hx.actor, 'oncall.handover.' || hx.kind, 'ok', hx.from_state, hx.to_state, null
      from oncall_handovers h cross join lateral (values
        (h.opened_at, 'opened', coalesce(h.outgoing, 'opsdesk'), h.outgoing, h.incoming, 0),
        (h.reminded_at, 'reminded', 'opsdesk', null, h.incoming, 1),
        (h.escalated_at, 'escalated', 'opsdesk', null, h.incoming, 2)
      ) as hx(at, kind, actor, from_state, to_state, n)
      where hx.at is not null
    union all
    select n.updated_at, 8, n.id::bigint, 'oncall_handover', n.rotation || ' ' || ${local(sql`n.handover_at`)}, n.author, 'oncall.handover.note', 'ok', null, null, n.text
      from oncall_notes n
    union all
    select (pe.entry ->> 'at')::timestamptz, 9, p.id::bigint * 100000 + pe.n, 'oncall_page', t.key,
        case when pe.entry ->> 'outcome' in ('declined', 'taken') then pe.entry ->> 'user' else 'opsdesk' end,
        'oncall.page.' || (pe.entry ->> 'outcome'), 'ok', null, pe.entry ->> 'user', null
      from oncall_pages p join tickets t on t.id = p.ticket_id cross join lateral jsonb_array_elements(p.trail) with ordinality as pe(entry, n)
    union all
    -- (Items before their run's steps: a submission records its items at the same instant.)
    select rx.at, 11, r.id::bigint * 8 + rx.n, 'patrol_run', ${runId}, rx.actor, 'patrol.' || rx.kind, 'ok', null, rx.to_state, rx.note
      from patrol_runs r cross join lateral (values
        (r.created_at, 'posted', 'opsdesk', 'open', null, 0),
        (r.claimed_at, 'claimed', r.claimed_by, 'claimed', null, 1),
        (r.submitted_at, 'submitted', r.submitted_by, 'submitted', r.note, 2),
        (r.reminded_at, 'reminded', 'opsdesk', null, null, 3),
        (r.escalated_at, 'escalated', 'opsdesk', null, null, 4)
      ) as rx(at, kind, actor, to_state, note, n)
      where rx.at is not null
    union all
    select i.recorded_at, 10, i.id::bigint, 'patrol_run', ${runId}, coalesce(i.recorded_by, r.submitted_by, 'opsdesk'), 'patrol.item', 'ok', null, i.status,
        i.label || coalesce(': ' || nullif(i.note, ''), '') || coalesce(' → ' || it.key, '')
      from patrol_items i join patrol_runs r on r.id = i.run_id left join tickets it on it.id = i.ticket_id
      where i.recorded_at is not null
    union all
    -- What monitoring reported (each distinct firing or recovery), under the ticket its alert opened.
    select d.received_at, 12, d.id::bigint, case when tk.key is null then 'alert' else 'ticket' end, coalesce(tk.key, d.fingerprint), d.source, 'alert.' || d.status, 'ok', null, null, ae.alert_name
      from alert_deliveries d left join alert_episodes ae on ae.id = d.episode_id left join tickets tk on tk.id = ae.ticket_id
    union all
    -- The audit log: refusals, reads of full customer data, on-call cover and acknowledgements. A
    -- change's accepted steps are in change_events already (with their states), so not twice.
    select a.at, 13, a.id::bigint,
        case a.kind when 'visit' then 'visit_order' when 'kb' then 'kb_article' when 'patrol' then 'patrol_run'
          when 'oncall' then 'oncall_shift' when 'oncall-override' then 'oncall_shift' when 'oncall-handover' then 'oncall_handover'
          when 'oncall-page' then 'oncall_page' when 'daily' then 'daily_report' else a.kind end,
        coalesce(t.key, v.key, c.key, k.key, ${runId}, o.rotation || ' ' || ${local(sql`o.shift_start`)}, ${handoverId}, pt.key,
          case when a.kind = 'oncall' and a.rest ~ ':\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z$'
            then substring(a.rest from '^(.*):\\d{4}-\\d{2}-\\d{2}T') || ' ' || ${local(sql`substring(a.rest from '(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)$')::timestamptz`)} end,
          nullif(replace(a.rest, ':', ' '), '')),
        a.actor, a.action, a.outcome, null, null, a.detail::text
      from (
        select l.*, split_part(l.subject, ':', 1) as kind, substr(l.subject, length(split_part(l.subject, ':', 1)) + 2) as rest,
          case when l.subject ~ '^[a-z-]+:\\d{1,18}$' then split_part(l.subject, ':', 2)::bigint end as ref
        from audit_log l
      ) a
      left join tickets t on a.kind = 'ticket' and t.id = a.ref
      left join visit_orders v on a.kind = 'visit' and v.id = a.ref
      left join changes c on a.kind = 'change' and c.id = a.ref
      left join kb_articles k on a.kind = 'kb' and k.id = a.ref
      left join patrol_runs r on a.kind = 'patrol' and r.id = a.ref
      left join oncall_overrides o on a.kind = 'oncall-override' and o.id = a.ref
      left join oncall_handovers h on a.kind = 'oncall-handover' and h.id = a.ref
      left join oncall_pages pg on a.kind = 'oncall-page' and pg.id = a.ref
      left join tickets pt on pt.id = pg.ticket_id
      where not (a.action like 'change.%' and a.outcome = 'ok')
  ) x
  where x.at >= ${range.from}::timestamptz and x.at < ${range.to}::timestamptz
  order by x.at, x.src, x.id`;
}

/** One CSV record of an audit row; `names` gives a Slack user's name where it is known. */
export function auditRecord(r: AuditRow, names?: (userId: string) => string | undefined): unknown[] {
  return [toDate(r.at), r.subject_type, r.subject ?? '', r.actor, names?.(r.actor) ?? '', r.action, r.outcome, r.from_state ?? '', r.to_state ?? '', r.note ?? ''];
}
