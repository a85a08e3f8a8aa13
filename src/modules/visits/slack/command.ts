// `/visit`: `OPS-2026-12` (the form for that ticket), `VO-2026-3` (details), `mine`, `help`.
import type { Translate } from '../../../platform/i18n.js';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import { parseTicketKey } from '../../tickets/index.js';
import { myVisitOrders, ticketForVisit, visitOrderDetails } from '../visits.queries.js';
import { parseVisitKey } from '../visits.rules.js';
import { prepareVisitRequest, type VisitDeps } from '../visits.service.js';
import { createVisitModal } from './modals.js';
import { visitDetails, visitList } from './views.js';

const LIST_LIMIT = 50;

/** Opens the visit-order form for a ticket (the ticket's Request visit button and `/visit OPS-…`). */
export async function openVisitForm(visits: VisitDeps, client: ReplyTarget['client'], triggerId: string | undefined, ticketId: number, user: string, channel: string | undefined, tr: Translate) {
  const trigger = requireTrigger(triggerId); // before the prefill, which audits a phone read
  const prefill = await prepareVisitRequest(visits, ticketId, user);
  await client.views.open({ trigger_id: trigger, view: createVisitModal(prefill, writeMetadata({ ticketId, channel }), tr) });
}

export function registerVisitCommand(app: BoltApp, deps: ListenerDeps, visits: VisitDeps): void {
  const { logger } = deps;
  app.command('/visit', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const text = command.text.trim();
    const user = command.user_id;
    const target: ReplyTarget = { respond, client, user, channel: command.channel_id };
    try {
      if (text === '' || text.toLowerCase() === 'help') {
        await tellUser(target, tr('visit.help'));
      } else if (text.toLowerCase() === 'mine') {
        const list = await myVisitOrders(visits, user, LIST_LIMIT);
        await tellUser(target, tr('visit.list.heading_mine'), visitList(tr('visit.list.heading_mine'), list, tr));
      } else if (parseTicketKey(text)) {
        const key = parseTicketKey(text)!;
        const ticket = await ticketForVisit(visits, key);
        if (!ticket) return void (await tellUser(target, tr('ticket.not_found', { key })));
        await openVisitForm(visits, client, command.trigger_id, ticket.id, user, command.channel_id, tr);
      } else if (parseVisitKey(text)) {
        await showDetails(deps, visits, tr, parseVisitKey(text)!, user, target);
      } else {
        await tellUser(target, `${tr('visit.not_understood', { text: text.slice(0, 80) })}\n${tr('visit.help')}`);
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });
}

/** Details with the timeline; the full phone only for the order's engineer or dispatch, and that read is audited. */
async function showDetails(deps: ListenerDeps, visits: VisitDeps, tr: Translate, key: string, user: string, target: ReplyTarget): Promise<void> {
  const details = await visitOrderDetails(visits, key, user);
  if (!details) return tellUser(target, tr('visit.not_found', { key }));
  const { order, events, contactPhone } = details;
  await tellUser(target, `${order.key} ${order.customerName}`, visitDetails(order, events, deps.config.visits.max_call_attempts, tr, contactPhone));
}
