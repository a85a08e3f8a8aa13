// Pure functions: on-call view models → Block Kit for `/oncall`, the forms and the Home tab.
import type { KnownBlock, ModalView } from '@slack/types';
import { DateTime } from 'luxon';
import type { Translate } from '../../../platform/i18n.js';
import { context, modal as sharedModal, option, plain, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import type { Handover } from '../oncall.deps.js';
import { ONCALL_LIMITS, type Rotation, type Shift } from '../oncall.rules.js';
import type { RotationStatus } from '../oncall.service.js';
import { INPUT, ONCALL_ACTIONS, ONCALL_FORM, ONCALL_VIEWS } from './ids.js';

/** Slack's limit on blocks in a message (the ephemeral answers). */
const MESSAGE_BLOCKS = 50;

/** Lines → sections of at most ~2900 characters each (Slack's section limit is 3000). */
export function chunkLines(lines: string[], max = 2900): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const l = truncate(line, max);
    if (current && current.length + 1 + l.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${l}` : l;
  }
  if (current) out.push(current);
  return out;
}

/** "@bob (covering for @alice)" or "@alice". */
export function whoText(s: Shift, tr: Translate): string {
  return s.user !== s.scheduled ? `${mention(s.user)} ${tr('oncall.covering_for', { user: mention(s.scheduled) })}` : mention(s.user);
}

/** A shift as plain text in the rotation's zone, for select options: "Wed 11-25 09:00–21:00", "Wed 11-25 21:00–09:00 +1". */
export function shiftLabel(s: Shift, zone: string, tr: Translate): string {
  const from = DateTime.fromJSDate(s.start, { zone });
  const to = DateTime.fromJSDate(s.end, { zone });
  const days = Math.round(to.startOf('day').diff(from.startOf('day'), 'days').days);
  return tr('oncall.shift_label', { day: from.weekday, date: from.toFormat('MM-dd'), from: from.toFormat('HH:mm'), to: `${to.toFormat('HH:mm')}${days > 0 ? ` +${days}` : ''}` });
}

/** `/oncall`: who is on call now and next in each rotation, shift ends in the reader's zone. */
export function statusBlocks(statuses: RotationStatus[], tr: Translate): KnownBlock[] {
  if (statuses.length === 0) return [section(tr('oncall.no_rotations'))];
  const blocks: KnownBlock[] = [];
  for (const { rotation: r, current, next, overrides } of statuses) {
    const lines = [`*${escapeMrkdwn(r.name)}*${r.channel ? ` · <#${r.channel}>` : ''}`];
    if (current) lines.push(tr('oncall.now', { who: whoText(current, tr), end: slackDate(current.end) }));
    else lines.push(tr('oncall.not_started', { start: slackDate(next!.start), who: mention(next!.user) }));
    if (current && next) lines.push(tr('oncall.next', { who: whoText(next, tr), start: slackDate(next.start), end: slackDate(next.end) }));
    blocks.push(section(lines.join('\n')));
    if (overrides.length > 0) {
      const cover = overrides.map((o) => tr('oncall.override_line', { start: slackDate(o.shiftStart), end: slackDate(o.shiftEnd), who: mention(o.coveringUser), user: mention(o.replacedUser) }));
      blocks.push(context([truncate(`${tr('oncall.overrides')} ${cover.join(' · ')}`, 2000)]));
    }
  }
  return blocks.slice(0, MESSAGE_BLOCKS);
}

/** `/oncall schedule`: every shift of the next 14 days per rotation. */
export function scheduleBlocks(schedules: { rotation: Rotation; shifts: Shift[] }[], days: number, tr: Translate): KnownBlock[] {
  if (schedules.length === 0) return [section(tr('oncall.no_rotations'))];
  const blocks: KnownBlock[] = [];
  for (const { rotation: r, shifts } of schedules) {
    const lines = [`*${tr('oncall.schedule_heading', { rotation: escapeMrkdwn(r.name), days })}*`];
    for (const s of shifts) lines.push(`• ${slackDate(s.start)} → ${slackDate(s.end, '{time}')}  ${whoText(s, tr)}`);
    if (shifts.length === 0) lines.push(tr('oncall.schedule_empty'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (blocks.length > MESSAGE_BLOCKS) return [...blocks.slice(0, MESSAGE_BLOCKS - 1), context([tr('oncall.schedule_more')])];
  return blocks;
}

const modal = (callbackId: string, title: string, submit: string, blocks: KnownBlock[], privateMetadata: string, tr: Translate): ModalView =>
  sharedModal(callbackId, title, submit, blocks, privateMetadata, tr('modal.cancel'));

export interface SwapModalInput {
  rotations: Rotation[];
  rotation: Rotation;
  /** The shifts offered (not over yet), at most 100. */
  shifts: Shift[];
  /** The shift to preselect (the user's own next one). */
  initialShift?: Shift;
  supervisor: boolean;
  privateMetadata: string;
}

/** `/oncall swap`: rotation, shift, who covers. Changing the rotation refreshes the shift list. */
export function swapModal(m: SwapModalInput, tr: Translate): ModalView {
  const rotationOptions = m.rotations.slice(0, 100).map((r) => option(r.name, r.name));
  const shiftOptions = m.shifts.slice(0, 100).map((s) => option(shiftLabel(s, m.rotation.zone, tr), String(s.start.getTime())));
  const initial = m.initialShift && shiftOptions.find((o) => o.value === String(m.initialShift!.start.getTime()));
  const who = m.shifts.slice(0, 30).map((s) => `\`${shiftLabel(s, m.rotation.zone, tr)}\` ${whoText(s, tr)}`);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: ONCALL_FORM.rotation,
      dispatch_action: true,
      label: plain(tr('oncall.form.rotation')),
      element: { type: 'static_select', action_id: ONCALL_ACTIONS.swapRotation, options: rotationOptions, initial_option: option(m.rotation.name, m.rotation.name) },
    } as KnownBlock,
    shiftOptions.length > 0
      ? ({
          type: 'input',
          block_id: ONCALL_FORM.shift,
          label: plain(tr('oncall.form.shift')),
          hint: plain(tr('oncall.form.shift_hint', { zone: m.rotation.zone })),
          element: { type: 'static_select', action_id: INPUT, options: shiftOptions, ...(initial ? { initial_option: initial } : {}) },
        } as KnownBlock)
      : section(tr('oncall.form.no_shifts')),
    { type: 'input', block_id: ONCALL_FORM.cover, label: plain(tr('oncall.form.cover')), element: { type: 'users_select', action_id: INPUT } } as KnownBlock,
    context([tr(m.supervisor ? 'oncall.form.swap_supervisor' : 'oncall.form.swap_ask')]),
    ...chunkLines(who, 1900).map((t) => context([t])),
  ];
  return modal(ONCALL_VIEWS.swap, tr('oncall.form.swap_title'), tr('oncall.form.swap_submit'), blocks, m.privateMetadata, tr);
}

