import type { Db } from '../../../platform/db.js';
import { eq } from 'drizzle-orm';
import type { Translate } from '../../../platform/i18n.js';
import { escapeMrkdwn } from '../../../slack/mrkdwn.js';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import type { PostedHook } from '../../../outbox/worker.js';
import type { Clock } from '../../../platform/clock.js';
import type { TicketChange, TicketNotifier } from '../tickets.transition.js';
import type { TicketWithCustomer } from '../tickets.store.js';
import { tickets } from '../tickets.table.js';
import { ticketMessageKey } from './ids.js';
import { actorLabel, changeReplyPayload, ticketMessage } from './views.js';

/** Tells Slack about tickets through the outbox: one channel message per ticket, replies in its thread. */
export function slackTicketNotifier(clock: Clock, tr: Translate): TicketNotifier {
  return {
    async created(tx, ticket) {
      if (!ticket.slackChannel) return;
      await enqueue(tx, clock.now(), [
        { kind: 'post', channel: ticket.slackChannel, messageKey: ticketMessageKey(ticket.id), payload: ticketMessage(ticket, tr) },
      ]);
    },
    async changed(tx, ticket, change) {
      if (!ticket.slackChannel) return;
      const key = ticketMessageKey(ticket.id);
      const messages: OutboxMessage[] = [
        { kind: 'update', targetKey: key, payload: ticketMessage(ticket, tr) },
        { kind: 'reply', targetKey: key, payload: changeReplyPayload(ticket, change, tr) },
      ];
      if (change.action === 'assign' && change.assignee && change.assignee !== change.actor) {
        messages.push({ kind: 'dm', userId: change.assignee, payload: { text: assignedDm(ticket, change, tr) } });
      }
      await enqueue(tx, clock.now(), messages);
    },
  };
}

function assignedDm(t: TicketWithCustomer, change: TicketChange, tr: Translate): string {
  return tr('ticket.dm.assigned', { user: actorLabel(change.actor), key: t.key, title: escapeMrkdwn(t.title), priority: t.priority });
}

/** Keeps the ticket row's Slack location when its message is delivered. */
export const ticketPostedHook: PostedHook = async (tx: Db, messageKey, channel, ts) => {
  const m = /^ticket:(\d+)$/.exec(messageKey);
  if (!m) return;
  await tx.update(tickets).set({ slackChannel: channel, slackTs: ts }).where(eq(tickets.id, Number(m[1])));
};
