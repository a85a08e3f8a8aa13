// Pacing: Slack's limits kept on our side, so the outbox sends no faster than Slack takes and a busy
// channel waits alone. One row per channel and per Web API method in `outbox_pace`, shared by every
// replica through the database and changed only by single-row atomic upserts (no lock held across a
// Slack call, no coordination between replicas beyond the row).
//
// Each row is a token bucket kept as one timestamp (GCRA): `next_at` is when the next message may
// go. Taking a slot moves it to max(next_at, now - (burst-1)·interval) + interval, so a quiet
// channel takes `burst` messages at once, then one per interval. A 429 sets `retry_at` (Slack's
// Retry-After): nothing goes to that channel or method before it, and after it the bucket starts
// empty (one message per interval, no burst straight after a 429). Times come from the worker's
// injected clock. A `next_at` more than one interval ahead (or a `retry_at` more than MAX_RETRY_MS
// ahead) cannot have been written by a clock that agrees with ours — a test clock set back, a
// backfill run with `--at` — and counts as free rather than blocking the channel.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../platform/db.js';

export interface Rate {
  /** Time between two messages in the long run. */
  intervalMs: number;
  /** Messages a quiet channel (or method) may take at once. */
  burst: number;
}

/**
 * Slack: "about one message per second per channel, short bursts allowed". A little under that on
 * both counts: every 1.05 s, and a burst of 2 — so that the time a request takes to reach Slack,
 * which varies, never turns our pace into Slack's limit (the bucket Slack keeps for the channel
 * stays a message ahead of ours).
 */
export const CHANNEL_RATE: Rate = { intervalMs: 1050, burst: 2 };

/** Tier 3 is "50+ per minute" per workspace: 50 a minute with a burst of 10. */
const TIER_3: Rate = { intervalMs: 1200, burst: 10 };

/**
 * The Web API methods the outbox calls, by Slack's tier (java-slack-sdk's rate_limit_tiers.json):
 * chat.postMessage is a special tier (per channel above, "several hundred a minute" per workspace),
 * the others are Tier 3.
 */
export const METHOD_RATES = {
  'chat.postMessage': { intervalMs: 200, burst: 20 },
  'chat.update': TIER_3,
  'conversations.open': TIER_3,
  'conversations.history': TIER_3,
  'conversations.replies': TIER_3,
} satisfies Record<string, Rate>;

export type PacedMethod = keyof typeof METHOD_RATES;

export interface PacingRates {
  channel: Rate;
  methods: Record<PacedMethod, Rate>;
}

export const DEFAULT_PACING: PacingRates = { channel: CHANNEL_RATE, methods: METHOD_RATES };

/** The longest Retry-After a pace row holds (the row that got the 429 keeps the full wait). */
export const MAX_RETRY_MS = 10 * 60_000;

export const channelKey = (channel: string): string => `channel:${channel}`;
export const methodKey = (method: PacedMethod): string => `method:${method}`;

const ms = (n: number): SQL => sql`(${n}::double precision * interval '1 millisecond')`;
const ts = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** SQL: a Retry-After holds the pace row `t` (joined, may be missing) at `now`. */
function held(t: SQL, now: Date): SQL {
  return sql`(${t}.retry_at > ${ts(now)} and ${t}.retry_at <= ${ts(now)} + ${ms(MAX_RETRY_MS)})`;
}

/** SQL: the pace row `t` was written by a clock that disagrees with ours (see the top of this file). */
function stale(t: SQL, now: Date): SQL {
  return sql`${t}.next_at > ${ts(now)} + ${t}.interval_ms * interval '1 millisecond'`;
}

/** SQL: where the bucket counts from: `next_at`, or a Retry-After that ran out since (no burst right after a 429). */
function since(t: SQL, now: Date): SQL {
  return sql`greatest(${t}.next_at, case when ${t}.retry_at <= ${ts(now)} then ${t}.retry_at else ${t}.next_at end)`;
}

/**
 * The claim's view of the pace rows. Paced: a method must have a slot and a channel gives at most
 * its bucket's tokens. Unpaced (`pacing: false`): only Retry-After holds count.
 */
export function paceSql(paced: boolean, now: Date) {
  return {
    /** SQL: the method's pace row (alias `alias`) lets a call go now. */
    methodOpen(alias: string): SQL {
      const t = sql.raw(alias);
      const slot = paced ? sql` and (${t}.next_at <= ${ts(now)} or ${stale(t, now)})` : sql``;
      return sql`(${t}.key is null or (not coalesce(${held(t, now)}, false)${slot}))`;
    },
    /** SQL: how many posts the channel's pace row (alias `alias`) lets go now; `most` when unpaced. */
    channelTokens(alias: string, burst: number, most: number): SQL {
      const t = sql.raw(alias);
      if (!paced) return sql`(case when ${t}.key is not null and ${held(t, now)} then 0 else ${most} end)`;
      return sql`(case
        when ${t}.key is null then ${burst}
        when ${held(t, now)} then 0
        when ${stale(t, now)} then ${burst}
        else greatest(0, least(${burst}, floor(extract(epoch from (${ts(now)} - ${since(t, now)})) * 1000 / ${t}.interval_ms) + 1)) end)`;
    },
  };
}

