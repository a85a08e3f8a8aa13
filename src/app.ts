// Composition root, part two: config → store → services → Bolt app → outbox worker → scheduler.
// main.ts and the tests both start opsdesk through `startOpsdesk`. The one place (with services.ts
// and cli/) that knows every module.
import type { WebClient } from '@slack/web-api';
import type { Config } from './config/config.js';
import { startScheduler } from './jobs/scheduler.js';
import { OutboxWorker } from './outbox/worker.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Store } from './platform/db.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { outboxBacklog } from './outbox/outbox.js';
import type { Logger } from './platform/logger.js';
import { UserLocales } from './platform/user-locales.js';
import { createSlackApp, jsonRoute, startSlackApp } from './slack/app.js';
import type { ListenerDeps } from './slack/deps.js';
import { InFlight, requestLog } from './slack/middleware.js';
import { SlackRouter } from './slack/router.js';
import { SlackWebClient, webClientOptions } from './slack/web-client.js';
import type { App, CustomRoute } from '@slack/bolt';
import { buildServices, POSTED_HOOKS, type Services } from './services.js';
import { openTicketsBySla, registerTicketListeners, ticketsHomeSection, type TicketDeps } from './modules/tickets/index.js';
import { registerVisitListeners, visitRoutes, visitsHomeSection } from './modules/visits/index.js';
import { patrolsHomeSection, registerPatrolListeners } from './modules/patrols/index.js';
import { registerKbListeners } from './modules/kb/index.js';
import { oncallHomeSection, registerOncallListeners } from './modules/oncall/index.js';
import { registerReviewListeners, slackFileUploader } from './modules/reviews/index.js';
import { registerHomeListeners } from './modules/home/index.js';
import { changesHomeSection, registerChangeListeners } from './modules/changes/index.js';
import { alertRoutes } from './modules/alerts/index.js';

export interface OpsdeskOptions {
  config: Config;
  store: Store;
  logger: Logger;
  slack: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string };
  port: number;
  /** Listen on this address only (the sandbox: 127.0.0.1); default every interface. */
  host?: string;
  /** More HTTP routes on the same server (the sandbox's page). */
  routes?: CustomRoute[];
  clock?: Clock;
  /** Outbox poll interval when nobody kicks the worker. */
  outboxPollMs?: number;
  /**
   * Keep Slack's limits in the outbox (about one message a second per channel, the method tiers).
   * Default: on when opsdesk runs on the system clock, off with an injected clock — paced in a
   * clock that only moves when a test moves it, a channel's fourth message would never go.
   */
  outboxPacing?: boolean;
  /** Run the scheduled jobs in this process (default true; tests drive jobs with an injected clock). */
  scheduler?: boolean;
  /** ALERTS_TOKEN: the bearer token of POST /alerts/*; unset, those endpoints do not exist (404). */
  alertsToken?: string;
}

export interface Opsdesk {
  port: number;
  app: App;
  worker: OutboxWorker;
  ticketDeps: TicketDeps;
  services: Services;
  /** Resolves when no Slack handler is running (work after ack included). */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops taking requests, finishes handlers and outbox sends. Does not close the store. */
  stop(): Promise<void>;
}

/** The Web API client the outbox uses: no retries of its own, 429s come back to the worker. */
export function outboxClient(botToken: string, apiUrl?: string): WebClient {
  return new SlackWebClient(botToken, webClientOptions({ slackApiUrl: apiUrl, retries: 0, rejectRateLimitedCalls: true }));
}

