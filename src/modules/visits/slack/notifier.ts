// Tells Slack about visit orders through the outbox: one dispatch message per order (updated in
// place), replies in its thread, a line in the ticket's thread, DMs and escalations.
import type { Config } from '../../../config/config.js';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import type { PostedHook } from '../../../outbox/worker.js';
import type { Clock } from '../../../platform/clock.js';
import type { Translate } from '../../../platform/i18n.js';
import { actions, button, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate } from '../../../slack/mrkdwn.js';
import { formatLateness } from '../../sla/index.js';
import { ticketMessageKey } from '../../tickets/index.js';
import { declinesOf, ticketHasThread } from '../visits.queries.js';
import { recordDispatchMessage, type VisitChange, type VisitNotifier, type VisitOrderView } from '../visits.service.js';
import { VISIT_ACTIONS, visitMessageKey } from './ids.js';
import { changeReply, dispatchMessage, slackWindow, visitButtonValue } from './views.js';

/** The change's transaction: the notifier only queues outbox rows (and reads) in it. */
type Tx = Parameters<VisitNotifier['created']>[0];

/** A link to the order's dispatch message once it has one, else its id in bold. */
export function orderLink(o: Pick<VisitOrderView, 'key' | 'slackChannel' | 'slackTs'>): string {
  return o.slackChannel && o.slackTs ? `<https://slack.com/archives/${o.slackChannel}/p${o.slackTs.replace('.', '')}|${o.key}>` : `*${o.key}*`;
}

/** Who hears about escalations: the dispatchers, else the supervisors (at most five mentions). */
export function dispatcherMentions(config: Config): string {
  const people = config.roles.dispatchers.length > 0 ? config.roles.dispatchers : config.roles.supervisors;
  return people.slice(0, 5).map(mention).join(' ');
}

