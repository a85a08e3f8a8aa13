// Seeds a year of operations in SQL with generate_series: seconds, not minutes, for a million tickets.
import type { Sql } from 'postgres';

/** The year the bench covers: 1 November 2025 to 1 November 2026, Shanghai time. */
export const YEAR_START = '2025-11-01T00:00:00+08:00';
export const YEAR_END = '2026-11-01T00:00:00+08:00';

export async function seed(sql: Sql, tickets: number): Promise<Record<string, number>> {
  await sql`insert into customers (name, created_at) select 'Bench customer ' || g, ${YEAR_START}::timestamptz from generate_series(1, 1000) g`;
  // Tickets spread evenly over the year, with priorities, categories, acknowledgement and resolution
  // times from a cheap hash of the row number; 3 % still open, 1 % cancelled, the rest resolved/closed.
  await sql`
    insert into tickets (key, customer_id, category, priority, title, state, assignee, created_by, response_due_at, resolution_due_at,
                         sla_calendar, response_target_minutes, resolution_target_minutes,
                         acknowledged_at, resolved_at, closed_at, fault_category, cause, created_at, updated_at, expected_at)
    select 'OPS-B-' || g, 1 + g % 1000, cat, pri, 'Bench ticket ' || g, st, 'U0ENG' || (g % 40),
           'U0ENG' || ((g * 7) % 40), created + resp_t * interval '1 minute', created + res_t * interval '1 minute',
           '24x7', resp_t, res_t,
           case when st <> 'cancelled' then created + ack_m * interval '1 minute' end,
           case when st in ('resolved', 'closed') then created + fix_m * interval '1 minute' end,
           case when st = 'closed' then created + (fix_m + 4320) * interval '1 minute' end,
           case when st in ('resolved', 'closed') then cat end,
           case when st in ('resolved', 'closed') then 'bench cause' end,
           created, created + (fix_m + 1) * interval '1 minute', created + res_t * interval '1 minute'
    from (
      select g,
             ${YEAR_START}::timestamptz + (g::float8 / ${tickets}) * (${YEAR_END}::timestamptz - ${YEAR_START}::timestamptz) as created,
             (array['network','hardware','software','account','printer','pos','security','other'])[1 + (g * 13) % 8] as cat,
             (array['P1','P2','P3','P3','P3','P4'])[1 + (g * 7) % 6] as pri,
             case when g % 100 = 0 then 'cancelled' when g % 33 = 0 then 'in_progress' when g % 3 = 0 then 'resolved' else 'closed' end as st,
             (array[15, 30, 120, 120, 120, 240])[1 + (g * 7) % 6] as resp_t,
             (array[240, 480, 1440, 1440, 1440, 1440])[1 + (g * 7) % 6] as res_t,
             1 + (g * 37) % 180 as ack_m,
             30 + (g * 101) % 1800 as fix_m
      from generate_series(1, ${tickets}) g
    ) s`;
  // Three events per ticket: created, take, and resolve (or cancel).
  await sql`
    insert into ticket_events (ticket_id, at, actor, kind, from_state, to_state)
    select id, created_at, created_by, 'created', null, 'new' from tickets
    union all
    select id, acknowledged_at, assignee, 'take', 'new', 'acknowledged' from tickets where acknowledged_at is not null
    union all
    select id, coalesce(resolved_at, updated_at), assignee, case when state = 'cancelled' then 'cancel' else 'resolve' end,
           'in_progress', case when state = 'cancelled' then 'cancelled' else 'resolved' end
      from tickets where state <> 'in_progress'`;
  // 1 % of tickets extended with consent, a third of them after a breach.
  await sql`
    insert into sla_extensions (ticket_id, plan, previous_due_at, committed_at, consented_by, consent_method, consented_at, breached_before, recorded_by, recorded_at)
    select id, 'bench plan', resolution_due_at, resolution_due_at + interval '1 day', 'customer', 'phone', resolution_due_at, id % 3 = 0, assignee, resolution_due_at
    from tickets where id % 100 = 7`;
  // Two patrols a day with four items each; one run in ten late, one item in fifty abnormal.
  await sql`
    with runs as (
      insert into patrol_runs (checklist, slot_at, run_date, deadline_at, escalate_at, channel, state, claimed_by, submitted_by, submitted_at, created_at)
      select c, slot, to_char(slot at time zone 'Asia/Shanghai', 'YYYY-MM-DD'), slot + interval '150 minutes', slot + interval '210 minutes', 'C0PATROL',
             'submitted', 'U0ENG1', 'U0ENG1', slot + case when d % 10 = 0 then interval '200 minutes' else interval '60 minutes' end, slot
      from generate_series(0, 364) d, (values ('morning', interval '30 minutes'), ('evening', interval '12 hours')) v(c, o),
           lateral (select ${YEAR_START}::timestamptz + d * interval '1 day' + interval '8 hours' + o as slot) s
      returning id)
    insert into patrol_items (run_id, position, label, status)
    select id, p, 'item ' || p, case when (id * 4 + p) % 50 = 0 then 'abnormal' else 'ok' end from runs, generate_series(1, 4) p`;
  // Visit orders: one ticket in fifty.
  await sql`
    insert into visit_orders (key, ticket_id, customer_id, address, contact_name, contact_phone, need, requested_start, requested_end,
                              window_start, window_end, state, engineer, created_by, arrived_at, arrival_offset_minutes, late_notices,
                              late_notices_flagged, completed_at, confirmed_at, rating, created_at, updated_at)
    select 'VO-B-' || id, id, customer_id, 'address', 'contact', '13800000000', 'need', created_at + interval '1 day', created_at + interval '26 hours',
           created_at + interval '1 day', created_at + interval '26 hours', 'archived', assignee, assignee,
           created_at + interval '1 day' + ((id % 30) - 10) * interval '1 minute', (id % 30) - 10, id % 3, case when id % 9 = 0 then 1 else 0 end,
           created_at + interval '25 hours', created_at + interval '27 hours', 1 + id % 5, created_at, created_at + interval '27 hours'
    from tickets where id % 50 = 3`;
  await sql`analyze`;
  const [row] = await sql<{ t: number; e: number; x: number; r: number; v: number }[]>`
    select (select count(*) from tickets)::int as t, (select count(*) from ticket_events)::int as e, (select count(*) from sla_extensions)::int as x,
           (select count(*) from patrol_runs)::int as r, (select count(*) from visit_orders)::int as v`;
  return { tickets: row!.t, events: row!.e, extensions: row!.x, patrolRuns: row!.r, visitOrders: row!.v };
}
