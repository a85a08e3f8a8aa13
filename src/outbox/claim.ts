// The outbox rows' life in SQL: claiming due rows (FOR UPDATE SKIP LOCKED, leased, paced per
// channel), and marking them sent, released for later, or failed.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../platform/db.js';
import type { OutboxKind, OutboxPayload } from './outbox.table.js';
import { paceSql } from './pacing.js';

/** A claimed row, with the channel it paces on (`lane`) and, for replies and updates, where its post landed. */
export interface ClaimedRow {
  id: number;
  kind: OutboxKind;
  channel: string | null;
  user_id: string | null;
  message_key: string | null;
  target_key: string | null;
  payload: OutboxPayload;
  attempts: number;
  maybe_sent: boolean;
  first_attempt_at: string | Date | null;
  /** The channel Slack's per-channel limit counts it in: the post's channel, the DM's user, the parent's channel. */
  lane: string;
  target_channel: string | null;
  target_ts: string | null;
}

export interface ClaimOptions {
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Keep Slack's limits (token buckets); without, only Retry-After holds a channel or method. */
  paced: boolean;
  /** The channel bucket's burst: at most this many posting rows of one channel per claim. */
  burst: number;
  /** Lanes and rows this worker is sending now: not claimed again, whatever the leases say. */
  busyLanes: readonly string[];
  busyIds: readonly number[];
}

/** Updates of one message in one claim: only the latest matters, the rest are superseded anyway. */
const UPDATES_PER_LANE = 5;

const list = <T>(values: readonly T[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);
const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;
const targetOf = (col: string) => sql.raw(`(select p.${col} from outbox p where p.kind = 'post' and p.message_key = outbox.target_key)`);

/**
 * Claims due rows lane by lane (a lane is a channel, see `outbox.lane`): the lanes with pending rows
 * are walked on their index, each gives at most as many posts as its bucket lets go now (none when
 * pacing or a Retry-After holds it) and a few updates, and only then are rows read — so a busy or
 * limited channel neither holds up the others nor makes the claim slow, whatever its backlog.
 * Replies and updates wait for their post's ts and for earlier rows of the same thread.
 */
export async function claim(db: Db, o: ClaimOptions): Promise<ClaimedRow[]> {
  const claimed = await db.transaction(async (tx) => {
    // The planner cannot know how few rows each lane gives (a bucket's tokens), so under a backlog
    // its estimate passes jit_above_cost and JIT compiling would cost ~100× the query itself.
    await tx.execute(sql`set local jit = off`);
    return rows<ClaimedRow>(tx, claimSql(o));
  });
  return claimed.sort((a, b) => a.id - b.id);
}

/** The claim's one statement (exported for EXPLAIN). */
export function claimSql(o: ClaimOptions): SQL {
  const pace = paceSql(o.paced, o.now);
  const notBusyId = o.busyIds.length ? sql`and r.id not in (${list(o.busyIds)})` : sql``;
  const notBusyLane = o.busyLanes.length ? sql`and l.lane not in (${list(o.busyLanes)})` : sql``;
  const due = sql`r.available_at <= ${at(o.now)}
    and (r.lease_until is null or r.lease_until < ${at(o.now)}) ${notBusyId}
    and (r.target_key is null or (
      exists (select 1 from outbox p where p.kind = 'post' and p.message_key = r.target_key and p.status = 'sent')
      and not exists (select 1 from outbox e where e.target_key = r.target_key and e.id < r.id and e.status = 'pending')))`;
  return sql`with recursive lanes(lane) as (
          (select lane from outbox where status = 'pending' and lane is not null order by lane limit 1)
          union all
          select (select o.lane from outbox o where o.status = 'pending' and o.lane > l.lane order by o.lane limit 1)
          from lanes l where l.lane is not null),
        methods as (
          select ${pace.methodOpen('mp')} as posts_open, ${pace.methodOpen('mu')} as updates_open
          from (select 1) one
          left join outbox_pace mp on mp.key = 'method:chat.postMessage'
          left join outbox_pace mu on mu.key = 'method:chat.update'),
        open_lanes as (
          select l.lane, case when m.posts_open then ${pace.channelTokens('cp', o.burst, o.limit)} else 0 end as tokens,
                 case when m.updates_open then ${UPDATES_PER_LANE} else 0 end as updates
          from lanes l cross join methods m
          left join outbox_pace cp on cp.key = 'channel:' || l.lane
          where l.lane is not null ${notBusyLane}),
        candidates as (
          select c.id from open_lanes l cross join lateral (
            select r.id from outbox r
            where r.status = 'pending' and r.lane = l.lane and r.kind <> 'update' and ${due}
            order by r.available_at, r.id limit l.tokens) c
          union all
          select c.id from open_lanes l cross join lateral (
            select r.id from outbox r
            where r.status = 'pending' and r.kind = 'update' and r.lane = l.lane and ${due}
            order by r.available_at, r.id limit l.updates) c)
        update outbox set lease_until = ${at(o.leaseUntil)}
        where id in (
          select c.id from outbox c
          where c.id = any(array(select id from candidates))
            and c.status = 'pending' and (c.lease_until is null or c.lease_until < ${at(o.now)})
          order by c.id
          limit ${o.limit}
          for update skip locked)
        returning id, kind, channel, user_id, message_key, target_key, payload, attempts, maybe_sent, first_attempt_at, lane,
          ${targetOf('delivered_channel')} as target_channel, ${targetOf('ts')} as target_ts`;
}

/** Marks a row sent with its ts and runs the posted hooks in the same transaction. */
export async function markSent(
  db: Db,
  row: ClaimedRow,
  channel: string,
  ts: string,
  now: Date,
  hooks: readonly ((tx: Db, messageKey: string, channel: string, ts: string) => Promise<void>)[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`update outbox set status = 'sent', delivered_at = ${at(now)}, ts = ${ts},
          delivered_channel = ${channel}, lease_until = null, last_error = null where id = ${row.id}`,
    );
    if (row.kind === 'post' && row.message_key) {
      for (const hook of hooks) await hook(tx, row.message_key, channel, ts);
    }
  });
}