export async function startOpsdesk(opts: OpsdeskOptions): Promise<Opsdesk> {
  const { config, store, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const worker = new OutboxWorker({
    db: store.db,
    client: outboxClient(opts.slack.botToken, opts.slack.apiUrl),
    clock,
    logger: logger.child({ component: 'outbox' }),
    postedHooks: POSTED_HOOKS,
    pollMs: opts.outboxPollMs,
    metrics,
    pacing: opts.outboxPacing ?? opts.clock === undefined,
  });
  const services = buildServices({
    metrics,
    db: store.db,
    config,
    clock,
    logger,
    queued: () => worker.kick(),
    files: slackFileUploader(outboxClient(opts.slack.botToken, opts.slack.apiUrl)),
  });
  const ticketDeps = services.tickets;

  const inFlight = new InFlight();
  addStoreGauges(metrics, services, inFlight);
  const app = createSlackApp({
    botToken: opts.slack.botToken,
    signingSecret: opts.slack.signingSecret,
    appToken: opts.slack.appToken,
    slackApiUrl: opts.slack.apiUrl,
    port: opts.port,
    logger,
    metrics,
    routes: [
      jsonRoute('/healthz', async () => {
        const ok = await store.ping();
        return { status: ok ? 200 : 503, body: { ok, store: store.kind } };
      }),
      jsonRoute('/metrics', async () => {
        const { body, contentType } = await metrics.scrape();
        return { status: 200, body, contentType };
      }),
      ...visitRoutes(services.visits, logger),
      ...alertRoutes(services.alerts, opts.alertsToken, logger),
      ...(opts.routes ?? []),
    ],
  });
  app.use(requestLog(logger, inFlight));
  app.error(async (err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
  });
  const router = new SlackRouter(app, (kind, id) => logger.warn({ kind, id }, 'no listener for this Slack request; acknowledged'));
  const routes = router.routes;
  const locales = new UserLocales(store.db, config.locale);
  const listenerDeps: ListenerDeps = Object.freeze({ config, tr: services.tr, trFor: (user: string) => locales.translatorFor(user), logger });
  registerTicketListeners(routes, listenerDeps, services.tickets, services.sla);
  registerChangeListeners(routes, listenerDeps, services.changes);
  registerOncallListeners(routes, listenerDeps, services.oncall);
  registerVisitListeners(routes, listenerDeps, services.visits);
  registerPatrolListeners(routes, listenerDeps, services.patrols);
  registerKbListeners(routes, listenerDeps, services.kb);
  registerReviewListeners(routes, listenerDeps, services.reviews, services.daily);
  registerHomeListeners(routes, listenerDeps, {
    clock,
    locales,
    sections: [ticketsHomeSection(services.tickets), oncallHomeSection(services.oncall), changesHomeSection(services.changes), visitsHomeSection(services.visits), patrolsHomeSection(services.patrols)],
  });

  router.mount();
  const port = await startSlackApp(app, opts.port, opts.host);
  worker.start();
  const scheduler = opts.scheduler === false ? undefined : startScheduler(services);
  let stopped: Promise<void> | undefined;
  return {
    port,
    app,
    worker,
    ticketDeps,
    services,
    idle: (timeoutMs = 5_000) => inFlight.idle(timeoutMs),
    stop: () =>
      (stopped ??= (async () => {
        await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
        await scheduler?.stop();
        await inFlight.idle(10_000);
        await worker.stop();
        await worker.drain(5_000).catch(() => 0);
      })()),
  };
}

/** The gauges /metrics reads at scrape time: handlers in flight, the outbox backlog, open tickets by SLA state. */
function addStoreGauges(metrics: Metrics, services: Services, inFlight: InFlight): void {
  metrics.addScrapeGauge({ name: 'opsdesk_requests_in_flight', help: 'Slack handlers running now (ack and the work after it)', labelNames: [], read: async () => [{ labels: {}, value: inFlight.size }] });
  // One query serves the three outbox gauges of a scrape.
  let cached: { at: number; backlog: ReturnType<typeof outboxBacklog> } | undefined;
  const backlog = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), backlog: outboxBacklog(services.db, services.clock.now()) };
    return cached.backlog;
  };
  metrics.addScrapeGauge({ name: 'opsdesk_outbox_pending', help: 'Outbox messages not delivered yet', labelNames: [], read: async () => [{ labels: {}, value: (await backlog()).pending }] });
  metrics.addScrapeGauge({ name: 'opsdesk_outbox_failed', help: 'Outbox messages Slack refused for good (see last_error)', labelNames: [], read: async () => [{ labels: {}, value: (await backlog()).failed }] });
  metrics.addScrapeGauge({
    name: 'opsdesk_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest undelivered outbox message',
    labelNames: [],
    read: async () => [{ labels: {}, value: (await backlog()).oldestPendingSeconds }],
  });
  metrics.addScrapeGauge({
    name: 'opsdesk_open_tickets',
    help: 'Open tickets (not yet resolved) by priority and SLA state (ok, warning, breached, paused)',
    labelNames: ['priority', 'sla_state'] as const,
    read: async () => (await openTicketsBySla(services.tickets)).map((r) => ({ labels: { priority: r.priority, sla_state: r.slaState }, value: r.count })),
  });
}
