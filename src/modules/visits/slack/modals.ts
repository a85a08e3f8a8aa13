// Pure functions: the visit-order forms (Block Kit modals). Block ids are the services' field names.
import type { KnownBlock, ModalView } from '@slack/types';
import { DateTime } from 'luxon';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { t } from '../../../platform/i18n.js';
import { context, modal as sharedModal, option, plain, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, truncate } from '../../../slack/mrkdwn.js';
import { CALL_RESULTS, LATE_REASONS, VISIT_LIMITS, VISIT_RESULTS, windowEndOf } from '../visits.rules.js';
import type { VisitOrderView, VisitPrefill } from '../visits.service.js';
import { VFORM, VINPUT, VISIT_VIEWS } from './ids.js';
import { localWindow } from './views.js';

const input = (blockId: string, label: string, element: Record<string, unknown>, optional = false, hint?: string): KnownBlock =>
  ({ type: 'input', block_id: blockId, label: plain(label, 2000), optional, element: { action_id: VINPUT, ...element }, ...(hint ? { hint: plain(hint, 2000) } : {}) }) as KnownBlock;

const text = (max: number, opts: { multiline?: boolean; initial?: string } = {}) => ({
  type: 'plain_text_input',
  max_length: max,
  ...(opts.multiline ? { multiline: true } : {}),
  ...(opts.initial ? { initial_value: truncate(opts.initial, max) } : {}),
});

const dateTime = (initial?: Date) => ({ type: 'datetimepicker', ...(initial ? { initial_date_time: Math.floor(initial.getTime() / 1000) } : {}) });

const select = (options: { text: string; value: string }[], initial?: string) => {
  const opts = options.map((o) => option(o.text, o.value));
  const chosen = opts.find((o) => o.value === initial);
  return { type: 'static_select', options: opts, ...(chosen ? { initial_option: chosen } : {}) };
};

const tick = (label: string) => ({ type: 'checkboxes', options: [{ text: plain(label, 150), value: 'yes' }] });

const modal = (callbackId: string, title: string, submit: string, blocks: KnownBlock[], privateMetadata: string, tr: Translate): ModalView =>
  sharedModal(callbackId, title, submit, blocks, privateMetadata, tr('modal.cancel'));

const orderLine = (o: VisitOrderView) => section(`*${o.key}* ${escapeMrkdwn(o.customerName)} · ${escapeMrkdwn(truncate(o.address, 200))}`);

/** The visit-order form, prefilled from the ticket (handbook 3.4.1, 附表1). */
export function createVisitModal(p: VisitPrefill, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.create, tr('visit.form.create_title'), tr('visit.form.create_submit'), [
    section(tr('visit.form.create_intro', { key: p.ticket.key, customer: escapeMrkdwn(p.ticket.customerName) })),
    input(VFORM.address, tr('visit.form.address'), text(VISIT_LIMITS.address, { initial: p.address })),
    input(VFORM.contactName, tr('visit.form.contact_name'), text(VISIT_LIMITS.contactName, { initial: p.contactName })),
    input(VFORM.contactPhone, tr('visit.form.contact_phone'), text(30, { initial: p.contactPhone }), false, tr('visit.form.contact_phone_hint')),
    input(VFORM.need, tr('visit.form.need'), text(VISIT_LIMITS.need, { multiline: true, initial: p.need })),
    input(VFORM.windowStart, tr('visit.form.requested_start'), dateTime(p.requestedStart), false, tr('visit.form.requested_hint')),
  ], privateMetadata, tr);
}

export function declineModal(o: VisitOrderView, privateMetadata: string, tr: Translate, byDispatch: boolean): ModalView {
  return modal(VISIT_VIEWS.decline, tr('visit.form.decline_title'), tr('visit.form.decline_submit'), [
    orderLine(o),
    context([tr(byDispatch ? 'visit.form.decline_dispatch_hint' : 'visit.form.decline_engineer_hint')]),
    input(VFORM.reason, tr('visit.form.reason'), text(VISIT_LIMITS.reason, { multiline: true })),
  ], privateMetadata, tr);
}

export function reassignModal(o: VisitOrderView, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.reassign, tr('visit.form.reassign_title'), tr('visit.form.reassign_submit'), [
    orderLine(o),
    input(VFORM.engineer, tr('visit.form.engineer'), { type: 'users_select', ...(o.engineer ? { initial_user: o.engineer } : {}) }),
  ], privateMetadata, tr);
}

export function cancelModal(o: VisitOrderView, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.cancel, tr('visit.form.cancel_title'), tr('visit.form.cancel_submit'), [
    orderLine(o),
    input(VFORM.reason, tr('visit.form.reason'), text(VISIT_LIMITS.reason, { multiline: true })),
  ], privateMetadata, tr);
}

/**
 * Confirm the window: the handbook's phone script in both languages (the customer's time first,
 * confirm rather than ask), then the agreed window and the re-checked address and phone.
 */