/** Gives claimed rows back untouched (no attempt counted), for the next claim of any worker. */
export async function releaseUnsent(db: Db, ids: readonly number[], availableAt?: Date): Promise<void> {
  if (ids.length === 0) return;
  const later = availableAt ? sql`, available_at = greatest(available_at, ${at(availableAt)})` : sql``;
  await db.execute(sql`update outbox set lease_until = null ${later} where id in (${list(ids)}) and status = 'pending'`);
}

export interface Attempt {
  /** When the attempt began (kept as the first attempt's time). */
  startedAt: Date;
  error: string;
  /** Slack may have posted it: later tries look first. */
  ambiguous: boolean;
}

/** A failed attempt: the row goes back, due again at `availableAt` (null: it keeps its place, a hold makes it wait). */
export async function release(db: Db, id: number, availableAt: Date | null, attempt: Attempt): Promise<void> {
  const due = availableAt ? sql`, available_at = ${at(availableAt)}` : sql``;
  await db.execute(
    sql`update outbox set lease_until = null ${due}, attempts = attempts + 1,
        last_error = ${attempt.error}, first_attempt_at = coalesce(first_attempt_at, ${at(attempt.startedAt)}),
        maybe_sent = maybe_sent or ${attempt.ambiguous}
        where id = ${id}`,
  );
}

/** Slack refused for good: the row fails, with the replies and updates of a post that never landed. */
export async function fail(db: Db, id: number, error: string, now: Date): Promise<void> {
  await db.execute(
    sql`update outbox set status = 'failed', lease_until = null, attempts = attempts + 1, last_error = ${error},
        delivered_at = ${at(now)}
        where id = ${id}
           or (status = 'pending' and target_key is not null
               and target_key = (select message_key from outbox where id = ${id} and kind = 'post'))`,
  );
}
