// `/visit`: `OPS-2026-12` (the form for that ticket), `VO-2026-3` (details), `mine`, `help`.
import { audit } from '../../../platform/audit.js';
import type { Translate } from '../../../platform/i18n.js';
import { canDispatch } from '../../../platform/roles.js';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { reportError, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import { parseTicketKey } from '../../tickets/tickets.rules.js';
import { getTicketByKey } from '../../tickets/tickets.store.js';
import { parseVisitKey } from '../visits.rules.js';
import type { VisitDeps } from '../visits.service.js';
import * as store from '../visits.store.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { prepareVisitRequest } from '../visits.service.js';
import { createVisitModal } from './modals.js';
import { visitDetails, visitList } from './views.js';

const LIST_LIMIT = 50;

/** Opens the visit-order form for a ticket (the ticket's Request visit button and `/visit OPS-…`). */
export async function openVisitForm(visits: VisitDeps, client: ReplyTarget['client'], triggerId: string, ticketId: number, user: string, channel: string | undefined, tr: Translate) {
  const prefill = await prepareVisitRequest(visits, ticketId, user);
  await client.views.open({ trigger_id: triggerId, view: createVisitModal(prefill, writeMetadata({ ticketId, channel }), tr) });
}

export function registerVisitCommand(app: BoltApp, deps: ListenerDeps, visits: VisitDeps): void {
  const { logger, db } = deps;
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
        const list = await store.listActiveForEngineer(db, user, LIST_LIMIT);
        await tellUser(target, tr('visit.list.heading_mine'), visitList(tr('visit.list.heading_mine'), list, tr));
      } else if (parseTicketKey(text)) {
        const key = parseTicketKey(text)!;
        const ticket = await getTicketByKey(db, key);
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
  const order = await store.getVisitOrderByKey(deps.db, key);
  if (!order) return tellUser(target, tr('visit.not_found', { key }));
  const events = await store.listVisitEvents(deps.db, order.id);
  const showPhone = order.engineer === user || canDispatch(deps.config.roles, user);
  if (showPhone) await audit(deps.db, { at: visits.clock.now(), actor: user, action: 'customer.phone.read', subject: `visit:${order.id}`, outcome: 'ok' });
  await tellUser(target, `${order.key} ${order.customerName}`, visitDetails(order, events, deps.config.visits.max_call_attempts, tr, showPhone ? order.contactPhone : undefined));
}
