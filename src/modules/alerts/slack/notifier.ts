// How monitoring's news reaches a ticket's Slack thread: replies queued in the outbox, in the
// transaction that records them.
import { enqueue } from '../../../outbox/outbox.js';
import type { Clock } from '../../../platform/clock.js';
import type { Translate } from '../../../platform/i18n.js';
import { escapeMrkdwn, slackDate } from '../../../slack/mrkdwn.js';
import { ticketMessageKey, type TicketWithCustomer } from '../../tickets/index.js';
import type { AlertNotifier } from '../alerts.service.js';

/** Replies in the ticket's thread; a ticket never posted (no channel) gets none. */
export function slackAlertNotifier(clock: Clock, tr: Translate): AlertNotifier {
  const reply = async (tx: Parameters<AlertNotifier['resolved']>[0], ticket: TicketWithCustomer, text: string) => {
    if (!ticket.slackChannel) return;
    await enqueue(tx, clock.now(), [{ kind: 'reply', targetKey: ticketMessageKey(ticket.id), payload: { text } }]);
  };
  return {
    repeated: (tx, ticket, r) => reply(tx, ticket, tr('alert.note.repeated', { title: escapeMrkdwn(r.title), count: r.count, since: slackDate(r.since) })),
    resolved: (tx, ticket, at) => reply(tx, ticket, tr('alert.note.resolved', { at: slackDate(at) })),
    refired: (tx, old, next, title) => reply(tx, old, tr('alert.note.refired', { title: escapeMrkdwn(title), key: next.key })),
  };
}
