// Pure functions: the daily work report → Block Kit (parent message, one reply per engineer, the
// problems form and its reply).
import type { KnownBlock, ModalView } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, header, plain, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, truncate } from '../../../slack/mrkdwn.js';
import type { DailyReport, EngineerDay, UnassignedTicket } from '../daily.service.js';
import { PROBLEMS_MAX } from '../daily.service.js';
import { INPUT, PROBLEMS_FIELD, REVIEW_ACTIONS, REVIEW_VIEWS } from './ids.js';

const keys = (list: string[], tr: Translate) => (list.length ? truncate(list.join(', '), 600) : tr('review.daily.none'));

/** The day's parent message in the review channel. */
export function dailyParent(report: DailyReport, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const e = report.engineers;
  const sum = (f: (d: EngineerDay) => number) => e.reduce((n, d) => n + f(d), 0);
  const summary = tr('review.daily.summary', {
    engineers: e.length,
    opened: sum((d) => d.opened.length),
    resolved: sum((d) => d.resolved.length),
    open: sum((d) => d.open.length),
    blocked: sum((d) => d.blocked.length),
  });
  const title = tr('review.daily.title', { date: report.date });
  const unassigned = report.unassigned.total;
  // "Nothing … nobody holds an open ticket" only when it is true: unassigned open tickets are listed.
  const opening = e.length > 0 ? summary : unassigned > 0 ? tr('review.daily.nothing_handled', { count: unassigned }) : tr('review.daily.nothing');
  const blocks: KnownBlock[] = [header(title), section(opening)];
  if (e.length > 0 || unassigned > 0) blocks.push(section(truncate(unassignedText(report.unassigned, tr), 2900)));
  blocks.push(context([tr('review.daily.hint')]));
  const more = unassigned > 0 ? ` · ${tr('review.daily.unassigned', { count: unassigned })}` : '';
  return { text: `${title} — ${opening}${more}`, blocks };
}

const SLA_EMOJI = { ok: ':white_check_mark:', at_risk: ':warning:', breached: ':rotating_light:', paused: ':pause_button:' } as const;

/** The unassigned open tickets, most urgent first, each with its SLA state. */
function unassignedText(u: DailyReport['unassigned'], tr: Translate): string {
  const line = (t: UnassignedTicket) =>
    `${SLA_EMOJI[t.sla]} ${t.key} ${t.priority} ${escapeMrkdwn(truncate(t.title, 60))} · ${tr(`review.daily.sla.${t.sla}` as MessageKey)}`;
  const lines = u.list.map(line);
  if (u.total > u.list.length) lines.push(tr('review.daily.more', { count: u.total - u.list.length }));
  return `*${tr('review.daily.unassigned', { count: u.total })}*\n${lines.join('\n') || tr('review.daily.unassigned_none')}`;
}

/** One engineer's reply in the day's thread, with the Add problems button. */
export function engineerReply(date: string, d: EngineerDay, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const lines = [
    `*${tr('review.daily.opened')}* ${keys(d.opened, tr)}`,
    `*${tr('review.daily.taken')}* ${keys(d.taken, tr)}`,
    `*${tr('review.daily.resolved')}* ${keys(d.resolved, tr)}`,
  ];
  if (d.visits) lines.push(`*${tr('review.daily.visits')}* ${keys(d.visits, tr)}`);
  const open = d.open.slice(0, 15).map((o) => `${o.key} ${o.priority} ${escapeMrkdwn(truncate(o.title, 60))}`);
  if (d.open.length > 15) open.push(tr('review.daily.more', { count: d.open.length - 15 }));
  const blocked = d.blocked.map((b) => `${b.key} (${tr(b.reason === 'waiting_customer' ? 'review.daily.blocked.waiting' : 'review.daily.blocked.breached')})`);
  const blocks: KnownBlock[] = [
    section(`*${mention(d.user)}*\n${lines.join('\n')}`),
    section(truncate(`*${tr('review.daily.still_open', { count: d.open.length })}*\n${open.join('\n') || tr('review.daily.none')}`, 2900)),
    section(truncate(`*${tr('review.daily.blocked', { count: d.blocked.length })}*\n${blocked.join(', ') || tr('review.daily.none')}`, 2900)),
    actions(`daily.actions.${d.user}`, [button(tr('review.daily.button.problems'), REVIEW_ACTIONS.addProblems, JSON.stringify({ d: date, u: d.user }))]),
  ];
  return { text: tr('review.daily.reply_text', { user: mention(d.user), resolved: d.resolved.length, open: d.open.length }), blocks };
}

/** The form for a line of problems. */
export function problemsModal(date: string, privateMetadata: string, tr: Translate): ModalView {
  return {
    type: 'modal',
    callback_id: REVIEW_VIEWS.problems,
    title: plain(tr('review.daily.form.title'), 24),
    submit: plain(tr('review.daily.form.submit'), 24),
    close: plain(tr('modal.cancel'), 24),
    private_metadata: privateMetadata,
    blocks: [
      section(tr('review.daily.form.intro', { date })),
      { type: 'input', block_id: PROBLEMS_FIELD, label: plain(tr('review.daily.form.problems'), 2000), element: { type: 'plain_text_input', action_id: INPUT, multiline: true, max_length: PROBLEMS_MAX } } as KnownBlock,
    ],
  };
}

export const problemsReply = (user: string, text: string, tr: Translate) => tr('review.daily.problems_reply', { user: mention(user), text: escapeMrkdwn(text) });
