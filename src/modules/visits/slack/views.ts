// Pure functions: visit-order view models → Block Kit messages. No I/O; every string from the catalogue.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, fields, header, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { maskPhone } from '../../customers/index.js';
import { buttonsFor, type VisitAction } from '../visits.rules.js';
import type { VisitChange, VisitEvent, VisitOrderView } from '../visits.service.js';
import { VISIT_ACTIONS } from './ids.js';

/** What a visit button carries: the order and the version the message showed. */
export const visitButtonValue = (o: { id: number; version: number }) => JSON.stringify({ id: o.id, v: o.version });

export const visitStateLabel = (tr: Translate, state: string) => tr(`visit.state.${state}` as MessageKey);
const STATE_EMOJI: Record<string, string> = {
  open: ':large_blue_circle:',
  accepted: ':white_check_mark:',
  scheduled: ':calendar:',
  late: ':hourglass_flowing_sand:',
  on_site: ':hammer_and_wrench:',
  completed: ':memo:',
  confirmed: ':handshake:',
  archived: ':file_cabinet:',
  declined: ':no_entry_sign:',
  cancelled: ':x:',
  no_contact: ':telephone_receiver:',
};

/** The date and "14:00–16:00" in the zone of the customer's site: what the engineer reads out. */
export function localWindow(start: Date, end: Date, zone: string, locale: 'en' | 'zh-CN'): { date: string; times: string } {
  const s = DateTime.fromJSDate(start, { zone });
  const e = DateTime.fromJSDate(end, { zone });
  const date = locale === 'zh-CN' ? s.toFormat('M月d日') : s.setLocale('en').toFormat('ccc d LLL');
  return { date, times: `${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')}` };
}

/** A window as every reader sees it in their own zone. */
export const slackWindow = (start: Date, end: Date) => `${slackDate(start)} – ${slackDate(end, '{time}')}`;

export interface DispatchMessageInput {
  order: VisitOrderView;
  declines: { actor: string; note: string | null }[];
  maxCallAttempts: number;
}

