// Visit-order listeners: ack fast, parse, call one service function, report errors to the user.
import { z } from 'zod';
import { ValidationError } from '../../../platform/errors.js';
import type { Translate } from '../../../platform/i18n.js';
import { canDispatch } from '../../../platform/roles.js';
import type { BoltApp } from '../../../slack/app.js';
import { onButton, type ButtonClick } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, viewErrors } from '../../../slack/responses.js';
import { ViewState, type ViewValues } from '../../../slack/view-state.js';
import { TICKET_ACTIONS } from '../../tickets/index.js';
import * as field from '../visits.field.js';
import type { VisitAction } from '../visits.rules.js';
import * as service from '../visits.service.js';
import type { VisitDeps, VisitOrderView } from '../visits.service.js';
import { openVisitForm, registerVisitCommand } from './command.js';
import { VFORM, VISIT_ACTIONS, VISIT_VIEWS } from './ids.js';
import * as modals from './modals.js';

const buttonValue = z.object({ id: z.number().int(), v: z.number().int().optional() });
const actionMeta = z.object({ id: z.number().int(), v: z.number().int().optional(), channel: z.string().optional() });
const createMeta = z.object({ ticketId: z.number().int(), channel: z.string().optional() });

/** True when the checkbox of an input block is ticked. */
export const ticked = (values: ViewValues, blockId: string) => {
  const element = values[blockId] ? Object.values(values[blockId]!)[0] : undefined;
  return (element?.selected_options ?? []).some((o) => o.value === 'yes');
};

