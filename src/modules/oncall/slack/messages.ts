// Pure functions: the handover thread and the on-call DMs → Slack messages. User text is escaped.
import type { KnownBlock } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, header, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import type { OutboxPayload } from '../../../outbox/outbox.table.js';
import { changeLink, changeStateLabel, slackWindow } from '../../changes/index.js';
import type { Handover, HandoverNote, HandoverSnapshot, Override, PagedTicket, SnapshotChange, SnapshotPatrolRun, SnapshotTicket } from '../oncall.deps.js';
import { slaState, type Rotation, type Shift } from '../oncall.rules.js';
import { HANDOVER_ACTIONS_BLOCK, HANDOVER_RULES_BLOCK, ONCALL_ACTIONS } from './ids.js';
import { chunkLines } from './views.js';

const PRIORITY_EMOJI: Record<string, string> = { P1: ':red_circle:', P2: ':large_orange_circle:', P3: ':large_yellow_circle:', P4: ':white_circle:' };
const SLA_EMOJI = { ok: ':white_check_mark:', at_risk: ':warning:', breached: ':rotating_light:', paused: ':pause_button:' } as const;

/** What the Acknowledge, cover and page buttons carry. */
export const idValue = (id: number) => JSON.stringify({ id });

function ticketLine(t: SnapshotTicket, now: Date, tr: Translate): string {
  const state = slaState(t, now);
  const due = t.acknowledgedAt ? t.resolutionDueAt : t.responseDueAt < t.resolutionDueAt ? t.responseDueAt : t.resolutionDueAt;
  return (
    `${PRIORITY_EMOJI[t.priority] ?? ''} *${t.key}* ${escapeMrkdwn(truncate(t.title, 80))} · ${escapeMrkdwn(truncate(t.customerName, 40))} · ` +
    `${t.assignee ? mention(t.assignee) : tr('oncall.unassigned')} · ${SLA_EMOJI[state]} ${tr(`oncall.sla.${state}` as MessageKey)} (${tr('oncall.due', { at: slackDate(due) })}) · ` +
    tr('oncall.expects', { at: slackDate(t.expectedAt) })
  );
}

function breachLine(t: SnapshotTicket, from: Date, to: Date, tr: Translate): string {
  const which: string[] = [];
  const within = (d: Date) => d.getTime() >= from.getTime() && d.getTime() < to.getTime();
  if (within(t.responseDueAt) && (!t.acknowledgedAt || t.acknowledgedAt > t.responseDueAt)) which.push(tr('oncall.breach.response', { at: slackDate(t.responseDueAt, '{time}') }));
  if (within(t.resolutionDueAt) && (!t.resolvedAt || t.resolvedAt > t.resolutionDueAt)) which.push(tr('oncall.breach.resolution', { at: slackDate(t.resolutionDueAt, '{time}') }));
  return `${PRIORITY_EMOJI[t.priority] ?? ''} *${t.key}* ${escapeMrkdwn(truncate(t.title, 80))} · ${t.assignee ? mention(t.assignee) : tr('oncall.unassigned')} · ${which.join(', ')}`;
}

const PATROL_EMOJI = { on_time: ':white_check_mark:', late: ':hourglass:', not_submitted: ':x:' } as const;

function patrolLine(p: SnapshotPatrolRun, tr: Translate): string {
  const outcome = p.outcome === 'not_submitted' ? tr('oncall.patrol.not_submitted', { at: slackDate(p.deadlineAt, '{time}') }) : tr(`oncall.patrol.${p.outcome}`, { at: slackDate(p.submittedAt ?? p.deadlineAt, '{time}') });
  const parts = [`*${escapeMrkdwn(p.checklist)}* ${slackDate(p.slotAt)}`, `${PATROL_EMOJI[p.outcome]} ${outcome}`];
  if (p.abnormal > 0) {
    const keys = p.ticketKeys.length > 0 ? truncate(p.ticketKeys.join(', '), 300) : tr('oncall.patrol.no_ticket_yet');
    parts.push(tr('oncall.patrol.abnormal', { count: p.abnormal, tickets: keys }));
  } else if (p.outcome !== 'not_submitted') {
    parts.push(tr('oncall.patrol.all_ok'));
  }
  return parts.join(' · ');
}

