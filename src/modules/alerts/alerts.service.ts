// Tickets from monitoring (SPEC §3.10): one payload, one transaction. Each alert is first recorded
// by its (fingerprint, status, startsAt) key — a retry or a resent group stops there — then:
//   firing, no open episode          → claim the fingerprint (unique key) and open a ticket through
//                                      tickets' front door: same hooks (P1 urgent path, on-call page),
//                                      same transaction, messages through the outbox;
//   firing, its ticket still open    → count it; a thread note at most once per alerts.repeat_note;
//   firing, its ticket resolved      → end that episode, open a new ticket linking the old one;
//   resolved                         → a thread reply "monitoring reports resolved at …".
// The engineer still resolves the ticket with cause and fix: monitoring never resolves it.
import type { Config } from '../../config/config.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import type { Translate } from '../../platform/i18n.js';
import { getTicketById, openTicket, SYSTEM_ACTOR, TICKET_LIMITS, type TicketDeps, type TicketState, type TicketWithCustomer } from '../tickets/index.js';
import { alertTitle, customerOf, describeAlert, MONITORING_CATEGORY, noteDue, routeAlert, type IncomingAlert } from './alerts.rules.js';
import * as store from './alerts.store.js';
import type { AlertEpisode } from './alerts.store.js';

/** How the domain tells Slack: implementations queue outbox rows (thread replies) in the given transaction. */
export interface AlertNotifier {
  /** The alert fired `count` times since `since` (the last note, or the ticket's opening). */
  repeated(tx: Db, ticket: TicketWithCustomer, r: { title: string; count: number; since: Date }): Promise<void>;
  /** Monitoring reports the alert resolved at `at`. */
  resolved(tx: Db, ticket: TicketWithCustomer, at: Date): Promise<void>;
  /** The alert fired again after `old` was resolved: `next` is its new ticket. */
  refired(tx: Db, old: TicketWithCustomer, next: TicketWithCustomer, title: string): Promise<void>;
}

export interface AlertDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** The workspace language: ticket descriptions are written in it. */
  tr: Translate;
  tickets: TicketDeps;
  notify: AlertNotifier;
  queued: () => void;
}

export interface AlertOutcome {
  received: number;
  opened: string[];
  repeated: number;
  resolved: number;
  duplicates: number;
  ignored: number;
}

/** Most new tickets of one payload whose after-commit listeners run at once. */
const AFTER_COMMIT_MAX = 5;

/** States in which the engineer is done with a ticket: the alert firing again opens a new one. */
const DONE: readonly TicketState[] = ['resolved', 'closed', 'cancelled'];

/**
 * Takes one payload's alerts in one transaction and returns what happened. Alerts are taken in
 * fingerprint order; the same alert twice in one payload counts once. The reads and writes of the
 * whole payload are batched (open episodes, deliveries, links); each new ticket is opened through
 * tickets' front door.
 */
