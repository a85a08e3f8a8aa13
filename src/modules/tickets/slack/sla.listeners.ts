// The Extend button and form on a ticket (SPEC §3.1 consented extension). Registered by
// `registerTicketListeners`, the module's one register function.
import { z } from 'zod';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import { FORM, TICKET_ACTIONS, TICKET_VIEWS } from './ids.js';
import { extendTicket, validateExtension, type SlaDeps } from '../tickets.sla.service.js';
import { prepareAction, type TicketDeps } from '../tickets.transition.js';
import { extendModal } from './sla.views.js';

const buttonValue = z.object({ id: z.number().int(), v: z.number().int().optional() });
const meta = z.object({ id: z.number().int(), v: z.number().int().optional(), channel: z.string().optional() });

/** The Extend button (checks the action, then opens the form) and the form's submission. */
export function registerExtendListeners(app: BoltApp, deps: ListenerDeps, tickets: TicketDeps, sla: SlaDeps): void {
  onButton(app, deps, TICKET_ACTIONS.extend, async ({ user, value, tr, channel, triggerId, client }) => {
    const trigger = requireTrigger(triggerId);
    const { id, v } = buttonValue.parse(JSON.parse(value ?? '{}'));
    const ticket = await prepareAction(tickets, id, user, 'extend', v);
    await client.views.open({ trigger_id: trigger, view: extendModal(ticket, writeMetadata({ id, v, channel }), tr) });
  });

  app.view(TICKET_VIEWS.extend, async ({ ack, view, body, client }) => {
    const s = new ViewState(view.state.values as never);
    const m = readMetadata(meta, view.private_metadata);
    const tr = await deps.trFor(body.user.id);
    const target: ReplyTarget = { client, user: body.user.id, channel: m.channel };
    const input = { plan: s.text(FORM.plan) ?? '', committedAt: s.dateTime(FORM.committedAt), consentedBy: s.text(FORM.consentedBy) ?? '', consentMethod: s.selected(FORM.consentMethod) ?? '', consentedAt: s.dateTime(FORM.consentedAt) };
    const problems = validateExtension(input, tickets.clock.now());
    if (Object.keys(problems).length > 0) {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(problems).map(([f, p]) => [f, tr(p.key, p.params)])) });
      return;
    }
    await ack();
    try {
      await extendTicket(sla, m.id, body.user.id, input, m.v);
    } catch (err) {
      await reportError(err, target, tr, deps.logger);
    }
  });
}