const RISK_EMOJI: Record<string, string> = { low: ':large_green_circle:', medium: ':large_orange_circle:', high: ':red_circle:' };

/** A change in the coming shift: its link, title, state, window, systems and implementer. */
function changeLine(c: SnapshotChange, tr: Translate): string {
  const emergency = c.emergency ? ` · ${tr('oncall.handover.change_emergency')}` : '';
  return (
    `${RISK_EMOJI[c.risk] ?? ''} ${changeLink(c)} ${escapeMrkdwn(truncate(c.title, 80))}${emergency} · ${changeStateLabel(tr, c.state)} · ${slackWindow(c)} · ` +
    `${escapeMrkdwn(truncate(c.systems.join(', '), 80))} · ${tr('oncall.handover.change_implementer', { user: mention(c.implementer) })}`
  );
}

const more = (shown: number, total: number, tr: Translate) => (total > shown ? [tr('oncall.more', { count: total - shown })] : []);

/** The handover thread's message: who hands over to whom, the snapshot, the note, Acknowledge. */
export function handoverMessage(h: Handover, snap: HandoverSnapshot, now: Date, tr: Translate, ackAfter: { remind: number; escalate: number }): OutboxPayload & { blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    header(tr('oncall.handover.title', { rotation: h.rotation })),
    section(
      h.outgoing
        ? tr('oncall.handover.intro', { outgoing: mention(h.outgoing), incoming: mention(h.incoming), from: slackDate(h.handoverAt), to: slackDate(h.shiftEnd) })
        : tr('oncall.handover.first', { incoming: mention(h.incoming), from: slackDate(h.handoverAt), to: slackDate(h.shiftEnd) }),
    ),
  ];
  if (h.outgoing && h.checkedOutAt) blocks.push(context([tr('oncall.handover.checked_out', { user: mention(h.outgoing), at: slackDate(h.checkedOutAt) })]));
  const ticketLines = [`*${tr('oncall.handover.tickets', { count: snap.tickets.total })}*`, ...snap.tickets.list.map((t) => ticketLine(t, now, tr)), ...more(snap.tickets.list.length, snap.tickets.total, tr)];
  if (snap.tickets.total === 0) ticketLines.push(tr('oncall.handover.none'));
  for (const text of chunkLines(ticketLines)) blocks.push(section(text));
  if (snap.unassigned) {
    const u = snap.unassigned;
    const lines = [`*${tr('oncall.handover.unassigned', { count: u.total })}*`, ...u.list.map((t) => ticketLine(t, now, tr)), ...more(u.list.length, u.total, tr)];
    if (u.total === 0) lines.push(tr('oncall.handover.no_unassigned'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (snap.visits) {
    const lines = [`*${tr('oncall.handover.visits', { count: snap.visits.total })}*`];
    for (const v of snap.visits.list) {
      const when = v.windowStart ? ` · ${tr('oncall.visit_window', { at: slackDate(v.windowStart) })}` : '';
      const eta = v.eta ? ` · ${tr('oncall.visit_eta', { at: slackDate(v.eta, '{time}') })}` : '';
      lines.push(`*${v.key}* ${escapeMrkdwn(truncate(v.customerName, 60))} · ${tr('oncall.visit_state', { state: v.state })} · ${v.engineer ? mention(v.engineer) : tr('oncall.unassigned')}${when}${eta}`);
    }
    lines.push(...more(snap.visits.list.length, snap.visits.total, tr));
    if (snap.visits.total === 0) lines.push(tr('oncall.handover.none'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (snap.shiftStart) {
    const lines = [`*${tr('oncall.handover.breaches', { count: snap.breaches.length })}*`, ...snap.breaches.map((t) => breachLine(t, snap.shiftStart!, h.handoverAt, tr))];
    if (snap.breaches.length === 0) lines.push(tr('oncall.handover.no_breaches'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (snap.patrols) {
    const lines = [`*${tr('oncall.handover.patrols', { count: snap.patrols.total })}*`, ...snap.patrols.list.map((p) => patrolLine(p, tr)), ...more(snap.patrols.list.length, snap.patrols.total, tr)];
    if (snap.patrols.total === 0) lines.push(tr('oncall.handover.no_patrols'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (snap.changes) {
    const lines = [`*${tr('oncall.handover.changes', { count: snap.changes.total })}*`, ...snap.changes.list.map((c) => changeLine(c, tr)), ...more(snap.changes.list.length, snap.changes.total, tr)];
    if (snap.changes.total === 0) lines.push(tr('oncall.handover.no_changes'));
    for (const text of chunkLines(lines)) blocks.push(section(text));
  }
  if (snap.note) {
    blocks.push(section(`*${tr('oncall.handover.note', { user: mention(snap.note.author) })}*\n${quote(snap.note.text)}`));
  } else if (h.outgoing) {
    blocks.push(section(`*${tr('oncall.handover.note_heading')}*\n${tr('oncall.handover.no_note')}`));
  }
  blocks.push(actions(HANDOVER_ACTIONS_BLOCK, [button(tr('oncall.button.acknowledge'), ONCALL_ACTIONS.acknowledge, idValue(h.id), 'primary')]));
  blocks.push({ ...context([tr('oncall.handover.ack_rules', { incoming: mention(h.incoming), remind: ackAfter.remind, escalate: ackAfter.escalate })]), block_id: HANDOVER_RULES_BLOCK } as KnownBlock);
  const text = h.outgoing ? tr('oncall.handover.text', { rotation: h.rotation, outgoing: mention(h.outgoing), incoming: mention(h.incoming) }) : tr('oncall.handover.title', { rotation: h.rotation });
  return { text, blocks };
}

/** The same message once acknowledged: the button and the rules line give way to who acknowledged and when. */
export function acknowledgedMessage(original: OutboxPayload, h: Handover, tr: Translate): OutboxPayload {
  const drop = new Set<string>([HANDOVER_ACTIONS_BLOCK, HANDOVER_RULES_BLOCK]);
  const blocks = ((original.blocks ?? []) as (KnownBlock & { block_id?: string })[]).filter((b) => !b.block_id || !drop.has(b.block_id));
  blocks.push(context([acknowledgedText(h, tr)]));
  return { text: original.text, blocks };
}

export function acknowledgedText(h: Handover, tr: Translate): string {
  const base = tr('oncall.handover.acknowledged', { user: mention(h.acknowledgedBy!), at: slackDate(h.acknowledgedAt!) });
  return h.checkedInAt ? `${base} · ${tr('oncall.handover.checked_in', { user: mention(h.incoming), at: slackDate(h.checkedInAt) })}` : `${base} · ${tr('oncall.handover.on_behalf', { user: mention(h.incoming) })}`;
}

export function movedReply(h: Handover, keys: string[], tr: Translate): string {
  if (keys.length === 0) return tr('oncall.handover.moved_none', { outgoing: mention(h.outgoing ?? '') });
  return tr('oncall.handover.moved', { count: keys.length, outgoing: mention(h.outgoing ?? ''), incoming: mention(h.incoming), keys: truncate(keys.join(', '), 2500) });
}

export const noteReply = (note: HandoverNote, tr: Translate) => `*${tr('oncall.handover.note', { user: mention(note.author) })}*\n${quote(note.text)}`;

const quote = (text: string) => `> ${escapeMrkdwn(truncate(text, 2500)).replace(/\n/g, '\n> ')}`;

export function handoverReminderDm(h: Handover, tr: Translate): OutboxPayload {
  const text = tr('oncall.dm.ack_reminder', { rotation: escapeMrkdwn(h.rotation), outgoing: h.outgoing ? mention(h.outgoing) : '—', at: slackDate(h.openedAt) });
  return { text, blocks: [section(text), actions(`oncall.dm.ack.${h.id}`, [button(tr('oncall.button.acknowledge'), ONCALL_ACTIONS.acknowledge, idValue(h.id), 'primary')])] };
}

export function handoverEscalation(h: Handover, supervisors: string[], minutes: number, tr: Translate): string {
  const cc = supervisors.length > 0 ? supervisors.map(mention).join(' ') : tr('oncall.no_supervisors');
  return tr('oncall.escalation.handover', { rotation: escapeMrkdwn(h.rotation), incoming: mention(h.incoming), minutes, at: slackDate(h.handoverAt), cc });
}

export function coverAskDm(o: Override, tr: Translate): OutboxPayload {
  const text = tr('oncall.dm.cover_ask', { requester: mention(o.requestedBy), rotation: escapeMrkdwn(o.rotation), start: slackDate(o.shiftStart), end: slackDate(o.shiftEnd), user: mention(o.replacedUser) });
  return {
    text,
    blocks: [
      section(text),
      actions(`oncall.cover.${o.id}`, [button(tr('oncall.button.accept'), ONCALL_ACTIONS.coverAccept, idValue(o.id), 'primary'), button(tr('oncall.button.decline'), ONCALL_ACTIONS.coverDecline, idValue(o.id))]),
    ],
  };
}

/** `kind`: which DM of a decided cover — to the requester, the covering person, or the replaced one. */
export function coverDecidedText(o: Override, kind: 'accepted' | 'declined' | 'forced_cover' | 'forced_replaced', tr: Translate): string {
  return tr(`oncall.dm.cover_${kind}` as MessageKey, {
    user: mention(o.coveringUser),
    by: mention(o.decidedBy ?? o.requestedBy),
    replaced: mention(o.replacedUser),
    rotation: escapeMrkdwn(o.rotation),
    start: slackDate(o.shiftStart),
    end: slackDate(o.shiftEnd),
  });
}

export function incomingReminder(r: Rotation, s: Shift, outgoing: Shift | undefined, tr: Translate): OutboxPayload {
  const text = tr(outgoing ? 'oncall.dm.shift_incoming' : 'oncall.dm.shift_first', {
    rotation: escapeMrkdwn(r.name),
    start: slackDate(s.start),
    end: slackDate(s.end),
    outgoing: outgoing ? mention(outgoing.user) : '',
  });
  return { text };
}

export function outgoingReminder(r: Rotation, incoming: Shift, tr: Translate): OutboxPayload {
  const text = tr('oncall.dm.shift_outgoing', { rotation: escapeMrkdwn(r.name), at: slackDate(incoming.start), incoming: mention(incoming.user) });
  const value = JSON.stringify({ r: r.name, at: incoming.start.getTime() });
  return { text, blocks: [section(text), actions(`oncall.note.${r.name}`, [button(tr('oncall.button.add_note'), ONCALL_ACTIONS.addNote, value, 'primary')])] };
}

export function pageDm(t: PagedTicket, pageId: number, rotation: string | null, minutes: number, supervisorStep: boolean, tr: Translate): OutboxPayload {
  const text = tr(supervisorStep ? 'oncall.dm.page_supervisor' : 'oncall.dm.page', {
    key: t.key,
    title: escapeMrkdwn(truncate(t.title, 150)),
    customer: escapeMrkdwn(t.customerName),
    rotation: escapeMrkdwn(rotation ?? '—'),
    minutes,
  });
  return {
    text,
    blocks: [
      section(text),
      actions(`oncall.page.${pageId}`, [button(tr('oncall.button.take'), ONCALL_ACTIONS.pageTake, idValue(pageId), 'primary'), button(tr('oncall.button.decline'), ONCALL_ACTIONS.pageDecline, idValue(pageId), 'danger')]),
    ],
  };
}

export function pageEscalation(t: PagedTicket, line: string[], supervisors: string[], tr: Translate): string {
  return tr('oncall.escalation.page', {
    key: t.key,
    title: escapeMrkdwn(truncate(t.title, 150)),
    line: line.length > 0 ? line.map(mention).join(', ') : '—',
    cc: supervisors.length > 0 ? supervisors.map(mention).join(' ') : tr('oncall.no_supervisors'),
  });
}
