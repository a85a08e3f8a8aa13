// Ticket listeners: ack fast, parse, call one service function, report errors to the user.
import { z } from 'zod';
import { option } from '../../../slack/blocks.js';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import type { Translate } from '../../../platform/i18n.js';
import { reportError, requireTrigger, tellUser, viewErrors, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { normalizePhone } from '../../customers/index.js';
import {
  validateCancelReason,
  validateRemoteStep,
  validateResolution,
  validateTicketDraft,
  type FieldProblems,
  type TicketAction,
  type TicketDraft,
} from '../tickets.rules.js';
import { latestConsentOf } from '../tickets.queries.js';
import * as service from '../tickets.service.js';
import type { SlaDeps } from '../tickets.sla.service.js';
import { prepareAction, type TicketDeps } from '../tickets.transition.js';
import { registerTicketCommand } from './command.js';
import { FORM, OPEN_TICKET_SHORTCUT, TICKET_ACTIONS, TICKET_VIEWS } from './ids.js';
import { registerExtendListeners } from './sla.listeners.js';
import * as views from './views.js';

const buttonValue = z.object({ id: z.number().int(), v: z.number().int().optional() });
const actionMeta = z.object({ id: z.number().int(), v: z.number().int().optional(), channel: z.string().optional() });
const createMeta = z.object({ channel: z.string().optional(), originChannel: z.string().optional(), originTs: z.string().optional() });

/**
 * Registers everything of tickets in Slack: /ticket, the message shortcut, the ticket buttons and
 * modals, and Extend (the consented SLA extension).
 */
export function registerTicketListeners(app: BoltApp, deps: ListenerDeps, tickets: TicketDeps, sla: SlaDeps): void {
  const { logger } = deps;
  registerTicketCommand(app, deps, tickets);
  registerExtendListeners(app, deps, tickets, sla);

  app.shortcut(OPEN_TICKET_SHORTCUT, async ({ shortcut, ack, client, respond }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const tr = await deps.trFor(shortcut.user.id);
    if (!shortcut.trigger_id) {
      // No trigger, no modal: say so where the user is (response_url, else an ephemeral in the channel).
      const target: ReplyTarget = { respond, client, user: shortcut.user.id, channel: shortcut.channel.id };
      await tellUser(target, tr('ticket.shortcut_no_trigger')).catch((err: unknown) => logger.warn({ err }, 'could not explain a shortcut without a trigger'));
      return;
    }
    const meta = { channel: shortcut.channel.id, originChannel: shortcut.channel.id, originTs: shortcut.message.ts };
    const view = views.createTicketModal(
      { description: shortcut.message.text ?? '', categories: deps.config.tickets.categories, products: deps.config.tickets.products, privateMetadata: writeMetadata(meta) },
      tr,
    );
    await client.views.open({ trigger_id: shortcut.trigger_id, view });
  });

  app.options(TICKET_ACTIONS.customerPick, async ({ options, ack }) => {
    const found = await service.suggestCustomers(tickets, options.value.trim());
    await ack({ options: found.map((c) => option(c.site ? `${c.name} · ${c.site}` : c.name, String(c.id))) });
  });

  app.view(TICKET_VIEWS.create, async ({ ack, view, body, client }) => {
    const s = new ViewState(view.state.values as never);
    const customer = s.selected(FORM.customer);
    const draft: TicketDraft = {
      customerId: customer ? Number(customer) : undefined,
      newCustomerName: s.text(FORM.newCustomer),
      site: s.text(FORM.site),
      callerName: s.text(FORM.callerName),
      callerPhone: s.text(FORM.callerPhone),
      product: s.selected(FORM.product) ?? s.text(FORM.product),
      category: s.selected(FORM.category),
      priority: s.selected(FORM.priority),
      title: s.text(FORM.title),
      description: s.text(FORM.description),
      expectedAt: s.dateTime(FORM.expected),
      expectedPreset: s.selected(FORM.expectedPreset),
    };
    const problems = validateTicketDraft(draft, tickets.clock.now(), deps.config.tickets.categories, (p) => normalizePhone(p) !== undefined, { zone: deps.config.timezone, requireExpected: true });
    const tr = await deps.trFor(body.user.id);
    if (Object.keys(problems).length > 0) {
      await ack({ response_action: 'errors', errors: fieldErrors(problems, tr) });
      return;
    }
    await ack();
    const meta = readMetadata(createMeta, view.private_metadata);
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    try {
      const ticket = await service.openTicket(tickets, draft, body.user.id, {
        requestKey: `view:${view.id}`,
        byPerson: true,
        origin: { channel: meta.originChannel ?? meta.channel, messageTs: meta.originTs },
      });
      if (meta.channel && meta.channel !== ticket.slackChannel) {
        await tellUser(target, tr('ticket.opened_elsewhere', { key: ticket.key, channel: ticket.slackChannel ? `<#${ticket.slackChannel}>` : '—' }));
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  // Buttons that change the ticket at once.
  const direct: [TicketAction, (id: number, user: string, v: number | undefined) => Promise<unknown>][] = [
    ['take', (id, user, v) => service.takeTicket(tickets, id, user, v)],
    ['wait_customer', (id, user, v) => service.waitOnCustomer(tickets, id, user, undefined, v)],
    ['resume', (id, user, v) => service.resumeTicket(tickets, id, user, v)],
    ['close', (id, user, v) => service.closeTicket(tickets, id, user, v)],
    ['reopen', (id, user, v) => service.reopenTicket(tickets, id, user, v)],
  ];
  for (const [action, run] of direct) {
    onButton(app, deps, TICKET_ACTIONS[action], async ({ user, value }) => {
      const { id, v } = buttonValue.parse(JSON.parse(value ?? '{}'));
      await run(id, user, v);
    });
  }

  // Buttons that ask for details first: check the action is allowed, then open its form.
  const withForm: TicketAction[] = ['assign', 'remote_step', 'resolve', 'cancel'];
  for (const action of withForm) {
    onButton(app, deps, TICKET_ACTIONS[action], async ({ user, value, tr, channel, triggerId, client }) => {
      const trigger = requireTrigger(triggerId);
      const { id, v } = buttonValue.parse(JSON.parse(value ?? '{}'));
      const ticket = await prepareAction(tickets, id, user, action, v);
      const meta = writeMetadata({ id, v, channel });
      let view;
      if (action === 'assign') view = views.assignModal(ticket, meta, tr);
      else if (action === 'resolve') view = views.resolveModal(ticket, deps.config.tickets.categories, meta, tr);
      else if (action === 'cancel') view = views.cancelModal(ticket, meta, tr);
      else {
        const consent = await latestConsentOf(tickets, id);
        view = consent ? views.stepModal(ticket, consent.consentedBy, writeMetadata({ id, channel }), tr) : views.consentModal(ticket, meta, tr);
      }
      await client.views.open({ trigger_id: trigger, view });
    });
  }

  onButton(app, deps, TICKET_ACTIONS.phone, async ({ user, value, tr, target }) => {
    const { id } = buttonValue.parse(JSON.parse(value ?? '{}'));
    const { ticket, phone } = await service.revealPhone(tickets, id, user);
    await tellUser(target, tr('ticket.phone_is', { key: ticket.key, name: ticket.callerName ?? '—', phone }));
  });

  /**
   * A modal submission: the form's rules run before the ack, so their problems go back into the
   * modal as field errors and nothing is written; anything else goes to the user.
   */
  const submission = <F>(
    callbackId: string,
    read: (s: ViewState) => F,
    check: (form: F) => FieldProblems,
    run: (form: F, meta: z.infer<typeof actionMeta>, user: string, viewId: string) => Promise<unknown>,
  ) => {
    app.view(callbackId, async ({ ack, view, body, client }) => {
      const form = read(new ViewState(view.state.values as never));
      const tr = await deps.trFor(body.user.id);
      const problems = check(form);
      if (Object.keys(problems).length > 0) {
        await ack({ response_action: 'errors', errors: fieldErrors(problems, tr) });
        return;
      }
      await ack();
      const meta = readMetadata(actionMeta, view.private_metadata);
      const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
      try {
        await run(form, meta, body.user.id, view.id);
      } catch (err) {
        await reportError(err, target, tr, logger);
      }
    });
  };

  submission(
    TICKET_VIEWS.assign,
    (s) => s.user(FORM.assignee),
    (assignee): FieldProblems => (assignee ? {} : { [FORM.assignee]: { key: 'error.required' } }),
    (assignee, m, user) => service.assignTicket(tickets, m.id, user, assignee!, m.v),
  );
  submission(
    TICKET_VIEWS.resolve,
    (s) => ({ cause: s.text(FORM.cause) ?? '', fix: s.text(FORM.fix) ?? '', faultCategory: s.selected(FORM.faultCategory) ?? '' }),
    (r) => validateResolution(r, deps.config.tickets.categories),
    (r, m, user) => service.resolveTicket(tickets, m.id, user, r, m.v),
  );
  submission(
    TICKET_VIEWS.cancel,
    (s) => s.text(FORM.reason) ?? '',
    validateCancelReason,
    (reason, m, user) => service.cancelTicket(tickets, m.id, user, reason, m.v),
  );
  // No version on the step form (each step is new work); its view id keys it instead, so a
  // repeated delivery of one submission logs one step.
  submission(
    TICKET_VIEWS.step,
    (s) => ({ step: s.text(FORM.step) ?? '', result: s.text(FORM.result) ?? '' }),
    validateRemoteStep,
    (step, m, user, viewId) => service.logRemoteStep(tickets, m.id, user, step, { requestKey: `${TICKET_VIEWS.step}:${viewId}` }),
  );

  // Consent, then straight on to the first step in the same modal.
  app.view(TICKET_VIEWS.consent, async ({ ack, view, body, client }) => {
    const s = new ViewState(view.state.values as never);
    const meta = readMetadata(actionMeta, view.private_metadata);
    const tr = await deps.trFor(body.user.id);
    const consent = { consentedBy: s.text(FORM.consentedBy) ?? '', method: s.selected(FORM.consentMethod) ?? '', consentedAt: s.dateTime(FORM.consentedAt) ?? tickets.clock.now() };
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    try {
      // The consent form becomes the step form with the same view id: the callback id tells the two keys apart.
      await service.recordRemoteConsent(tickets, meta.id, body.user.id, consent, { requestKey: `${TICKET_VIEWS.consent}:${view.id}` });
    } catch (err) {
      const errors = viewErrors(err, tr);
      if (errors) return void (await ack({ response_action: 'errors', errors }));
      await ack();
      return void (await reportError(err, target, tr, logger));
    }
    const ticket = await prepareAction(tickets, meta.id, body.user.id, 'remote_step').catch(() => undefined);
    if (!ticket) return void (await ack());
    await ack({ response_action: 'update', view: views.stepModal(ticket, consent.consentedBy, writeMetadata({ id: meta.id, channel: meta.channel }), tr) });
  });
}

/** A form's problems as Slack's `response_action: "errors"` map, in the user's language. */
function fieldErrors(problems: FieldProblems, tr: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, tr(p.key, p.params)]));
}