export function confirmWindowModal(o: VisitOrderView, engineerName: string, zone: string, now: Date, privateMetadata: string, tr: Translate): ModalView {
  const start = o.windowStart ?? o.requestedStart;
  const end = o.windowStart ? o.windowEnd! : windowEndOf(o.requestedStart);
  // The handbook's words say "today"; for another day the date is said instead.
  const today = DateTime.fromJSDate(start, { zone }).hasSame(DateTime.fromJSDate(now, { zone }), 'day');
  const script = (locale: 'en' | 'zh-CN') => {
    const w = localWindow(start, end, zone, locale);
    return t(locale, today ? 'visit.script_today' : 'visit.script_day', { name: escapeMrkdwn(engineerName), date: w.date, window: w.times });
  };
  return modal(VISIT_VIEWS.confirmWindow, tr('visit.form.window_title'), tr('visit.form.window_submit'), [
    orderLine(o),
    section(`*${tr('visit.form.script_heading')}*\n>${script('zh-CN')}\n>${script('en')}`),
    context([tr('visit.form.script_rules')]),
    input(VFORM.windowStart, tr('visit.form.agreed_start'), dateTime(start), false, tr('visit.form.agreed_hint')),
    input(VFORM.address, tr('visit.form.address'), text(VISIT_LIMITS.address, { initial: o.address })),
    input(VFORM.contactName, tr('visit.form.contact_name'), text(VISIT_LIMITS.contactName, { initial: o.contactName })),
    input(VFORM.contactPhone, tr('visit.form.contact_phone'), text(30, { initial: o.contactPhone })),
    input(VFORM.agreed, tr('visit.form.agreed'), tick(tr('visit.form.agreed_tick'))),
  ], privateMetadata, tr);
}

/** Running late: the rules in the form, so the engineer knows what counts as in time. */
export function lateModal(o: VisitOrderView, longDelayHours: number, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.late, tr('visit.form.late_title'), tr('visit.form.late_submit'), [
    orderLine(o),
    context([tr('visit.form.late_rules', { hours: longDelayHours })]),
    input(VFORM.reason, tr('visit.form.late_reason'), select(LATE_REASONS.map((r) => ({ text: tr(`visit.late_reason.${r}` as MessageKey), value: r })))),
    input(VFORM.detail, tr('visit.form.late_detail'), text(VISIT_LIMITS.reason, { multiline: true }), true, tr('visit.form.late_detail_hint')),
    input(VFORM.eta, tr('visit.form.eta'), dateTime()),
    input(VFORM.newWindow, tr('visit.form.new_window'), dateTime(), true, tr('visit.form.new_window_hint', { hours: longDelayHours })),
    input(VFORM.told, tr('visit.form.told'), tick(tr('visit.form.told_tick'))),
  ], privateMetadata, tr);
}

export function unreachableModal(o: VisitOrderView, maxAttempts: number, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.unreachable, tr('visit.form.unreachable_title'), tr('visit.form.unreachable_submit'), [
    orderLine(o),
    context([tr('visit.form.unreachable_rules', { n: o.callAttempts, max: maxAttempts })]),
    input(VFORM.callResult, tr('visit.form.call_result'), select(CALL_RESULTS.map((r) => ({ text: tr(`visit.call.${r}` as MessageKey), value: r })), 'no_answer')),
    input(VFORM.calledAt, tr('visit.form.called_at'), dateTime(), true, tr('visit.form.now_hint')),
  ], privateMetadata, tr);
}

/** The left note (未见客户留言条, 附表2): when, where it was left, the phone written on it. */
export function leftNoteModal(o: VisitOrderView, now: Date, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.leftNote, tr('visit.form.left_note_title'), tr('visit.form.left_note_submit'), [
    orderLine(o),
    context([tr('visit.form.left_note_intro')]),
    input(VFORM.leftAt, tr('visit.form.left_at'), dateTime(now)),
    input(VFORM.where, tr('visit.form.where'), text(VISIT_LIMITS.where)),
    input(VFORM.notePhone, tr('visit.form.note_phone'), text(30)),
  ], privateMetadata, tr);
}

export function completeModal(o: VisitOrderView, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.complete, tr('visit.form.complete_title'), tr('visit.form.complete_submit'), [
    orderLine(o),
    input(VFORM.workDone, tr('visit.form.work_done'), text(VISIT_LIMITS.workDone, { multiline: true })),
    input(VFORM.parts, tr('visit.form.parts'), text(VISIT_LIMITS.parts, { multiline: true }), true),
    input(VFORM.result, tr('visit.form.result'), select(VISIT_RESULTS.map((r) => ({ text: tr(`visit.result.${r}` as MessageKey), value: r })))),
    input(VFORM.followUp, tr('visit.form.follow_up'), select([{ text: tr('visit.form.no'), value: 'no' }, { text: tr('visit.form.yes'), value: 'yes' }], 'no')),
    input(VFORM.followUpNote, tr('visit.form.follow_up_note'), text(VISIT_LIMITS.followUp, { multiline: true }), true),
    context([tr('visit.form.complete_signoff_hint')]),
  ], privateMetadata, tr);
}

/** The phone callback: recorded by someone who is not the order's engineer, naming whom they spoke to. */
export function callbackModal(o: VisitOrderView, privateMetadata: string, tr: Translate): ModalView {
  return modal(VISIT_VIEWS.callback, tr('visit.form.callback_title'), tr('visit.form.callback_submit'), [
    orderLine(o),
    context([tr('visit.form.callback_intro')]),
    input(VFORM.person, tr('visit.form.person'), text(VISIT_LIMITS.personName, { initial: o.contactName })),
    input(VFORM.rating, tr('visit.form.rating'), select([1, 2, 3, 4, 5].map((n) => ({ text: '★'.repeat(n), value: String(n) }))), true),
    input(VFORM.comment, tr('visit.form.comment'), text(VISIT_LIMITS.comment, { multiline: true }), true),
  ], privateMetadata, tr);
}
