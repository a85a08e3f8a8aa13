// The reviews module's front door (SPEC §3.8): the monthly review (figures, chart, one post per
// month, its CSV export) and the daily work report with the engineers' problems, and their Slack
// side. The composition roots (app, CLI) use reviews only through this file.
import './reviews.i18n.js';

// Deps and how reviews reach Slack (built in the composition root).
export type { FileUploader, PostOutcome, ReviewDeps, ReviewPresenter } from './reviews.service.js';
export type { DailyDeps, DailyNotifier, DailyReport, EngineerDay } from './daily.service.js';
export type { Review } from './reviews.figures.js';

// Jobs: `monthly-review` (runMonthlyReview), `review-charts` (retryCharts), `daily-report` (runDailyReport).
export { retryCharts, runMonthlyReview } from './reviews.service.js';
export { runDailyReport } from './daily.service.js';

// `export review`: the month's figures as CSV rows.
export { REVIEW_CSV_HEADER, reviewCsvRows } from './reviews.csv.js';

// Tables (for drizzle-kit).
export { dailyReportNotes, reviewPosts } from './reviews.table.js';

// The Slack side: presenter, notifier and file uploader, and the listeners.
export { slackDailyNotifier, slackFileUploader, slackReviewPresenter } from './slack/notifier.js';
export { registerReviewListeners } from './slack/listeners.js';