export async function receiveAlerts(deps: AlertDeps, alerts: readonly IncomingAlert[]): Promise<AlertOutcome> {
  const now = deps.clock.now();
  const outcome: AlertOutcome = { received: alerts.length, opened: [], repeated: 0, resolved: 0, duplicates: 0, ignored: 0 };
  const ordered = [...alerts].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.status.localeCompare(b.status)));
  const created: TicketWithCustomer[] = [];
  let queued = false;
  await deps.db.transaction(async (tx) => {
    await store.lockIngest(tx);
    // Tickets' own front door, in this transaction: its hooks run here; waking the worker and the
    // after-commit listeners wait for the commit below.
    const ticketDeps: TicketDeps = {
      ...deps.tickets,
      db: tx,
      config: monitoringConfig(deps.tickets.config),
      afterCreated: [],
      queued: () => {},
    };
    const open = await store.openEpisodes(tx, ordered.map((a) => a.fingerprint));
    // Each alert's idempotency key; the first of a key in this payload is the one taken.
    const keyed = new Map<string, { alert: IncomingAlert; delivery: store.NewDelivery }>();
    for (const alert of ordered) {
      const delivery = { fingerprint: alert.fingerprint, status: alert.status, startsAt: alert.startsAt ?? impliedStart(alert, open.get(alert.fingerprint), now), source: alert.source, receivedAt: now };
      const key = store.deliveryKey(delivery);
      if (keyed.has(key)) outcome.duplicates++;
      else keyed.set(key, { alert, delivery });
    }
    const fresh = await store.recordDeliveries(tx, [...keyed.values()].map((k) => k.delivery));
    const links: { deliveryId: number; episodeId: number }[] = [];
    const tickets: { episodeId: number; ticketId: number }[] = [];
    for (const [key, { alert, delivery }] of keyed) {
      const deliveryId = fresh.get(key);
      if (deliveryId === undefined) {
        outcome.duplicates++;
        continue;
      }
      const result = await receiveOne(deps, tx, ticketDeps, alert, delivery.startsAt, open, now);
      if (result.episodeId !== undefined) links.push({ deliveryId, episodeId: result.episodeId });
      if (result.kind === 'opened') {
        outcome.opened.push(result.ticket.key);
        created.push(result.ticket);
        tickets.push({ episodeId: result.episodeId, ticketId: result.ticket.id });
      } else outcome[result.kind]++;
      if (result.kind !== 'ignored') queued = true;
    }
    await store.setEpisodeTickets(tx, tickets);
    await store.linkDeliveries(tx, links);
  });
  if (queued) deps.queued();
  // After-commit work of new tickets (the kb hint) for a few; a storm's tickets keep their pending
  // hint rows for the kb-hints job instead of taking every connection of the pool at once.
  if (created.length <= AFTER_COMMIT_MAX) for (const ticket of created) for (const listener of deps.tickets.afterCreated ?? []) listener(ticket);
  return outcome;
}

type One = { kind: 'opened'; ticket: TicketWithCustomer; episodeId: number } | { kind: 'repeated' | 'resolved' | 'ignored'; episodeId?: number };

