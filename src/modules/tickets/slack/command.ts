// `/ticket`: the form, `list`, `mine`, `OPS-2026-12` and `help`.
import type { Translate } from '../../../platform/i18n.js';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import { parseTicketKey } from '../tickets.rules.js';
import { openTicketsInChannel, openTicketsOf, ticketDetails } from '../tickets.queries.js';
import type { TicketDeps } from '../tickets.transition.js';
import * as views from './views.js';
import { slaExplanation } from './sla.views.js';

const LIST_LIMIT = 50;

export function registerTicketCommand(app: BoltApp, deps: ListenerDeps, tickets: TicketDeps): void {
  const { logger } = deps;
  app.command('/ticket', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const text = command.text.trim();
    const word = text.toLowerCase();
    const user = command.user_id;
    const target: ReplyTarget = { respond, client, user, channel: command.channel_id };
    try {
      if (word === 'help') {
        await tellUser(target, tr('ticket.help'));
      } else if (word === 'list') {
        const channel = deps.config.channels.support ?? command.channel_id;
        const list = await openTicketsInChannel(tickets, channel, LIST_LIMIT);
        await tellUser(target, tr('ticket.list.heading_team'), views.ticketList(tr('ticket.list.heading_team'), list, tr));
      } else if (word === 'mine') {
        const list = await openTicketsOf(tickets, user, LIST_LIMIT);
        await tellUser(target, tr('ticket.list.heading_mine'), views.ticketList(tr('ticket.list.heading_mine'), list, tr));
      } else if (parseTicketKey(text)) {
        await showDetails(deps, tickets, tr, parseTicketKey(text)!, user, target);
      } else {
        const trigger = requireTrigger(command.trigger_id);
        const view = views.createTicketModal(
          { title: text || undefined, categories: deps.config.tickets.categories, products: deps.config.tickets.products, privateMetadata: writeMetadata({ channel: command.channel_id }) },
          tr,
        );
        await client.views.open({ trigger_id: trigger, view });
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });
}

/** Details with the timeline; the full phone only for whom `mayReadPhone` allows, and that read is audited. */
async function showDetails(deps: ListenerDeps, tickets: TicketDeps, tr: Translate, key: string, user: string, target: ReplyTarget): Promise<void> {
  const details = await ticketDetails(tickets, key, user);
  if (!details) return tellUser(target, tr('ticket.not_found', { key }));
  const { ticket, events, steps, extensions, fullPhone } = details;
  const blocks = views.ticketDetails(ticket, events, steps, tr, fullPhone);
  blocks.splice(blocks.length - 2, 0, ...slaExplanation(ticket, deps.config, extensions, tr));
  await tellUser(target, `${ticket.key} ${ticket.title}`, blocks);
}