/** Registers /visit, the Request visit button of tickets, the order's buttons and its modals. */
export function registerVisitListeners(app: BoltApp, deps: ListenerDeps, visits: VisitDeps): void {
  const { logger, config } = deps;
  registerVisitCommand(app, deps, visits);

  /** An order's (or, for Request visit, a ticket's) button: its value is the id and the version the message showed. */
  const onOrderButton = (actionId: string, run: (click: ButtonClick<z.infer<typeof buttonValue>>) => Promise<unknown>) => onButton(app, deps, actionId, buttonValue, run);

  onOrderButton(TICKET_ACTIONS.requestVisit, ({ value: { id }, user, channel, triggerId, target, tr }) => openVisitForm(visits, target.client, triggerId, id, user, channel, tr));

  // Buttons that change the order at once. Accept ignores the version: an open order is open.
  onOrderButton(VISIT_ACTIONS.accept, ({ value: { id }, user }) => service.acceptVisit(visits, id, user));
  onOrderButton(VISIT_ACTIONS.arrive, ({ value: { id, v }, user }) => field.arrive(visits, id, user, v));
  onOrderButton(VISIT_ACTIONS.archive, ({ value: { id, v }, user }) => service.archiveVisit(visits, id, user, v));
  onOrderButton(VISIT_ACTIONS.new_link, async ({ value: { id }, user, target, tr }) => {
    const o = await field.renewSignoffLink(visits, id, user);
    await tellUser(target, tr('visit.link_renewed', { key: o.key }));
  });
  onOrderButton(VISIT_ACTIONS.phone, async ({ value: { id }, user, target, tr }) => {
    const o = await service.revealVisitPhone(visits, id, user);
    await tellUser(target, tr('visit.phone_is', { key: o.key, name: o.contactName, phone: o.contactPhone }));
  });

  // Buttons that ask for details first: check the action is allowed, then open its form.
  const forms: [VisitAction, (o: VisitOrderView, meta: string, tr: Translate, args: { user: string; name: string }) => ReturnType<typeof modals.cancelModal>][] = [
    ['decline', (o, meta, tr, { user }) => modals.declineModal(o, meta, tr, canDispatch(config.roles, user))],
    ['reassign', (o, meta, tr) => modals.reassignModal(o, meta, tr)],
    ['cancel', (o, meta, tr) => modals.cancelModal(o, meta, tr)],
    ['confirm_window', (o, meta, tr, { name }) => modals.confirmWindowModal(o, name, config.timezone, visits.clock.now(), meta, tr)],
    ['late', (o, meta, tr) => modals.lateModal(o, Math.round(config.visits.long_delay / 60), meta, tr)],
    ['unreachable', (o, meta, tr) => modals.unreachableModal(o, config.visits.max_call_attempts, meta, tr)],
    ['left_note', (o, meta, tr) => modals.leftNoteModal(o, visits.clock.now(), meta, tr)],
    ['complete', (o, meta, tr) => modals.completeModal(o, meta, tr)],
    ['callback', (o, meta, tr) => modals.callbackModal(o, meta, tr)],
  ];
  for (const [action, build] of forms) {
    onOrderButton(VISIT_ACTIONS[action as Exclude<VisitAction, 'confirm'>], async ({ value: { id, v }, user, name, channel, triggerId, target, tr }) => {
      const trigger = requireTrigger(triggerId); // before anything is read or audited for the form
      const version = action === 'decline' ? undefined : v;
      const o = await service.prepareAction(visits, id, user, action, version);
      if (action === 'confirm_window') await service.revealVisitPhone(visits, id, user); // the form shows the full number: audited
      const meta = writeMetadata({ id, v: version, channel });
      await target.client.views.open({ trigger_id: trigger, view: build(o, meta, tr, { user, name }) });
    });
  }

  /**
   * A modal submission runs its service before answering, so that field problems found under the
   * order's lock still go back into the modal; anything else is acked and told to the user.
   */
  const submission = <M extends z.ZodType>(callbackId: string, schema: M, run: (s: ViewState, values: ViewValues, meta: z.infer<M>, user: string, viewId: string) => Promise<unknown>) => {
    app.view(callbackId, async ({ ack, view, body, client }) => {
      const values = view.state.values as unknown as ViewValues;
      const s = new ViewState(values);
      const tr = await deps.trFor(body.user.id);
      let meta: z.infer<M> | undefined;
      try {
        meta = readMetadata(schema, view.private_metadata);
        await run(s, values, meta as z.infer<M>, body.user.id, view.id);
      } catch (err) {
        const errors = viewErrors(err, tr);
        if (errors) return void (await ack({ response_action: 'errors', errors }));
        await ack();
        return void (await reportError(err, { client, user: body.user.id, channel: (meta as { channel?: string } | undefined)?.channel }, tr, logger));
      }
      await ack();
    });
  };

  submission(VISIT_VIEWS.create, createMeta, (s, _values, m, user, viewId) =>
    service.createVisitOrder(visits, m.ticketId, {
      address: s.text(VFORM.address),
      contactName: s.text(VFORM.contactName),
      contactPhone: s.text(VFORM.contactPhone),
      need: s.text(VFORM.need),
      requestedStart: s.dateTime(VFORM.windowStart),
    }, user, { requestKey: `view:${viewId}` }),
  );
  submission(VISIT_VIEWS.decline, actionMeta, (s, _v, m, user) => service.declineVisit(visits, m.id, user, s.text(VFORM.reason) ?? ''));
  submission(VISIT_VIEWS.cancel, actionMeta, (s, _v, m, user) => service.cancelVisit(visits, m.id, user, s.text(VFORM.reason) ?? '', m.v));
  submission(VISIT_VIEWS.reassign, actionMeta, async (s, _v, m, user) => {
    const engineer = s.user(VFORM.engineer);
    if (!engineer) throw new ValidationError({ [VFORM.engineer]: { key: 'error.required' } });
    return service.reassignVisit(visits, m.id, user, engineer, m.v);
  });
  submission(VISIT_VIEWS.confirmWindow, actionMeta, (s, values, m, user) =>
    field.confirmWindow(visits, m.id, user, {
      start: s.dateTime(VFORM.windowStart),
      address: s.text(VFORM.address),
      contactName: s.text(VFORM.contactName),
      contactPhone: s.text(VFORM.contactPhone),
      customerAgreed: ticked(values, VFORM.agreed),
    }, m.v),
  );
  submission(VISIT_VIEWS.late, actionMeta, (s, values, m, user) =>
    field.reportLate(visits, m.id, user, {
      reason: s.selected(VFORM.reason),
      detail: s.text(VFORM.detail),
      eta: s.dateTime(VFORM.eta),
      newStart: s.dateTime(VFORM.newWindow),
      customerTold: ticked(values, VFORM.told),
    }, m.v),
  );
  submission(VISIT_VIEWS.unreachable, actionMeta, (s, _v, m, user) => field.recordCallAttempt(visits, m.id, user, { result: s.selected(VFORM.callResult), at: s.dateTime(VFORM.calledAt) }));
  submission(VISIT_VIEWS.leftNote, actionMeta, (s, _v, m, user) =>
    field.leaveNote(visits, m.id, user, { at: s.dateTime(VFORM.leftAt), where: s.text(VFORM.where), phone: s.text(VFORM.notePhone) }, m.v),
  );
  submission(VISIT_VIEWS.complete, actionMeta, (s, _v, m, user) =>
    field.completeVisit(visits, m.id, user, {
      workDone: s.text(VFORM.workDone),
      partsUsed: s.text(VFORM.parts),
      result: s.selected(VFORM.result),
      followUp: s.selected(VFORM.followUp),
      followUpNote: s.text(VFORM.followUpNote),
    }, m.v),
  );
  submission(VISIT_VIEWS.callback, actionMeta, (s, _v, m, user) =>
    field.confirmByCallback(visits, m.id, user, { person: s.text(VFORM.person), rating: s.selected(VFORM.rating), comment: s.text(VFORM.comment) }, m.v),
  );
}