/** The order's message in the dispatch channel: updated in place on every change. */
export function dispatchMessage({ order: o, declines, maxCallAttempts }: DispatchMessageInput, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const title = `${o.key} · ${o.customerName}`;
  const agreed = o.windowStart && o.windowEnd;
  const facts = [
    `*${tr('visit.field.state')}*\n${STATE_EMOJI[o.state] ?? ''} ${visitStateLabel(tr, o.state)}`,
    `*${tr('visit.field.engineer')}*\n${o.engineer ? mention(o.engineer) : tr('visit.unassigned')}`,
    `*${tr('visit.field.customer')}*\n${escapeMrkdwn(o.customerName)} · ${o.ticketKey}`,
    `*${tr('visit.field.contact')}*\n${escapeMrkdwn(o.contactName)} · ${maskPhone(o.contactPhone)}`,
    `*${tr('visit.field.address')}*\n${escapeMrkdwn(truncate(o.address, 300))}`,
    agreed
      ? `*${tr('visit.field.window_agreed')}*\n${slackWindow(o.windowStart!, o.windowEnd!)}`
      : `*${tr('visit.field.window_requested')}*\n${slackWindow(o.requestedStart, o.requestedEnd)}`,
  ];
  const blocks: KnownBlock[] = [header(title), fields(facts), section(`*${tr('visit.field.need')}*\n${escapeMrkdwn(truncate(o.need, 2800))}`)];
  const notes: string[] = [];
  if (o.callAttempts > 0) notes.push(tr('visit.calls_so_far', { n: o.callAttempts, max: maxCallAttempts }));
  if (o.eta && o.state === 'late') notes.push(`${tr('visit.field.eta')} ${slackDate(o.eta)}`);
  if (o.lateNotices > 0) notes.push(tr('visit.late_notices', { n: o.lateNotices, flagged: o.lateNoticesFlagged }));
  if (o.missedNotices > 0) notes.push(tr('visit.missed_notices', { n: o.missedNotices }));
  if (o.leftNoteAt) notes.push(tr('visit.left_note_at', { at: slackDate(o.leftNoteAt), where: escapeMrkdwn(truncate(o.leftNoteWhere ?? '', 200)) }));
  if (o.arrivedAt) notes.push(`${tr('visit.field.arrived')} ${slackDate(o.arrivedAt, '{time}')} · ${tr(`visit.punctuality.${o.punctuality ?? 'no_window'}` as MessageKey, { minutes: Math.abs(o.arrivalOffsetMinutes ?? 0) })}`);
  if (notes.length > 0) blocks.push(context(notes));
  if (o.workDone) blocks.push(completionSection(o, tr));
  if (o.confirmedAt) {
    const stars = o.rating ? ` · ${'★'.repeat(o.rating)}${'☆'.repeat(5 - o.rating)}` : '';
    const via = tr(`visit.via.${o.confirmedVia ?? 'link'}` as MessageKey, { user: o.confirmedBy ? mention(o.confirmedBy) : '' });
    const comment = o.ratingComment ? `\n> ${escapeMrkdwn(truncate(o.ratingComment, 500)).replace(/\n/g, '\n> ')}` : '';
    blocks.push(section(`*${tr('visit.field.confirmed')}* ${escapeMrkdwn(o.confirmedName ?? '')} (${via})${stars}${comment}`));
  }
  if ((o.state === 'cancelled' || o.state === 'declined') && o.closeReason) blocks.push(section(`*${tr('visit.field.reason')}* ${escapeMrkdwn(truncate(o.closeReason, 500))}`));
  if (o.state === 'open' && declines.length > 0) {
    blocks.push(context([tr('visit.declined_by') + ' ' + declines.slice(-8).map((d) => `${mention(d.actor)}: ${escapeMrkdwn(truncate(d.note ?? '', 80))}`).join(' · ')]));
  }
  blocks.push(context([`${tr('visit.requested_by', { user: mention(o.createdBy) })} ${slackDate(o.createdAt)}`]));
  const buttons = buttonsFor(o.state, o.callAttempts, maxCallAttempts).map((a) =>
    button(tr(`visit.button.${a}` as MessageKey), VISIT_ACTIONS[a as Exclude<VisitAction, 'confirm'>], visitButtonValue(o), PRIMARY.has(a) ? 'primary' : undefined),
  );
  if (o.engineer && ['accepted', 'scheduled', 'late', 'no_contact', 'on_site'].includes(o.state)) buttons.push(button(tr('visit.button.phone'), VISIT_ACTIONS.phone, visitButtonValue(o)));
  if (buttons.length > 0) blocks.push(actions(`visit.actions.${o.id}`, buttons));
  return { text: `${escapeMrkdwn(title)} — ${visitStateLabel(tr, o.state)}`, blocks };
}

const PRIMARY = new Set<VisitAction>(['accept', 'confirm_window', 'arrive', 'complete', 'archive']);

function completionSection(o: VisitOrderView, tr: Translate): KnownBlock {
  const lines = [`*${tr('visit.field.work_done')}* ${escapeMrkdwn(truncate(o.workDone ?? '', 1200))}`];
  if (o.partsUsed) lines.push(`*${tr('visit.field.parts')}* ${escapeMrkdwn(truncate(o.partsUsed, 500))}`);
  if (o.result) lines.push(`*${tr('visit.field.result')}* ${tr(`visit.result.${o.result}` as MessageKey)}`);
  if (o.followUp) lines.push(`*${tr('visit.field.follow_up')}* ${escapeMrkdwn(truncate(o.followUpNote ?? '', 500))}`);
  return section(lines.join('\n'));
}