/** `/oncall note` and **Add handover note**: the outgoing engineer's note for the thread. */
export function noteModal(m: { rotation: string; handoverAt: Date; existing?: string; privateMetadata: string }, tr: Translate): ModalView {
  return modal(ONCALL_VIEWS.note, tr('oncall.form.note_title'), tr('oncall.form.note_submit'), [
    section(tr('oncall.form.note_intro', { rotation: escapeMrkdwn(m.rotation), at: slackDate(m.handoverAt) })),
    {
      type: 'input',
      block_id: ONCALL_FORM.note,
      label: plain(tr('oncall.form.note')),
      element: { type: 'plain_text_input', action_id: INPUT, multiline: true, max_length: ONCALL_LIMITS.note, ...(m.existing ? { initial_value: truncate(m.existing, ONCALL_LIMITS.note) } : {}) },
    } as KnownBlock,
  ], m.privateMetadata, tr);
}

/** **Acknowledge handover**: confirms, and offers to move the outgoing engineer's open tickets. */
export function acknowledgeModal(m: { handover: Handover; outgoingTickets: number; onBehalf: boolean; privateMetadata: string }, tr: Translate): ModalView {
  const h = m.handover;
  const blocks: KnownBlock[] = [
    section(tr('oncall.form.ack_intro', { rotation: escapeMrkdwn(h.rotation), outgoing: h.outgoing ? mention(h.outgoing) : '—', incoming: mention(h.incoming), at: slackDate(h.handoverAt) })),
  ];
  if (m.outgoingTickets > 0 && h.outgoing) {
    blocks.push({
      type: 'input',
      block_id: ONCALL_FORM.move,
      optional: true,
      label: plain(tr('oncall.form.move_label')),
      element: {
        type: 'checkboxes',
        action_id: INPUT,
        options: [{ text: { type: 'mrkdwn', text: tr('oncall.form.move', { count: m.outgoingTickets, outgoing: mention(h.outgoing), incoming: mention(h.incoming) }) }, value: 'move' }],
      },
    } as KnownBlock);
  } else {
    blocks.push(context([tr('oncall.form.nothing_to_move')]));
  }
  if (m.onBehalf) blocks.push(context([tr('oncall.form.on_behalf', { user: mention(h.incoming) })]));
  return modal(ONCALL_VIEWS.acknowledge, tr('oncall.form.ack_title'), tr('oncall.form.ack_submit'), blocks, m.privateMetadata, tr);
}

/** Home: the user's next on-call shift. */
export function homeBlocks(shift: Shift | undefined, now: Date, tr: Translate): KnownBlock[] {
  const heading = `*${tr('oncall.home.heading')}*`;
  if (!shift) return [section(`${heading}\n${tr('oncall.home.none')}`)];
  const running = shift.start.getTime() <= now.getTime();
  const text = running
    ? tr('oncall.home.now', { rotation: escapeMrkdwn(shift.rotation), end: slackDate(shift.end) })
    : tr('oncall.home.next', { rotation: escapeMrkdwn(shift.rotation), start: slackDate(shift.start), end: slackDate(shift.end) });
  return [section(`${heading}\n${text}${shift.user !== shift.scheduled ? ` ${tr('oncall.covering_for', { user: mention(shift.scheduled) })}` : ''}`)];
}
