// `export review --month YYYY-MM`: the review's figures as CSV rows (the same figures the post shows).
import type { Config } from '../../config/config.js';
import type { Db } from '../../platform/db.js';
import { computeReview, figureRows } from './reviews.figures.js';
import { lastMonthOf } from './reviews.rules.js';

export const REVIEW_CSV_HEADER = ['month', 'section', 'metric', 'key', 'value', 'previous_month', 'change'];

/** The CSV rows of a month's review (last month when none is given). */
export async function reviewCsvRows(
  db: Db,
  config: Pick<Config, 'timezone' | 'reports' | 'calendars'>,
  month: string | undefined,
  now: Date,
): Promise<unknown[][]> {
  const review = await computeReview(db, config, month ?? lastMonthOf(now, config.timezone), now);
  return figureRows(review).map((r) => [review.month, r.section, r.metric, r.key, r.current, r.previous, r.change]);
}