export class Pacer {
  constructor(
    private readonly db: Db,
    readonly rates: PacingRates = DEFAULT_PACING,
  ) {}

  /** Takes one slot of a channel's bucket: undefined when taken, else when to come back. */
  takeChannel(channel: string, now: Date): Promise<Date | undefined> {
    return this.take(channelKey(channel), this.rates.channel, now);
  }

  /** Takes one slot of a Web API method's bucket: undefined when taken, else when to come back. */
  takeMethod(method: PacedMethod, now: Date): Promise<Date | undefined> {
    return this.take(methodKey(method), this.rates.methods[method], now);
  }

  /** Slack answered 429: nothing more for this key before `until` (Retry-After), on any replica. */
  async hold(key: string, until: Date, now: Date, rate: Rate): Promise<void> {
    const capped = new Date(Math.min(until.getTime(), now.getTime() + MAX_RETRY_MS));
    await this.db.execute(sql`
      insert into outbox_pace as p (key, next_at, interval_ms, retry_at) values (${key}, ${ts(now)}, ${rate.intervalMs}, ${ts(capped)})
      on conflict (key) do update set retry_at = case
        when p.retry_at is null or p.retry_at < ${ts(capped)} or p.retry_at > ${ts(now)} + ${ms(MAX_RETRY_MS)} then ${ts(capped)}
        else p.retry_at end`);
  }

  holdChannel(channel: string, until: Date, now: Date): Promise<void> {
    return this.hold(channelKey(channel), until, now, this.rates.channel);
  }

  holdMethod(method: PacedMethod, until: Date, now: Date): Promise<void> {
    return this.hold(methodKey(method), until, now, this.rates.methods[method]);
  }

  /**
   * How long until the next slot of any bucket opens, if within `withinMs`: the worker's loop sleeps
   * that long rather than a whole poll, so a paced channel keeps its pace (not the poll's).
   */
  async msUntilNextSlot(now: Date, withinMs: number): Promise<number | undefined> {
    const [row] = await rows<{ at: string | null }>(
      this.db,
      sql`select min(greatest(next_at, coalesce(retry_at, next_at))) as at from outbox_pace
          where greatest(next_at, coalesce(retry_at, next_at)) > ${ts(now)}
            and greatest(next_at, coalesce(retry_at, next_at)) <= ${ts(now)} + ${ms(withinMs)}`,
    );
    return row?.at ? Math.max(0, new Date(row.at).getTime() - now.getTime()) : undefined;
  }

  /**
   * One atomic upsert: a new key starts with a full bucket; an existing one gives a slot only when
   * its `next_at` has come (or is implausibly far ahead) and no Retry-After holds it. Concurrent
   * takers of one key queue on its row lock and each sees the other's result.
   */
  private async take(key: string, rate: Rate, now: Date): Promise<Date | undefined> {
    const tolerance = (rate.burst - 1) * rate.intervalMs;
    const floor = new Date(now.getTime() - tolerance);
    const taken = await rows<{ next_at: string }>(
      this.db,
      sql`insert into outbox_pace as p (key, next_at, interval_ms) values (${key}, ${ts(floor)} + ${ms(rate.intervalMs)}, ${rate.intervalMs})
          on conflict (key) do update set
            next_at = (case when p.next_at > ${ts(now)} + ${ms(rate.intervalMs)} then ${ts(floor)}
                            else greatest(${since(sql.raw('p'), now)}, ${ts(floor)}) end) + ${ms(rate.intervalMs)},
            interval_ms = ${rate.intervalMs},
            retry_at = case when p.retry_at <= ${ts(now)} or p.retry_at > ${ts(now)} + ${ms(MAX_RETRY_MS)} then null else p.retry_at end
          where (p.next_at <= ${ts(now)} or p.next_at > ${ts(now)} + ${ms(rate.intervalMs)})
            and (p.retry_at is null or p.retry_at <= ${ts(now)} or p.retry_at > ${ts(now)} + ${ms(MAX_RETRY_MS)})
          returning next_at`,
    );
    if (taken.length > 0) return undefined;
    const [row] = await rows<{ next_at: string; retry_at: string | null }>(this.db, sql`select next_at, retry_at from outbox_pace where key = ${key}`);
    const next = row ? new Date(row.next_at).getTime() : now.getTime();
    const retry = row?.retry_at ? new Date(row.retry_at).getTime() : 0;
    return new Date(Math.max(next, retry, now.getTime() + 1));
  }
}
