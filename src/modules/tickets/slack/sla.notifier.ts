import type { KnownBlock } from '@slack/types';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import type { Config } from '../../../config/config.js';
import type { Clock } from '../../../platform/clock.js';
import type { Translate } from '../../../platform/i18n.js';
import { actions, button, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate } from '../../../slack/mrkdwn.js';
import { TICKET_ACTIONS, ticketMessageKey } from './ids.js';
import { ticketMessage } from './views.js';
import type { TicketWithCustomer } from '../tickets.store.js';
import { formatLateness } from '../../sla/index.js';
import type { SlaAlert, SlaNotifier } from '../tickets.sla.service.js';

/** A link to the ticket's message once it has one, else its id. */
export function ticketLink(t: Pick<TicketWithCustomer, 'key' | 'slackChannel' | 'slackTs'>): string {
  return t.slackChannel && t.slackTs ? `<https://slack.com/archives/${t.slackChannel}/p${t.slackTs.replace('.', '')}|${t.key}>` : `*${t.key}*`;
}

/** Buttons on escalation posts: they carry no version, so they work however old the post is. */
function escalationButtons(t: TicketWithCustomer, tr: Translate): KnownBlock {
  const value = JSON.stringify({ id: t.id });
  return actions(`sla.actions.${t.id}`, [button(tr('ticket.button.take'), TICKET_ACTIONS.take, value, 'primary'), button(tr('ticket.button.assign'), TICKET_ACTIONS.assign, value)]);
}

/** SLA warnings, breaches and the P1 path through the outbox, each with a dedupe key. */
export function slackSlaNotifier(config: Config, clock: Clock, tr: Translate): SlaNotifier {
  const supervisors = [...new Set([...config.roles.supervisors, ...config.roles.admins])];
  const escalation = config.channels.escalation;
  const targetName = (target: string) => tr(`sla.target.${target}` as 'sla.target.response');

  return {
    stageMessages(a: SlaAlert) {
      const t = a.ticket;
      const key = `sla:${t.id}:${a.target}:${a.stage}`;
      const messages: OutboxMessage[] = [];
      const params = { key: t.key, link: ticketLink(t), target: targetName(a.target), due: slackDate(a.dueAt), title: escapeMrkdwn(t.title), late: formatLateness(a.now.getTime() - a.dueAt.getTime()), assignee: t.assignee ? mention(t.assignee) : tr('ticket.unassigned') };
      if (a.stage === 'warning') {
        messages.push({ kind: 'reply', targetKey: ticketMessageKey(t.id), dedupeKey: `${key}:thread`, payload: { text: tr('sla.warning.thread', params) } });
        for (const user of t.assignee ? [t.assignee] : supervisors) {
          messages.push({ kind: 'dm', userId: user, dedupeKey: `${key}:dm:${user}`, payload: { text: tr('sla.warning.dm', params) } });
        }
      } else {
        // The ticket's own message shows the breach mark (a warning is told in its thread only).
        messages.push({ kind: 'update', targetKey: ticketMessageKey(t.id), payload: ticketMessage(t, tr) });
        const text = tr('sla.breach.post', { ...params, supervisors: supervisors.map(mention).join(' ') || tr('sla.no_supervisors') });
        if (escalation) {
          messages.push({ kind: 'post', channel: escalation, dedupeKey: `${key}:escalation`, payload: { text, blocks: [section(text), escalationButtons(t, tr)] } });
        }
        messages.push({ kind: 'reply', targetKey: ticketMessageKey(t.id), dedupeKey: `${key}:thread`, payload: { text: tr('sla.breach.thread', params) } });
      }
      return messages;
    },

    async urgent(tx, t) {
      const params = { key: t.key, link: ticketLink(t), title: escapeMrkdwn(t.title), customer: escapeMrkdwn(t.customerName), due: slackDate(t.resolutionDueAt), supervisors: supervisors.map(mention).join(' ') || tr('sla.no_supervisors') };
      const messages: OutboxMessage[] = [];
      if (escalation) {
        const text = tr('sla.urgent.post', params);
        messages.push({ kind: 'post', channel: escalation, dedupeKey: `p1:${t.id}:escalation`, payload: { text, blocks: [section(text), escalationButtons(t, tr)] } });
      }
      for (const user of supervisors) messages.push({ kind: 'dm', userId: user, dedupeKey: `p1:${t.id}:dm:${user}`, payload: { text: tr('sla.urgent.dm', params) } });
      await enqueue(tx, clock.now(), messages);
    },
  };
}
