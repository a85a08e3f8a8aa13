import { ErrorCode, type WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import type { Clock } from '../platform/clock.js';
import { rows, type Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { postedLocation } from './outbox.js';
import type { OutboxKind, OutboxPayload } from './outbox.table.js';

/** Called in the transaction that marks a keyed post as sent, so domain rows can keep its ts. */
export type PostedHook = (tx: Db, messageKey: string, channel: string, ts: string) => Promise<void>;

interface ClaimedRow {
  id: number;
  kind: OutboxKind;
  channel: string | null;
  user_id: string | null;
  message_key: string | null;
  target_key: string | null;
  payload: OutboxPayload;
  attempts: number;
}

/** Slack answers that will never succeed on retry: the row is marked failed and logged. */
const PERMANENT = new Set([
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'user_not_found',
  'cannot_dm_bot',
  'invalid_blocks_format',
  'too_many_attachments',
]);

const LEASE_MS = 60_000;
const MAX_BACKOFF_S = 300;

export interface OutboxWorkerOptions {
  db: Db;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  postedHooks?: readonly PostedHook[];
  batchSize?: number;
  /** How often the loop looks for due rows when nobody kicks it. */
  pollMs?: number;
  /** How long a claim holds its rows (default 60 s). */
  leaseMs?: number;
}

/**
 * Delivers the outbox to Slack. Rows are claimed with FOR UPDATE SKIP LOCKED and leased, so several
 * replicas can drain one table; a row marked sent is never claimed again. 429 waits Retry-After,
 * 5xx and network errors back off exponentially, Slack's refusals (bad blocks, unknown channel) fail
 * the row for an operator to see.
 */
export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private batchChain: Promise<void> = Promise.resolve();
  private readonly dmChannels = new Map<string, string>();

  constructor(private readonly opts: OutboxWorkerOptions) {}

  /** Starts the background loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the loop to look now (after a transaction queued messages). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops taking new rows and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Delivers until nothing is deliverable now, or the time runs out; returns how many were sent. */
  async drain(timeoutMs = 30_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    let total = 0;
    for (;;) {
      const { claimed, sent } = await this.deliverBatch();
      total += sent;
      if (claimed === 0 || Date.now() > until) return total;
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      let claimed = 0;
      try {
        ({ claimed } = await this.deliverBatch());
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox delivery failed');
      }
      if (!this.running) break;
      if (claimed > 0 || this.kicked) {
        this.kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * Claims one batch of due rows and tries each once. Batches of one worker run one after another
   * (the background loop and a drain never overlap), so a row this process is sending is never
   * claimed again by this process, whatever the clock says about its lease.
   */
  deliverBatch(): Promise<{ claimed: number; sent: number }> {
    const batch = this.batchChain.then(() => this.deliverOneBatch());
    this.batchChain = batch.then(
      () => undefined,
      () => undefined,
    );
    return batch;
  }

  private async deliverOneBatch(): Promise<{ claimed: number; sent: number }> {
    const now = this.opts.clock.now();
    const claimed = await this.claim(now);
    let sent = 0;
    const blockedChannels = new Map<string, Date>();
    // A send takes at most the client's timeout (twice for a DM), so rows are only sent in the first
    // half of the lease: a row is never sent after its lease may have run out and another replica
    // may have taken it. What is left goes back for the next claim.
    const sendUntil = now.getTime() + this.leaseMs() / 2;
    for (const [i, row] of claimed.entries()) {
      if (this.opts.clock.now().getTime() > sendUntil) {
        await this.releaseUnsent(claimed.slice(i).map((r) => r.id));
        break;
      }
      const channelKey = row.channel ?? row.target_key ?? row.user_id ?? '';
      const blockedUntil = blockedChannels.get(channelKey);
      if (blockedUntil) {
        await this.release(row.id, blockedUntil, undefined, false);
        continue;
      }
      const outcome = await this.send(row);
      if (outcome.ok) {
        sent++;
        await this.markSent(row, outcome.channel, outcome.ts, now);
      } else if (outcome.retryAfterS !== undefined) {
        const at = new Date(now.getTime() + outcome.retryAfterS * 1000);
        blockedChannels.set(channelKey, at);
        await this.release(row.id, at, outcome.error, true);
        this.opts.logger.warn({ outboxId: row.id, retryAfterS: outcome.retryAfterS }, 'slack rate limited; waiting Retry-After');
      } else if (outcome.permanent) {
        await this.fail(row.id, outcome.error, now);
        this.opts.logger.error({ outboxId: row.id, error: outcome.error, kind: row.kind }, 'slack refused a message; marked failed');
      } else {
        const backoffS = Math.min(MAX_BACKOFF_S, 2 ** row.attempts) * (0.8 + Math.random() * 0.4);
        await this.release(row.id, new Date(now.getTime() + backoffS * 1000), outcome.error, true);
        this.opts.logger.warn({ outboxId: row.id, error: outcome.error, attempt: row.attempts + 1 }, 'slack delivery failed; will retry');
      }
    }
    return { claimed: claimed.length, sent };
  }

  private async claim(now: Date): Promise<ClaimedRow[]> {
    const nowIso = now.toISOString();
    const leaseIso = new Date(now.getTime() + this.leaseMs()).toISOString();
    // Replies and updates wait for their post's ts, and for earlier rows of the same thread.
    return rows<ClaimedRow>(
      this.opts.db,
      sql`update outbox set lease_until = ${leaseIso}::timestamptz
          where id in (
            select o.id from outbox o
            where o.status = 'pending'
              and o.available_at <= ${nowIso}::timestamptz
              and (o.lease_until is null or o.lease_until < ${nowIso}::timestamptz)
              and (o.target_key is null or (
                exists (select 1 from outbox p where p.message_key = o.target_key and p.kind = 'post' and p.status = 'sent')
                and not exists (select 1 from outbox e where e.target_key = o.target_key and e.id < o.id and e.status = 'pending')))
            order by o.id
            limit ${this.opts.batchSize ?? 20}
            for update skip locked)
          returning id, kind, channel, user_id, message_key, target_key, payload, attempts`,
    ).then((claimed) => claimed.sort((a, b) => a.id - b.id));
  }

  private async send(
    row: ClaimedRow,
  ): Promise<
    | { ok: true; channel: string; ts: string }
    | { ok: false; error: string; retryAfterS?: number; permanent?: boolean }
  > {
    const { client } = this.opts;
    const { text, blocks } = row.payload;
    try {
      if (row.kind === 'post' || row.kind === 'dm') {
        const channel = row.kind === 'dm' ? await this.dmChannel(row.user_id!) : row.channel!;
        const res = await client.chat.postMessage({ channel, text, blocks: blocks as never, unfurl_links: false });
        return { ok: true, channel: res.channel ?? channel, ts: res.ts! };
      }
      const target = await postedLocation(this.opts.db, row.target_key!);
      if (!target) return { ok: false, error: 'target not posted yet' };
      if (row.kind === 'reply') {
        const res = await client.chat.postMessage({ channel: target.channel, thread_ts: target.ts, text, blocks: blocks as never, unfurl_links: false });
        return { ok: true, channel: res.channel ?? target.channel, ts: res.ts! };
      }
      const res = await client.chat.update({ channel: target.channel, ts: target.ts, text, blocks: blocks as never });
      return { ok: true, channel: target.channel, ts: res.ts ?? target.ts };
    } catch (err) {
      return classify(err);
    }
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const res = await this.opts.client.conversations.open({ users: userId });
    const id = res.channel!.id!;
    this.dmChannels.set(userId, id);
    return id;
  }

  private async markSent(row: ClaimedRow, channel: string, ts: string, now: Date): Promise<void> {
    await this.opts.db.transaction(async (tx) => {
      await tx.execute(
        sql`update outbox set status = 'sent', delivered_at = ${now.toISOString()}::timestamptz, ts = ${ts},
            delivered_channel = ${channel}, lease_until = null, last_error = null where id = ${row.id}`,
      );
      if (row.kind === 'post' && row.message_key) {
        for (const hook of this.opts.postedHooks ?? []) await hook(tx, row.message_key, channel, ts);
      }
    });
  }

  private leaseMs(): number {
    return this.opts.leaseMs ?? LEASE_MS;
  }

  /** Gives claimed rows back untouched (no attempt counted), for the next claim of any worker. */
  private async releaseUnsent(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.opts.db.execute(sql`update outbox set lease_until = null where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and status = 'pending'`);
  }

  private async release(id: number, availableAt: Date, error: string | undefined, countAttempt: boolean): Promise<void> {
    await this.opts.db.execute(
      sql`update outbox set lease_until = null, available_at = ${availableAt.toISOString()}::timestamptz,
          attempts = attempts + ${countAttempt ? 1 : 0}, last_error = coalesce(${error ?? null}, last_error)
          where id = ${id}`,
    );
  }

  private async fail(id: number, error: string, now: Date): Promise<void> {
    // Replies and updates of a post Slack refused can never be delivered either.
    await this.opts.db.execute(
      sql`update outbox set status = 'failed', lease_until = null, attempts = attempts + 1, last_error = ${error},
          delivered_at = ${now.toISOString()}::timestamptz
          where id = ${id}
             or (status = 'pending' and target_key is not null
                 and target_key = (select message_key from outbox where id = ${id} and kind = 'post'))`,
    );
  }
}

function classify(err: unknown): { ok: false; error: string; retryAfterS?: number; permanent?: boolean } {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, error: 'ratelimited', retryAfterS: Math.max(1, e.retryAfter ?? 1) };
    case ErrorCode.HTTPError:
      if (e.statusCode === 429) return { ok: false, error: 'ratelimited', retryAfterS: 1 };
      return { ok: false, error: `http ${e.statusCode}` };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      if (error === 'ratelimited') return { ok: false, error, retryAfterS: 1 };
      return { ok: false, error, permanent: PERMANENT.has(error) };
    }
    default:
      return { ok: false, error: e.message?.slice(0, 200) ?? 'network error' };
  }
}
