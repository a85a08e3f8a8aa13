// Read use cases of the visits module: what the Home tab, `/visit` and the Slack notifier show.
// The Slack side calls these (and the use cases in visits.service.ts), never the store.
import { audit } from '../../platform/audit.js';
import type { Db } from '../../platform/db.js';
import { canDispatch } from '../../platform/roles.js';
import { findTicket, getTicketById, type TicketWithCustomer } from '../tickets/index.js';
import * as store from './visits.store.js';
import type { VisitEvent, VisitOrderView } from './visits.store.js';
import type { VisitDeps } from './visits.service.js';

/** Orders under way that the user is the engineer of, soonest window first. */
export function myVisitOrders(deps: Pick<VisitDeps, 'db'>, userId: string, limit: number): Promise<VisitOrderView[]> {
  return store.listActiveForEngineer(deps.db, userId, limit);
}

/** An order with its timeline, as `/visit VO-…` shows it. */
export interface VisitOrderDetails {
  order: VisitOrderView;
  events: VisitEvent[];
  /** The full phone: only for the order's engineer or dispatch roles. */
  contactPhone?: string;
}

/** An order by its key with its timeline; the full phone only for its engineer or dispatch, and that read is audited. */
export async function visitOrderDetails(deps: VisitDeps, key: string, actor: string): Promise<VisitOrderDetails | undefined> {
  const order = await store.getVisitOrderByKey(deps.db, key);
  if (!order) return undefined;
  const events = await store.listVisitEvents(deps.db, order.id);
  const showPhone = order.engineer === actor || canDispatch(deps.config.roles, actor);
  if (showPhone) await audit(deps.db, { at: deps.clock.now(), actor, action: 'customer.phone.read', subject: `visit:${order.id}`, outcome: 'ok' });
  return { order, events, contactPhone: showPhone ? order.contactPhone : undefined };
}

/** The ticket a visit is asked for by its key (`/visit OPS-…`); undefined when there is none. */
export function ticketForVisit(deps: Pick<VisitDeps, 'db'>, key: string): Promise<TicketWithCustomer | undefined> {
  return findTicket(deps, key);
}

/** Who declined an open order and why (its dispatch message shows them); read in the change's transaction. */
export function declinesOf(tx: Db, orderId: number): Promise<{ actor: string; note: string | null }[]> {
  return store.listDeclines(tx, orderId);
}

/** True when the order's ticket has a Slack message to reply to; read in the change's transaction. */
export async function ticketHasThread(tx: Db, ticketId: number): Promise<boolean> {
  const ticket = await getTicketById({ db: tx }, ticketId);
  return !!ticket?.slackChannel;
}