/** One alert never received before; `open` (the payload's open episodes) is kept up to date. */
async function receiveOne(deps: AlertDeps, tx: Db, ticketDeps: TicketDeps, alert: IncomingAlert, startsAt: Date, open: Map<string, AlertEpisode>, now: Date): Promise<One> {
  const current = open.get(alert.fingerprint);
  if (alert.status === 'resolved') {
    // Nothing open, or a late "resolved" of an earlier firing than the one the episode is in.
    if (!current?.ticketId || current.startsAt.getTime() > startsAt.getTime()) return { kind: 'ignored' };
    const at = alert.endsAt ?? now;
    await store.updateEpisode(tx, current.id, { status: 'resolved', monitoringResolvedAt: at, updatedAt: now });
    open.set(alert.fingerprint, { ...current, status: 'resolved', monitoringResolvedAt: at, updatedAt: now });
    const ticket = await getTicketById(deps.tickets, current.ticketId, tx);
    if (ticket) await deps.notify.resolved(tx, ticket, at);
    return { kind: 'resolved', episodeId: current.id };
  }

  let previous: TicketWithCustomer | undefined;
  if (current?.ticketId) {
    const ticket = (await getTicketById(deps.tickets, current.ticketId, tx))!;
    if (!DONE.includes(ticket.state)) {
      open.set(alert.fingerprint, await repeat(deps, tx, current, ticket, alert, startsAt, now));
      return { kind: 'repeated', episodeId: current.id };
    }
    // The engineer resolved it and the alert fired again: this episode ends, a new one links it.
    await store.updateEpisode(tx, current.id, { endedAt: now, updatedAt: now });
    previous = ticket;
  }

  const route = routeAlert(deps.config.alerts.routes, alert.labels);
  const episode = await store.claimEpisode(tx, {
    fingerprint: alert.fingerprint,
    source: alert.source,
    alertName: alert.labels.alertname ?? alert.title,
    labels: alert.labels,
    status: 'firing',
    startsAt,
    previousTicketId: previous?.id ?? null,
    createdAt: now,
    updatedAt: now,
  });
  if (!episode) {
    // Only without the ingest lock could another transaction hold the fingerprint: it opened the
    // ticket, this firing is a repeat of it.
    const winner = (await store.openEpisode(tx, alert.fingerprint))!;
    const ticket = (await getTicketById(deps.tickets, winner.ticketId!, tx))!;
    open.set(alert.fingerprint, await repeat(deps, tx, winner, ticket, alert, startsAt, now));
    return { kind: 'repeated', episodeId: winner.id };
  }
  const withChannel = route.channel ? { ...ticketDeps, config: { ...ticketDeps.config, channels: { ...ticketDeps.config.channels, support: route.channel } } } : ticketDeps;
  // No request key: the episode's unique key above is what keeps this ticket single.
  const ticket = await openTicket(
    withChannel,
    {
      newCustomerName: customerOf(alert, route, deps.config.alerts.customer),
      site: clip(alert.labels.site, TICKET_LIMITS.site),
      product: clip(alert.labels.product, TICKET_LIMITS.product),
      category: MONITORING_CATEGORY,
      priority: route.priority,
      title: alertTitle(alert, TICKET_LIMITS.title),
      description: describeAlert(alert, deps.tr, { previousKey: previous?.key, max: TICKET_LIMITS.description }),
    },
    SYSTEM_ACTOR,
    { origin: { kind: 'alert' } },
  );
  open.set(alert.fingerprint, { ...episode, ticketId: ticket.id });
  if (previous) await deps.notify.refired(tx, previous, ticket, alertTitle(alert, TICKET_LIMITS.title));
  return { kind: 'opened', ticket, episodeId: episode.id };
}

/** Counts a firing on an open ticket and notes it in the thread when a note is due; returns the episode as updated. */
async function repeat(deps: AlertDeps, tx: Db, open: AlertEpisode, ticket: TicketWithCustomer, alert: IncomingAlert, startsAt: Date, now: Date): Promise<AlertEpisode> {
  const unreported = open.unreportedFirings + 1;
  const latest = startsAt.getTime() > open.startsAt.getTime() ? startsAt : open.startsAt;
  let patch: Partial<AlertEpisode> = { status: 'firing', startsAt: latest, firings: open.firings + 1, unreportedFirings: unreported, updatedAt: now };
  if (noteDue(open.lastNoteAt, now, deps.config.alerts.repeat_note)) {
    await deps.notify.repeated(tx, ticket, { title: alertTitle(alert, TICKET_LIMITS.title), count: unreported, since: open.lastNoteAt ?? open.createdAt });
    patch = { ...patch, unreportedFirings: 0, lastNoteAt: now };
  }
  await store.updateEpisode(tx, open.id, patch);
  return { ...open, ...patch };
}

/**
 * The start of a generic alert sent without `startsAt`: a firing while its episode is firing is the
 * same firing (a retry changes nothing); a firing after a resolved one is a new firing (now); a
 * resolved belongs to the episode's firing.
 */
function impliedStart(alert: IncomingAlert, open: AlertEpisode | undefined, now: Date): Date {
  if (!open) return now;
  if (alert.status === 'resolved' || open.status === 'firing') return open.startsAt;
  return now;
}

/** Tickets' config with the monitoring category allowed (it is not offered in the form). */
function monitoringConfig(config: Config): Config {
  if (config.tickets.categories.includes(MONITORING_CATEGORY)) return config;
  return { ...config, tickets: { ...config.tickets, categories: [...config.tickets.categories, MONITORING_CATEGORY] } };
}

function clip(value: string | undefined, max: number): string | undefined {
  const v = value?.trim();
  return v ? v.slice(0, max) : undefined;
}