export function slackVisitNotifier(clock: Clock, config: Config, tr: Translate): VisitNotifier {
  const escalationChannel = (o: VisitOrderView) => config.channels.escalation ?? o.slackChannel;
  const message = async (tx: Tx, o: VisitOrderView) =>
    dispatchMessage({ order: o, declines: o.state === 'open' ? await declinesOf(tx, o.id) : [], maxCallAttempts: config.visits.max_call_attempts }, tr);
  /** A line in the ticket's thread, when the ticket has a message to reply to. */
  const ticketReply = async (tx: Tx, o: VisitOrderView, text: string): Promise<OutboxMessage[]> => {
    return (await ticketHasThread(tx, o.ticketId)) ? [{ kind: 'reply', targetKey: ticketMessageKey(o.ticketId), payload: { text } }] : [];
  };
  const where = (o: VisitOrderView) => (o.slackChannel ? `<#${o.slackChannel}>` : tr('visit.no_channel'));

  return {
    async created(tx, o) {
      const messages: OutboxMessage[] = [];
      if (o.slackChannel) messages.push({ kind: 'post', channel: o.slackChannel, messageKey: visitMessageKey(o.id), payload: await message(tx, o) });
      messages.push(...(await ticketReply(tx, o, tr('visit.ticket_reply.created', { user: mention(o.createdBy), key: o.key, window: slackWindow(o.requestedStart, o.requestedEnd), channel: where(o) }))));
      await enqueue(tx, clock.now(), messages);
    },

    async changed(tx, o, change) {
      const key = visitMessageKey(o.id);
      const messages: OutboxMessage[] = [];
      if (o.slackChannel) {
        messages.push({ kind: 'update', targetKey: key, payload: await message(tx, o) }, { kind: 'reply', targetKey: key, payload: { text: changeReply(o, change, tr) } });
      }
      messages.push(...(await extras(tx, o, change)));
      await enqueue(tx, clock.now(), messages);
    },

    async reannounced(tx, o) {
      if (!o.slackChannel) return 0;
      const text = tr('visit.reannounce', { key: o.key, customer: escapeMrkdwn(o.customerName), minutes: config.visits.accept_timeout, window: slackWindow(o.requestedStart, o.requestedEnd) });
      const blocks = [section(text), actions(`visit.reannounce.${o.id}`, [button(tr('visit.button.accept'), VISIT_ACTIONS.accept, visitButtonValue(o), 'primary'), button(tr('visit.button.decline'), VISIT_ACTIONS.decline, visitButtonValue(o))])];
      return enqueue(tx, clock.now(), [
        { kind: 'post', channel: o.slackChannel, dedupeKey: `visit:${o.id}:reannounce`, payload: { text, blocks } },
        { kind: 'reply', targetKey: visitMessageKey(o.id), dedupeKey: `visit:${o.id}:reannounce:thread`, payload: { text: tr('visit.reply.reannounced', { minutes: config.visits.accept_timeout }) } },
      ]);
    },

    async escalated(tx, o, waitedMinutes) {
      const channel = escalationChannel(o);
      if (!channel) return 0;
      const text = tr('visit.escalation.unaccepted', { people: dispatcherMentions(config), key: o.key, customer: escapeMrkdwn(o.customerName), minutes: waitedMinutes, channel: where(o) });
      const messages: OutboxMessage[] = [{ kind: 'post', channel, dedupeKey: `visit:${o.id}:escalate`, payload: { text } }];
      if (o.slackChannel) messages.push({ kind: 'reply', targetKey: visitMessageKey(o.id), dedupeKey: `visit:${o.id}:escalate:thread`, payload: { text: tr('visit.reply.escalated', { minutes: waitedMinutes }) } });
      return enqueue(tx, clock.now(), messages);
    },

    async missedNotice(tx, o, { escalate }) {
      if (!o.windowStart) return 0;
      const channel = escalationChannel(o);
      const slot = Math.floor(o.windowStart.getTime() / 1000);
      const messages: OutboxMessage[] = [];
      if (escalate && channel) {
        const text = tr('visit.escalation.missed_notice', { people: dispatcherMentions(config), key: o.key, customer: escapeMrkdwn(o.customerName), engineer: o.engineer ? mention(o.engineer) : tr('visit.nobody'), start: slackDate(o.windowStart) });
        messages.push({ kind: 'post', channel, dedupeKey: `visit:${o.id}:missed:${slot}`, payload: { text } });
      }
      if (o.slackChannel) messages.push({ kind: 'reply', targetKey: visitMessageKey(o.id), dedupeKey: `visit:${o.id}:missed:${slot}:thread`, payload: { text: tr('visit.reply.missed_notice', { start: slackDate(o.windowStart) }) } });
      return enqueue(tx, clock.now(), messages);
    },

    slaMessages(a) {
      const o = a.order;
      const key = `visit-sla:${o.id}:${a.target}:${a.stage}`;
      const params = {
        key: o.key,
        link: orderLink(o),
        customer: escapeMrkdwn(o.customerName),
        due: slackDate(a.dueAt),
        late: formatLateness(a.now.getTime() - a.dueAt.getTime()),
        engineer: o.engineer ? mention(o.engineer) : tr('visit.nobody'),
        minutes: config.visits.accept_timeout,
      };
      const messages: OutboxMessage[] = [];
      if (a.stage === 'warning') {
        if (o.slackChannel) messages.push({ kind: 'reply', targetKey: visitMessageKey(o.id), dedupeKey: `${key}:thread`, payload: { text: tr(`visit.sla.warning.${a.target}.thread`, params) } });
        const people = o.engineer ? [o.engineer] : warnWhenUnassigned();
        for (const user of people) messages.push({ kind: 'dm', userId: user, dedupeKey: `${key}:dm:${user}`, payload: { text: tr(`visit.sla.warning.${a.target}.dm`, params) } });
        return messages;
      }
      // The breach goes to the escalation channel only: at the same moment visit-watch tells the
      // order's thread (the re-announcement at the accept timeout, the missed notice after the start).
      const channel = escalationChannel(o);
      if (!channel) return messages;
      const notice = o.state === 'late' && o.eta ? tr('visit.sla.notice.given', { eta: slackDate(o.eta) }) : tr('visit.sla.notice.none');
      const text = tr(`visit.sla.breach.${a.target}`, { ...params, people: breachMentions() || tr('sla.no_supervisors'), notice });
      messages.push({ kind: 'post', channel, dedupeKey: `${key}:escalation`, payload: { text } });
      return messages;
    },
  };

  /** Supervisors and dispatchers, once each (at most eight mentions). */
  function breachMentions(): string {
    return [...new Set([...config.roles.supervisors, ...config.roles.dispatchers])].slice(0, 8).map(mention).join(' ');
  }

  /** Who is warned about an order nobody has: the dispatchers, else the supervisors. */
  function warnWhenUnassigned(): string[] {
    return config.roles.dispatchers.length > 0 ? config.roles.dispatchers : config.roles.supervisors;
  }

  /** What a change causes beyond the order's own message and thread. */
  async function extras(tx: Tx, o: VisitOrderView, change: VisitChange): Promise<OutboxMessage[]> {
    const out: OutboxMessage[] = [];
    const dm = (userId: string, text: string) => out.push({ kind: 'dm', userId, payload: { text } });
    switch (change.action) {
      case 'reassign':
        if (change.engineer && change.engineer !== change.actor) dm(change.engineer, tr('visit.dm.assigned', { user: mention(change.actor), key: o.key, customer: escapeMrkdwn(o.customerName), channel: where(o) }));
        if (change.previousEngineer && change.previousEngineer !== change.actor) dm(change.previousEngineer, tr('visit.dm.unassigned', { user: mention(change.actor), key: o.key, engineer: mention(change.engineer!) }));
        break;
      case 'late': {
        const late = change.late;
        const channel = escalationChannel(o);
        if (late && !late.inTime && channel) {
          out.push({ kind: 'post', channel, payload: { text: tr('visit.escalation.late_notice', { people: dispatcherMentions(config), key: o.key, engineer: mention(change.actor), lead: late.leadMinutes, required: late.requiredMinutes, delay: late.delayMinutes }) } });
        }
        break;
      }
      case 'complete':
      case 'new_link':
        if (change.signoff && o.engineer) {
          dm(o.engineer, tr('visit.dm.signoff', { key: o.key, url: change.signoff.url, code: change.signoff.code, expires: slackDate(change.signoff.expiresAt) }));
        }
        break;
      case 'confirm':
      case 'callback':
        if (o.engineer) dm(o.engineer, tr('visit.dm.confirmed', { key: o.key, name: escapeMrkdwn(o.confirmedName ?? '') }));
        out.push(...(await ticketReply(tx, o, tr('visit.ticket_reply.confirmed', { key: o.key, rating: o.rating ?? '—' }))));
        break;
      case 'archive':
        out.push(...(await ticketReply(tx, o, tr('visit.ticket_reply.archived', { key: o.key, user: mention(change.actor) }))));
        break;
      case 'cancel':
      case 'decline':
        if (change.to === 'cancelled' || change.to === 'declined') {
          out.push(...(await ticketReply(tx, o, tr(change.to === 'cancelled' ? 'visit.ticket_reply.cancelled' : 'visit.ticket_reply.declined', { key: o.key, user: mention(change.actor), reason: escapeMrkdwn(change.note ?? '') }))));
          if (o.engineer && o.engineer !== change.actor) dm(o.engineer, tr('visit.dm.cancelled', { key: o.key, user: mention(change.actor) }));
        }
        break;
      case 'left_note':
        out.push(...(await ticketReply(tx, o, tr('visit.ticket_reply.no_contact', { key: o.key }))));
        break;
    }
    return out;
  }
}

/** Keeps the order row's Slack location when its dispatch message is delivered. */
export const visitPostedHook: PostedHook = async (tx, messageKey, channel, ts) => {
  const m = /^visit:(\d+)$/.exec(messageKey);
  if (!m) return;
  await recordDispatchMessage(tx, Number(m[1]), channel, ts);
};
