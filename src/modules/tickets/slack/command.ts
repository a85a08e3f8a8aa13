// `/ticket`: the form, `list`, `mine`, `OPS-2026-12` and `help`.
import type { Translate } from '../../../platform/i18n.js';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { reportError, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import { parseTicketKey } from '../tickets.rules.js';
import { phoneForDetails } from '../tickets.service.js';
import * as store from '../tickets.store.js';
import * as views from './views.js';
import { listExtensions } from '../../sla/sla.store.js';
import { slaExplanation } from '../../sla/slack/views.js';

const LIST_LIMIT = 50;

export function registerTicketCommand(app: BoltApp, deps: ListenerDeps): void {
  const { logger, db } = deps;
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
        const list = await store.listOpenInChannel(db, channel, LIST_LIMIT);
        await tellUser(target, tr('ticket.list.heading_team'), views.ticketList(tr('ticket.list.heading_team'), list, tr));
      } else if (word === 'mine') {
        const list = await store.listOpenAssignedTo(db, user, LIST_LIMIT);
        await tellUser(target, tr('ticket.list.heading_mine'), views.ticketList(tr('ticket.list.heading_mine'), list, tr));
      } else if (parseTicketKey(text)) {
        await showDetails(deps, tr, parseTicketKey(text)!, user, target);
      } else {
        const view = views.createTicketModal(
          { title: text || undefined, categories: deps.config.tickets.categories, products: deps.config.tickets.products, privateMetadata: writeMetadata({ channel: command.channel_id }) },
          tr,
        );
        await client.views.open({ trigger_id: command.trigger_id, view });
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });
}

/** Details with the timeline; the full phone only for whom `mayReadPhone` allows, and that read is audited. */
async function showDetails(deps: ListenerDeps, tr: Translate, key: string, user: string, target: ReplyTarget): Promise<void> {
  const { db } = deps;
  const ticket = await store.getTicketByKey(db, key);
  if (!ticket) return tellUser(target, tr('ticket.not_found', { key }));
  const [events, steps, extensions] = await Promise.all([store.listTicketEvents(db, ticket.id), store.listRemoteSteps(db, ticket.id), listExtensions(db, ticket.id)]);
  const fullPhone = await phoneForDetails(deps.tickets, ticket, user);
  const blocks = views.ticketDetails(ticket, events, steps, tr, fullPhone);
  blocks.splice(blocks.length - 2, 0, ...slaExplanation(ticket, deps.config, extensions, tr));
  await tellUser(target, `${ticket.key} ${ticket.title}`, blocks);
}
