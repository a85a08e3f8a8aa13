import type { WebClient } from '@slack/web-api';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { DeliveryOutcome, Metrics } from '../platform/metrics.js';
import { claim, fail, markSent, release, releaseUnsent, type ClaimedRow } from './claim.js';
import { findPosted, outboxMetadata, type LookupPlace } from './lookup.js';
import { outboxBacklog } from './outbox.js';
import { DEFAULT_PACING, MAX_RETRY_MS, Pacer, type PacedMethod, type Rate } from './pacing.js';
import { CANNOT_LOOK, classify, type CallFailure } from './slack-errors.js';

/** Called in the transaction that marks a keyed post as sent, so domain rows can keep its ts. */
export type PostedHook = (tx: Db, messageKey: string, channel: string, ts: string) => Promise<void>;

const LEASE_MS = 60_000;
const MAX_BACKOFF_S = 300;
const LANES = 8;

export interface OutboxWorkerOptions {
  db: Db;
  client: WebClient;
  /** Every time the worker uses (due rows, leases, backoff, pacing) comes from this clock. */
  clock: Clock;
  logger: Logger;
  postedHooks?: readonly PostedHook[];
  /** Rows claimed at once (default 20). */
  batchSize?: number;
  /** How often the loop looks for due rows when nobody kicks it. */
  pollMs?: number;
  /** How long a claim holds its rows (default 60 s). */
  leaseMs?: number;
  /** Deliveries by outcome and 429s per channel (GET /metrics). */
  metrics?: Pick<Metrics, 'outboxDeliveries' | 'outbox429'>;
  /**
   * Keep Slack's limits on our side: about one message a second per channel with a short burst,
   * and the Web API method tiers (`true` for the defaults of outbox/pacing.ts, or other rates).
   * Off by default: a worker that drains for a backfill or a test sends as fast as Slack answers.
   * Retry-After holds its channel (or method) either way.
   */
  pacing?: boolean | { channel?: Rate; methods?: Partial<Record<PacedMethod, Rate>> };
  /** Channels (lanes) sent to at once: no new rows are claimed while this many are busy (default 8). */
  lanes?: number;
}

type Step = 'next' | 'stop';
type Sent = { ok: true; channel: string; ts: string };

/**
 * Delivers the outbox to Slack. Rows are claimed with FOR UPDATE SKIP LOCKED and leased, so several
 * replicas can drain one table; a row marked sent is never claimed again. Each channel is a lane:
 * its rows go one after another at the pace Slack takes (outbox/pacing.ts), and lanes run side by
 * side, so a slow, busy or rate-limited channel holds up only itself. 429 holds the channel (or
 * method) for Retry-After on every replica; 5xx and network errors back off exponentially; Slack's
 * refusals (bad blocks, unknown channel) fail the row for an operator to see. A post whose answer
 * was lost is looked for by its metadata before it is sent again (outbox/lookup.ts).
 */
