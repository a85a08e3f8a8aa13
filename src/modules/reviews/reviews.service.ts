// Monthly review use cases (SPEC §3.8): compute any month, post a month to the review channel once
// (text through the outbox, chart through the files upload API), retry charts that failed.
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../../config/config.js';
import { enqueue, postedLocation } from '../../outbox/outbox.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import type { Translate } from '../../platform/i18n.js';
import type { Logger } from '../../platform/logger.js';
import { canDispatch } from '../../platform/roles.js';
import { renderReviewChart } from './chart/review-chart.js';
import { computeReview, type Review } from './reviews.figures.js';
import * as rules from './reviews.rules.js';
import { reviewPosts } from './reviews.table.js';

/** Uploads a file to Slack (files.getUploadURLExternal + files.completeUploadExternal). */
export interface FileUploader {
  upload(file: { channel: string; threadTs?: string; filename: string; title: string; bytes: Buffer; comment?: string }): Promise<{ fileId: string }>;
}

/** How the review reaches Slack: the post (queued in the transaction) and its texts. */
export interface ReviewPresenter {
  post(review: Review): { text: string; blocks: unknown[] };
  chartComment(review: Review): string;
}

export interface ReviewDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  readonly logger: Logger;
  /** The workspace language, for channel messages. */
  readonly tr: Translate;
  readonly present: ReviewPresenter;
  /** Absent where no bot token is configured: charts then wait for the app's review-charts job. */
  readonly files?: FileUploader;
  readonly queued: () => void;
}

/** The outbox key (and dedupe key) of a month's review post. */
export const reviewMessageKey = (month: string) => `review:${month}`;

const LEASE_MS = 5 * 60_000;
const MAX_CHART_ATTEMPTS = 5;

/** A month a review can be made of: YYYY-MM, not after the current month. */
export function checkMonth(deps: Pick<ReviewDeps, 'clock' | 'config'>, monthText: string): string {
  const month = rules.parseMonth(monthText);
  if (!month) throw new DomainError('invalid', 'review.bad_month', { text: monthText });
  if (month > rules.monthOf(deps.clock.now(), deps.config.timezone)) throw new DomainError('invalid', 'review.future_month', { month });
  return month;
}

/** The review of any month up to the current one; a month in the future is refused. */
export async function reviewOf(deps: Pick<ReviewDeps, 'db' | 'clock' | 'config'>, monthText: string): Promise<Review> {
  const month = checkMonth(deps, monthText);
  return computeReview(deps.db, deps.config, month, deps.clock.now());
}

export type PostOutcome = { outcome: 'posted'; review: Review; chart: boolean } | { outcome: 'already'; postedAt: Date | null };

/**
 * Posts `month`'s review to the review channel, once ever: the review_posts row is claimed first
 * (a lease, so a crashed attempt can be finished by the next), the chart is uploaded, then the text
 * is queued with its dedupe key in the transaction that marks the month posted.
 */
export async function postReview(deps: ReviewDeps, month: string, actor: string): Promise<PostOutcome> {
  const { db, clock, config } = deps;
  const channel = config.channels.review;
  if (!channel) throw new DomainError('invalid', 'review.no_channel', {});
  const now = clock.now();
  const claimed = await db
    .insert(reviewPosts)
    .values({ month, channel, requestedBy: actor, leaseUntil: new Date(now.getTime() + LEASE_MS), createdAt: now })
    .onConflictDoUpdate({
      target: reviewPosts.month,
      set: { leaseUntil: new Date(now.getTime() + LEASE_MS), requestedBy: actor },
      setWhere: sql`${reviewPosts.postedAt} is null and (${reviewPosts.leaseUntil} is null or ${reviewPosts.leaseUntil} < ${now.toISOString()}::timestamptz)`,
    })
    .returning();
  const row = claimed[0];
  if (!row) {
    const [existing] = await db.select().from(reviewPosts).where(eq(reviewPosts.month, month));
    return { outcome: 'already', postedAt: existing?.postedAt ?? null };
  }
  const review = await reviewOf(deps, month);
  let chartFileId = row.chartFileId;
  if (!chartFileId) chartFileId = await uploadChart(deps, review, channel);
  await db.transaction(async (tx) => {
    await enqueue(tx, clock.now(), [
      { kind: 'post', channel, messageKey: reviewMessageKey(month), dedupeKey: reviewMessageKey(month), payload: deps.present.post(review) as never },
    ]);
    await tx
      .update(reviewPosts)
      .set({
        figures: review as never,
        postedAt: clock.now(),
        leaseUntil: null,
        chartFileId,
        chartUploadedAt: chartFileId ? clock.now() : null,
        chartAttempts: deps.files ? sql`${reviewPosts.chartAttempts} + 1` : reviewPosts.chartAttempts,
      })
      .where(eq(reviewPosts.id, row.id));
  });
  deps.queued();
  return { outcome: 'posted', review, chart: !!chartFileId };
}

