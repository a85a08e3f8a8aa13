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

/** States in which the engineer is done with a ticket: the alert firing again opens a new one. */
const DONE: readonly TicketState[] = ['resolved', 'closed', 'cancelled'];

/**
 * Takes one payload's alerts in one transaction and returns what happened. Alerts are taken in
 * fingerprint order; the same alert twice in one payload counts once.
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
    for (const alert of ordered) {
      const result = await receiveOne(deps, tx, ticketDeps, alert, now);
      if (result.kind === 'opened') {
        outcome.opened.push(result.ticket.key);
        created.push(result.ticket);
      } else outcome[result.kind]++;
      if (result.kind !== 'duplicates' && result.kind !== 'ignored') queued = true;
    }
  });
  if (queued) deps.queued();
  for (const ticket of created) for (const listener of deps.tickets.afterCreated ?? []) listener(ticket);
  return outcome;
}

type One = { kind: 'opened'; ticket: TicketWithCustomer } | { kind: 'repeated' | 'resolved' | 'duplicates' | 'ignored' };

async function receiveOne(deps: AlertDeps, tx: Db, ticketDeps: TicketDeps, alert: IncomingAlert, now: Date): Promise<One> {
  const open = await store.openEpisode(tx, alert.fingerprint);
  const startsAt = alert.startsAt ?? impliedStart(alert, open, now);
  const delivery = await store.recordDelivery(tx, { fingerprint: alert.fingerprint, status: alert.status, startsAt, source: alert.source, receivedAt: now });
  if (delivery === undefined) return { kind: 'duplicates' };

  if (alert.status === 'resolved') {
    // Nothing open, or a late "resolved" of an earlier firing than the one the episode is in.
    if (!open?.ticketId || open.startsAt.getTime() > startsAt.getTime()) return { kind: 'ignored' };
    await store.linkDelivery(tx, delivery, open.id);
    const at = alert.endsAt ?? now;
    await store.updateEpisode(tx, open.id, { status: 'resolved', monitoringResolvedAt: at, updatedAt: now });
    const ticket = await getTicketById(deps.tickets, open.ticketId, tx);
    if (ticket) await deps.notify.resolved(tx, ticket, at);
    return { kind: 'resolved' };
  }

  let previous: TicketWithCustomer | undefined;
  if (open?.ticketId) {
    const ticket = (await getTicketById(deps.tickets, open.ticketId, tx))!;
    if (!DONE.includes(ticket.state)) {
      await repeat(deps, tx, open, ticket, alert, startsAt, now);
      await store.linkDelivery(tx, delivery, open.id);
      return { kind: 'repeated' };
    }
    // The engineer resolved it and the alert fired again: this episode ends, a new one links it.
    await store.updateEpisode(tx, open.id, { endedAt: now, updatedAt: now });
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
    await repeat(deps, tx, winner, ticket, alert, startsAt, now);
    return { kind: 'repeated' };
  }
  const withChannel = route.channel ? { ...ticketDeps, config: { ...ticketDeps.config, channels: { ...ticketDeps.config.channels, support: route.channel } } } : ticketDeps;
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
    { requestKey: `alert:${episode.id}`, origin: { kind: 'alert' } },
  );
  await store.updateEpisode(tx, episode.id, { ticketId: ticket.id });
  await store.linkDelivery(tx, delivery, episode.id);
  if (previous) await deps.notify.refired(tx, previous, ticket, alertTitle(alert, TICKET_LIMITS.title));
  return { kind: 'opened', ticket };
}

/** Counts a firing on an open ticket and notes it in the thread when a note is due. */
async function repeat(deps: AlertDeps, tx: Db, open: AlertEpisode, ticket: TicketWithCustomer, alert: IncomingAlert, startsAt: Date, now: Date): Promise<void> {
  const unreported = open.unreportedFirings + 1;
  const latest = startsAt.getTime() > open.startsAt.getTime() ? startsAt : open.startsAt;
  if (noteDue(open.lastNoteAt, now, deps.config.alerts.repeat_note)) {
    await deps.notify.repeated(tx, ticket, { title: alertTitle(alert, TICKET_LIMITS.title), count: unreported, since: open.lastNoteAt ?? open.createdAt });
    await store.updateEpisode(tx, open.id, { status: 'firing', startsAt: latest, firings: open.firings + 1, unreportedFirings: 0, lastNoteAt: now, updatedAt: now });
  } else {
    await store.updateEpisode(tx, open.id, { status: 'firing', startsAt: latest, firings: open.firings + 1, unreportedFirings: unreported, updatedAt: now });
  }
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