export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private claimChain: Promise<unknown> = Promise.resolve();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly busyIds = new Set<number>();
  private readonly dmChannels = new Map<string, string>();
  private readonly pacer: Pacer;
  private readonly paced: boolean;
  private sentCount = 0;

  constructor(private readonly opts: OutboxWorkerOptions) {
    const rates = typeof opts.pacing === 'object' ? opts.pacing : {};
    this.paced = opts.pacing !== undefined && opts.pacing !== false;
    this.pacer = new Pacer(opts.db, { channel: rates.channel ?? DEFAULT_PACING.channel, methods: { ...DEFAULT_PACING.methods, ...rates.methods } });
  }

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

  /** Stops taking new rows and waits for the sends in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.settled();
  }

  /** Delivers until nothing is deliverable now, or the time runs out; returns how many were sent. */
  async drain(timeoutMs = 30_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    const before = this.sentCount;
    for (;;) {
      const claimed = await this.dispatch();
      await this.settled();
      if (claimed === 0 || Date.now() > until) return this.sentCount - before;
    }
  }

  /**
   * Delivers what is due at the pace Slack takes: where `drain` stops at the first channel that
   * must wait for its next slot, this waits for the slot (in real time, so the worker's clock must
   * move with it) and goes on. It stops when no row is pending, when the rows left wait for more
   * than the time left (a backoff, a long Retry-After), or when `timeoutMs` runs out; returns how
   * many were sent. Unpaced it is `drain`.
   */
  async deliverDue(timeoutMs = 60_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    let sent = await this.drain(timeoutMs);
    while (this.paced && Date.now() < until) {
      const now = this.opts.clock.now();
      if ((await outboxBacklog(this.opts.db, now)).pending === 0) break;
      const soon = await this.pacer.msUntilNextSlot(now, until - Date.now());
      if (soon === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, soon + 5));
      sent += await this.drain(Math.max(0, until - Date.now()));
    }
    return sent;
  }

  /** Claims one batch of due rows and sends it, lane by lane; resolves when those sends are done. */
  async deliverBatch(): Promise<{ claimed: number; sent: number }> {
    const before = this.sentCount;
    const claimed = await this.dispatch();
    await this.settled();
    return { claimed, sent: this.sentCount - before };
  }

  private async settled(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all(this.lanes.values());
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.dispatch();
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox delivery failed');
      }
      if (!this.running) break;
      if (claimed > 0 || this.kicked) {
        this.kicked = false;
        continue;
      }
      const waitMs = await this.idleMs(pollMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** A poll, or less when a paced channel's next slot opens sooner. */
  private async idleMs(pollMs: number): Promise<number> {
    if (!this.paced) return pollMs;
    const soon = await this.pacer.msUntilNextSlot(this.opts.clock.now(), pollMs).catch(() => undefined);
    return soon === undefined ? pollMs : Math.max(5, soon + 5);
  }

  /**
   * Claims due rows for channels that have no lane running here and starts a lane per channel.
   * Claims of one worker run one after another; a row or channel this process is sending is never
   * claimed again by it, whatever the clock says about the lease.
   */
  private dispatch(): Promise<number> {
    const next = this.claimChain.then(() => this.claimAndStart());
    this.claimChain = next.catch(() => undefined);
    return next;
  }

  private async claimAndStart(): Promise<number> {
    const free = (this.opts.lanes ?? LANES) - this.lanes.size;
    if (free <= 0) return 0;
    const now = this.opts.clock.now();
    const claimed = await claim(this.opts.db, {
      now,
      leaseUntil: new Date(now.getTime() + this.leaseMs()),
      limit: this.opts.batchSize ?? 20,
      paced: this.paced,
      burst: this.pacer.rates.channel.burst,
      busyLanes: [...this.lanes.keys()],
      busyIds: [...this.busyIds],
    });
    const byLane = new Map<string, ClaimedRow[]>();
    for (const row of claimed) {
      this.busyIds.add(row.id);
      byLane.set(row.lane, [...(byLane.get(row.lane) ?? []), row]);
    }
    for (const [lane, laneRows] of byLane) {
      const done = this.runLane(laneRows, now)
        .catch((err: unknown) => this.opts.logger.error({ err, lane }, 'outbox lane failed'))
        .finally(() => {
          this.lanes.delete(lane);
          for (const row of laneRows) this.busyIds.delete(row.id);
          this.wake?.();
        });
      this.lanes.set(lane, done);
    }
    return claimed.length;
  }

  /**
   * Sends one channel's rows in order. A send takes at most the client's timeout (a few calls for a
   * DM or a lookup), so rows are only sent in the first half of the lease: a row is never sent after
   * its lease may have run out and another replica may have taken it. What is left goes back.
   */
  private async runLane(laneRows: ClaimedRow[], claimedAt: Date): Promise<void> {
    const sendUntil = claimedAt.getTime() + this.leaseMs() / 2;
    for (const [i, row] of laneRows.entries()) {
      if (this.opts.clock.now().getTime() > sendUntil) {
        await releaseUnsent(this.opts.db, laneRows.slice(i).map((r) => r.id));
        return;
      }
      const step = await this.deliver(row);
      if (step === 'stop') {
        // The channel (or a method) must wait: the rest of the lane goes back untouched.
        await releaseUnsent(this.opts.db, laneRows.slice(i + 1).map((r) => r.id));
        return;
      }
    }
  }

  private async deliver(row: ClaimedRow): Promise<Step> {
    const { clock } = this.opts;
    const where = row.kind === 'dm' ? await this.openDm(row) : { channel: row.kind === 'post' ? row.channel! : row.target_channel! };
    if ('step' in where) return where.step;
    const { channel } = where;
    if (row.maybe_sent && row.kind !== 'update') {
      const looked = await this.lookFirst(row, channel);
      if (looked !== 'post') return looked;
    }
    const method: PacedMethod = row.kind === 'update' ? 'chat.update' : 'chat.postMessage';
    const wait = (await this.take(method)) ?? (row.kind === 'update' || !this.paced ? undefined : await this.pacer.takeChannel(row.lane, clock.now()));
    if (wait) {
      await releaseUnsent(this.opts.db, [row.id], wait);
      return 'stop';
    }
    const startedAt = clock.now();
    const outcome = await this.send(row, channel);
    if ('ok' in outcome) {
      await this.sent(row, outcome.channel, outcome.ts);
      return 'next';
    }
    return this.failed(row, outcome, startedAt, method, channel);
  }

  /** A slot of a method's bucket: undefined when taken (or unpaced), else when to come back. */
  private take(method: PacedMethod): Promise<Date | undefined> {
    return this.paced ? this.pacer.takeMethod(method, this.opts.clock.now()) : Promise.resolve(undefined);
  }

  /** The DM's channel (conversations.open, once per user), or what became of the row when it cannot be opened now. */
  private async openDm(row: ClaimedRow): Promise<{ channel: string } | { step: Step }> {
    const known = this.dmChannels.get(row.user_id!);
    if (known) return { channel: known };
    const wait = await this.take('conversations.open');
    if (wait) {
      await releaseUnsent(this.opts.db, [row.id], wait);
      return { step: 'stop' };
    }
    const startedAt = this.opts.clock.now();
    try {
      const res = await this.opts.client.conversations.open({ users: row.user_id! });
      const channel = res.channel!.id!;
      this.dmChannels.set(row.user_id!, channel);
      return { channel };
    } catch (err) {
      // Opening a DM posts nothing: never ambiguous.
      return { step: await this.failed(row, { ...classify(err), ambiguous: false }, startedAt, 'conversations.open', row.lane) };
    }
  }

  /**
   * Slack may already have posted this row: look for it first. Found → it is sent (hooks run as
   * for any send); not found → post; cannot look (not a member, scope missing) → post, logged.
   */
  private async lookFirst(row: ClaimedRow, channel: string): Promise<Step | 'post'> {
    const { clock, logger } = this.opts;
    const method: PacedMethod = row.kind === 'reply' ? 'conversations.replies' : 'conversations.history';
    const wait = await this.take(method);
    if (wait) {
      await releaseUnsent(this.opts.db, [row.id], wait);
      return 'stop';
    }
    const startedAt = clock.now();
    const place: LookupPlace = row.kind === 'reply' ? { channel, threadTs: row.target_ts! } : { channel };
    try {
      const since = new Date(row.first_attempt_at ?? startedAt);
      const result = await findPosted(this.opts.client, place, row.id, since);
      if (result.found) {
        logger.info({ outboxId: row.id, ts: result.ts }, 'slack had posted it although the answer was lost; not posting again');
        await this.sent(row, channel, result.ts);
        return 'next';
      }
      if (!result.complete) logger.warn({ outboxId: row.id, channel }, 'too many messages since the first attempt to be sure; posting again');
      return 'post';
    } catch (err) {
      const failure = classify(err);
      if (failure.retryAfterS === undefined && !failure.ambiguous && CANNOT_LOOK.has(failure.error)) {
        logger.warn({ outboxId: row.id, channel, error: failure.error }, 'cannot look for a possibly posted message (invite the bot to the channel); posting again');
        return 'post';
      }
      // Looking is read-only: a failed look is never ambiguous and never final, it is tried again.
      return this.failed(row, { ...failure, ambiguous: false, permanent: false }, startedAt, method, channel);
    }
  }

  private async send(row: ClaimedRow, channel: string): Promise<Sent | CallFailure> {
    const { client } = this.opts;
    const { text, blocks } = row.payload;
    try {
      if (row.kind === 'update') {
        const res = await client.chat.update({ channel, ts: row.target_ts!, text, blocks: blocks as never });
        return { ok: true, channel, ts: res.ts ?? row.target_ts! };
      }
      const thread = row.kind === 'reply' ? { thread_ts: row.target_ts! } : {};
      const res = await client.chat.postMessage({ channel, ...thread, text, blocks: blocks as never, unfurl_links: false, metadata: outboxMetadata(row.id) });
      return { ok: true, channel: res.channel ?? channel, ts: res.ts! };
    } catch (err) {
      const failure = classify(err);
      // chat.update sets the same content again: repeating it is harmless, never ambiguous.
      return row.kind === 'update' ? { ...failure, ambiguous: false } : failure;
    }
  }

  private async sent(row: ClaimedRow, channel: string, ts: string): Promise<void> {
    await markSent(this.opts.db, row, channel, ts, this.opts.clock.now(), this.opts.postedHooks ?? []);
    this.sentCount++;
    this.count('ok');
  }

  private async failed(row: ClaimedRow, f: CallFailure, startedAt: Date, method: PacedMethod, channel: string): Promise<Step> {
    const { clock, logger } = this.opts;
    const now = clock.now();
    if (f.retryAfterS !== undefined) {
      const until = new Date(now.getTime() + f.retryAfterS * 1000);
      // A 429 to a post is the channel's limit: the channel is held (every replica's claim skips it)
      // and the row keeps its place in the channel's order. To anything else, the method's tier: the
      // method is held and the row waits too.
      const channelHold = method === 'chat.postMessage' && until.getTime() - now.getTime() <= MAX_RETRY_MS;
      if (method === 'chat.postMessage') await this.pacer.holdChannel(row.lane, until, now);
      else await this.pacer.holdMethod(method, until, now);
      await release(this.opts.db, row.id, channelHold ? null : until, { startedAt, error: f.error, ambiguous: false });
      this.count('429');
      this.opts.metrics?.outbox429.inc({ channel });
      logger.warn({ outboxId: row.id, channel, method, retryAfterS: f.retryAfterS }, 'slack rate limited; the channel waits Retry-After');
      return 'stop';
    }
    if (f.permanent) {
      await fail(this.opts.db, row.id, f.error, now);
      this.count('failed');
      logger.error({ outboxId: row.id, error: f.error, kind: row.kind }, 'slack refused a message; marked failed');
      return 'next';
    }
    const backoffS = Math.min(MAX_BACKOFF_S, 2 ** row.attempts) * (0.8 + Math.random() * 0.4);
    await release(this.opts.db, row.id, new Date(now.getTime() + backoffS * 1000), { startedAt, error: f.error, ambiguous: !!f.ambiguous });
    this.count('retry');
    logger.warn({ outboxId: row.id, error: f.error, attempt: row.attempts + 1, maybeSent: !!f.ambiguous }, 'slack delivery failed; will retry');
    return 'next';
  }

  private count(outcome: DeliveryOutcome): void {
    this.opts.metrics?.outboxDeliveries.inc({ outcome });
  }

  private leaseMs(): number {
    return this.opts.leaseMs ?? LEASE_MS;
  }
}