/** Renders and uploads the chart; undefined (and logged) when Slack refuses or is away. */
async function uploadChart(deps: ReviewDeps, review: Review, channel: string, threadTs?: string): Promise<string | null> {
  if (!deps.files) return null;
  try {
    const png = renderReviewChart({ month: review.month, days: review.days, weeks: review.weeks }, deps.tr);
    const { fileId } = await deps.files.upload({
      channel,
      threadTs,
      filename: `opsdesk-review-${review.month}.png`,
      title: deps.present.chartComment(review),
      bytes: png,
      comment: deps.present.chartComment(review),
    });
    return fileId;
  } catch (err) {
    deps.logger.warn({ err, month: review.month }, 'review chart upload failed; the review-charts job retries it');
    return null;
  }
}

/**
 * Uploads the charts of posted reviews that have none yet (Slack was away, or no token where the
 * post was made), into the review's thread. Each month at most once at a time (lease), a few tries.
 */
export async function retryCharts(deps: ReviewDeps): Promise<number> {
  if (!deps.files) return 0;
  const { db, clock } = deps;
  const now = clock.now();
  const pending = await db
    .select()
    .from(reviewPosts)
    .where(and(isNull(reviewPosts.chartFileId), isNotNull(reviewPosts.postedAt), lt(reviewPosts.chartAttempts, MAX_CHART_ATTEMPTS)))
    .limit(5);
  let uploaded = 0;
  for (const row of pending) {
    const [claimed] = await db
      .update(reviewPosts)
      .set({ leaseUntil: new Date(now.getTime() + LEASE_MS), chartAttempts: sql`${reviewPosts.chartAttempts} + 1` })
      .where(and(eq(reviewPosts.id, row.id), isNull(reviewPosts.chartFileId), or(isNull(reviewPosts.leaseUntil), lt(reviewPosts.leaseUntil, now))))
      .returning();
    if (!claimed?.figures) continue;
    const location = await postedLocation(db, reviewMessageKey(row.month));
    const fileId = await uploadChart(deps, claimed.figures as unknown as Review, location?.channel ?? row.channel, location?.ts);
    await db.update(reviewPosts).set({ leaseUntil: null, ...(fileId ? { chartFileId: fileId, chartUploadedAt: clock.now() } : {}) }).where(eq(reviewPosts.id, row.id));
    if (fileId) uploaded++;
  }
  return uploaded;
}

/** The `monthly-review` job: last month's review to the review channel, then any chart still owed. */
export async function runMonthlyReview(deps: ReviewDeps, at: Date): Promise<{ posted: number; already: number; charts: number }> {
  const month = rules.lastMonthOf(at, deps.config.timezone);
  const result = await postReview(deps, month, 'opsdesk');
  const charts = await retryCharts(deps);
  return { posted: result.outcome === 'posted' ? 1 : 0, already: result.outcome === 'already' ? 1 : 0, charts };
}

/** The Post-to-channel button of `/review`: supervisors, dispatchers and admins; refusals audited. */
export async function postReviewAsUser(deps: ReviewDeps, monthText: string, actor: string): Promise<PostOutcome> {
  // A value that is not a month is bad input, not a refusal: answered, and nothing is written.
  const month = checkMonth(deps, monthText);
  if (!canDispatch(deps.config.roles, actor)) {
    await audit(deps.db, { at: deps.clock.now(), actor, action: 'review.post', subject: `review:${month}`, outcome: 'refused' });
    throw new DomainError('refused', 'review.not_allowed', { month });
  }
  return postReview(deps, month, actor);
}