/** The reply in the order's thread that tells what changed. */
export function changeReply(o: VisitOrderView, change: VisitChange, tr: Translate): string {
  const params = {
    user: mention(change.actor),
    engineer: change.engineer ? mention(change.engineer) : '',
    previous: change.previousEngineer ? mention(change.previousEngineer) : tr('visit.nobody'),
    key: o.key,
  };
  const kind = change.action === 'decline' && change.to === 'declined' ? 'decline_order' : change.action;
  const lines = [tr(`visit.reply.${kind}` as MessageKey, params)];
  if (change.from !== change.to) lines[0] += ` · ${visitStateLabel(tr, change.from)} → ${visitStateLabel(tr, change.to)}`;
  if (change.action === 'confirm_window' && o.windowStart && o.windowEnd) lines.push(`${tr('visit.field.window_agreed')} ${slackWindow(o.windowStart, o.windowEnd)}`);
  if (change.late) {
    const l = change.late;
    lines.push(tr('visit.reply.late_detail', { eta: slackDate(l.eta), delay: l.delayMinutes, lead: l.leadMinutes, required: l.requiredMinutes }));
    if (l.newWindow && o.windowStart && o.windowEnd) lines.push(`${tr('visit.field.window_agreed')} ${slackWindow(o.windowStart, o.windowEnd)}`);
    lines.push(l.inTime ? tr('visit.reply.late_in_time') : tr('visit.reply.late_flagged'));
  }
  if (change.call) lines.push(tr('visit.reply.call_detail', { n: change.call.attempt, max: change.call.max, result: tr(`visit.call.${change.call.result}` as MessageKey) }) + (change.call.attempt >= change.call.max ? `\n${tr('visit.reply.may_go_by')}` : ''));
  if (change.arrival) lines.push(tr(`visit.punctuality.${change.arrival.punctuality}` as MessageKey, { minutes: Math.abs(change.arrival.offsetMinutes ?? 0) }));
  if (change.action === 'complete' || change.action === 'new_link') lines.push(tr('visit.reply.link_sent', { engineer: mention(o.engineer ?? change.actor) }));
  if (change.note && change.action !== 'unreachable') lines.push(`> ${escapeMrkdwn(truncate(change.note, 1000)).replace(/\n/g, '\n> ')}`);
  return lines.join('\n');
}

/** Ephemeral list for `/visit mine` and the Home tab. */
export function visitList(heading: string, list: VisitOrderView[], tr: Translate, total = list.length): KnownBlock[] {
  if (list.length === 0) return [section(`*${escapeMrkdwn(heading)}*\n${tr('visit.list.empty')}`)];
  const shown = list.slice(0, 15);
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(heading)}*`)];
  for (const o of shown) {
    const when = o.windowStart && o.windowEnd ? slackWindow(o.windowStart, o.windowEnd) : `${tr('visit.requested')} ${slackWindow(o.requestedStart, o.requestedEnd)}`;
    blocks.push(section(`${STATE_EMOJI[o.state] ?? ''} *${o.key}* ${escapeMrkdwn(truncate(o.customerName, 100))} · ${visitStateLabel(tr, o.state)}\n${when} · ${escapeMrkdwn(truncate(o.address, 150))}`));
  }
  if (total > shown.length) blocks.push(context([tr('visit.list.more', { count: total - shown.length })]));
  return blocks;
}

/** Ephemeral details with the timeline; the full phone only when `fullPhone` is given. */
export function visitDetails(o: VisitOrderView, events: VisitEvent[], maxCallAttempts: number, tr: Translate, fullPhone?: string): KnownBlock[] {
  const { blocks } = dispatchMessage({ order: o, declines: [], maxCallAttempts }, tr);
  const out: KnownBlock[] = blocks.filter((b) => b.type !== 'actions');
  if (fullPhone) out.push(section(`*${tr('visit.field.phone')}* ${escapeMrkdwn(fullPhone)}`));
  const lines = events.slice(-30).map((e) => {
    const states = e.fromState && e.toState && e.fromState !== e.toState ? ` (${visitStateLabel(tr, e.fromState)} → ${visitStateLabel(tr, e.toState)})` : '';
    const note = e.note ? ` — ${escapeMrkdwn(truncate(e.note, 120))}` : '';
    return `• ${slackDate(e.at)} ${e.actor === 'opsdesk' || e.actor === 'customer' ? tr(`visit.actor.${e.actor}` as MessageKey) : mention(e.actor)} ${tr(`visit.event.${e.kind}` as MessageKey)}${states}${note}`;
  });
  out.push(divider(), section(`*${tr('visit.timeline')}*\n${lines.join('\n')}`));
  return out.slice(0, 50);
}
