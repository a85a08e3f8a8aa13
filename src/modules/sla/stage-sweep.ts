// The mechanism every SLA sweep shares (SPEC §3.5), whatever it watches — tickets, visit orders:
// lock the rows whose next stage has come, record their due stages under a unique key (so each
// (row, target, stage) is posted once ever, by any replica), queue the messages of the stages
// recorded just now, and move each row's next look. A batch is a handful of statements whatever
// its size; what differs per kind of row is passed in.
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { enqueue, type OutboxMessage } from '../../outbox/outbox.js';
import type { SlaStage } from './sla.rules.js';

/** A stage that has come: its target, warning or breach, when it came and the target's due time. */
export interface DueStage<T extends string> {
  target: T;
  stage: SlaStage;
  at: Date;
  dueAt: Date;
}

/** A stage recorded now for the first time, for the row `id`. */
export interface FreshStage<T extends string> {
  id: number;
  target: T;
  stage: SlaStage;
  dueAt: Date;
}

export interface StageSweep<R extends { id: number; slaPosted: number }, T extends string> {
  /** The table holding `sla_posted` and `next_check_at`. */
  table: 'tickets' | 'visit_orders';
  /** Rows whose next_check_at has come, locked for this transaction (other sweeps skip them). */
  lockDue(tx: Db, now: Date, limit: number): Promise<R[]>;
  dueStages(row: R, now: Date): DueStage<T>[];
  markPosted(bits: number, target: T, stage: SlaStage): number;
  /** When to look at the row next, given what has been posted (never from `now`). */
  nextCheckAt(row: R): Date | null;
  /** Inserts the stages; returns those no one recorded before. */
  record(tx: Db, stages: { id: number; stage: DueStage<T>; postedAt: Date }[]): Promise<FreshStage<T>[]>;
  /** The messages of a stage; `row` carries the posted bits after this sweep. */
  messages(row: R, stage: FreshStage<T>, now: Date): OutboxMessage[];
}

export interface StageCounts {
  checked: number;
  warnings: number;
  breaches: number;
}

/** One sweep as of `now`; `queuedAt` stamps the outbox rows. */
export async function sweepStages<R extends { id: number; slaPosted: number }, T extends string>(
  db: Db,
  s: StageSweep<R, T>,
  now: Date,
  queuedAt: () => Date,
  batch = 500,
): Promise<StageCounts> {
  const counts: StageCounts = { checked: 0, warnings: 0, breaches: 0 };
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const due = await s.lockDue(tx, now, batch);
      if (due.length === 0) return true;
      counts.checked += due.length;
      const stages: { id: number; stage: DueStage<T>; postedAt: Date }[] = [];
      const after = new Map<number, R>();
      for (const row of due) {
        let posted = row.slaPosted;
        for (const stage of s.dueStages(row, now)) {
          posted = s.markPosted(posted, stage.target, stage.stage);
          stages.push({ id: row.id, stage, postedAt: now });
        }
        after.set(row.id, { ...row, slaPosted: posted });
      }
      const fresh = await s.record(tx, stages);
      const messages: OutboxMessage[] = [];
      for (const stage of fresh) {
        messages.push(...s.messages(after.get(stage.id)!, stage, now));
        if (stage.stage === 'warning') counts.warnings++;
        else counts.breaches++;
      }
      await enqueue(tx, queuedAt(), messages);
      await setNextChecks(tx, s.table, [...after.values()].map((row) => ({ id: row.id, posted: row.slaPosted, next: s.nextCheckAt(row) })));
      return due.length < batch;
    });
    if (done) return counts;
  }
}

/** Stores what was posted and when each row is next due a look, in one statement. */
async function setNextChecks(tx: Db, table: StageSweep<never, never>['table'], next: { id: number; posted: number; next: Date | null }[]): Promise<void> {
  if (next.length === 0) return;
  const values = sql.join(
    next.map((n) => sql`(${n.id}::int, ${n.posted}::int, ${n.next?.toISOString() ?? null}::timestamptz)`),
    sql`, `,
  );
  await tx.execute(sql`update ${sql.raw(table)} as t set sla_posted = v.posted, next_check_at = v.next
    from (values ${values}) as v(id, posted, next) where t.id = v.id`);
}
