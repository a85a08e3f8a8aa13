// Prometheus metrics (GET /metrics) with prom-client: the default process metrics plus opsdesk's own.
// One registry per running app (tests start several in one process). Counters and histograms are
// fed where things happen (the receiver, the outbox worker, the job runner); gauges that describe
// the store (outbox depth, open tickets) are read from the database at scrape time through
// collectors the composition root adds — the kernel knows no module.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The surfaces Slack sends requests for, as the ack histogram labels them. */
export type SlackSurface = 'command' | 'block_actions' | 'view_submission' | 'view_closed' | 'options' | 'shortcut' | 'event' | 'unknown';

/** How one outbox delivery attempt ended. */
export type DeliveryOutcome = 'ok' | '429' | 'retry' | 'failed';

/** A gauge read at scrape time: one value per label set. */
export interface ScrapeGauge<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  read(): Promise<{ labels: Record<L, string>; value: number }[]>;
}

export interface Metrics {
  readonly registry: Registry;
  /** Time from a Slack request's arrival to its acknowledgement (the HTTP answer), by surface. */
  readonly ackSeconds: Histogram<'surface'>;
  /** Outbox delivery attempts by outcome. */
  readonly outboxDeliveries: Counter<'outcome'>;
  /** HTTP 429 answers per channel (Slack's per-channel limit, or a method tier). */
  readonly outbox429: Counter<'channel'>;
  /** Job runs by job and outcome (ok, failed, skipped). */
  readonly jobRuns: Counter<'job' | 'outcome'>;
  /** Adds a gauge computed from the store at scrape time; a failing read leaves it out of that scrape. */
  addScrapeGauge<L extends string>(gauge: ScrapeGauge<L>): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ body: string; contentType: string }>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const ackSeconds = new Histogram({
    name: 'opsdesk_slack_ack_seconds',
    help: 'Time from a Slack request arriving to its acknowledgement, by surface',
    labelNames: ['surface'] as const,
    // Slack allows 3 s; the target is p99 under 0.3 s.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  const outboxDeliveries = new Counter({ name: 'opsdesk_outbox_deliveries_total', help: 'Outbox delivery attempts by outcome (ok, 429, retry, failed)', labelNames: ['outcome'] as const, registers: [registry] });
  const outbox429 = new Counter({ name: 'opsdesk_outbox_rate_limited_total', help: 'Slack 429 answers to outbox deliveries, per channel', labelNames: ['channel'] as const, registers: [registry] });
  const jobRuns = new Counter({ name: 'opsdesk_job_runs_total', help: 'Scheduled job runs by job and outcome (ok, failed, skipped)', labelNames: ['job', 'outcome'] as const, registers: [registry] });
  return {
    registry,
    ackSeconds,
    outboxDeliveries,
    outbox429,
    jobRuns,
    addScrapeGauge<L extends string>(g: ScrapeGauge<L>) {
      new Gauge<L>({
        name: g.name,
        help: g.help,
        labelNames: g.labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          try {
            for (const { labels, value } of await g.read()) this.set(labels as never, value);
          } catch {
            // The store is away: this scrape goes without the gauge rather than failing whole.
          }
        },
      });
    },
    async scrape() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
