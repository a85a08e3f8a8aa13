// Pure functions: a review → Block Kit and the chart's comment. No I/O; every string from the catalogue.
import type { KnownBlock } from '@slack/types';
import type { Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, fields, header, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { changeLink, changeStateLabel } from '../../changes/index.js';
import { categoryLabel } from '../../tickets/index.js';
import type { Counts, MonthFigures, Review } from '../reviews.figures.js';
import { change, formatChange, formatMinutes } from '../reviews.rules.js';
import { REVIEW_ACTIONS } from './ids.js';

const num = (v: number | null, unit = '') => (v === null ? '—' : `${v}${unit}`);
/** "12 (+3)": a figure and its change from last month. */
const withChange = (cur: number | null, prev: number | null, unit = '', changeUnit = unit) => {
  const delta = formatChange(change(cur, prev), changeUnit);
  return `${num(cur, unit)}${delta ? ` (${delta})` : ''}`;
};
/** Minutes as a duration, with the change in minutes. */
const minutesWithChange = (cur: number | null, prev: number | null) => {
  const delta = change(cur, prev);
  return `${formatMinutes(cur)}${delta === null ? '' : ` (${delta === 0 ? '±0' : `${delta > 0 ? '+' : '−'}${formatMinutes(Math.abs(delta))}`})`}`;
};

export function monthTitle(month: string, tr: Translate): string {
  return tr('review.title', { month });
}

function countsLine(label: string, c: Counts, p: Counts | undefined, tr: Translate): string {
  return `• ${label}: ${tr('review.counts_line', { opened: withChange(c.opened, p?.opened ?? 0), resolved: withChange(c.resolved, p?.resolved ?? 0), open: withChange(c.openAtEnd, p?.openAtEnd ?? 0) })}`;
}

function ticketsSection(cur: MonthFigures, prev: MonthFigures, tr: Translate): KnownBlock[] {
  const t = cur.totals;
  const p = prev.totals;
  const priorities = Object.entries(cur.byPriority).map(([k, c]) => countsLine(k, c, prev.byPriority[k], tr));
  const categories = Object.entries(cur.byCategory).slice(0, 12).map(([k, c]) => countsLine(escapeMrkdwn(categoryLabel(tr, k)), c, prev.byCategory[k], tr));
  return [
    section(`*${tr('review.section.tickets')}*`),
    fields([
      `*${tr('review.opened')}*\n${withChange(t.opened, p.opened)}`,
      `*${tr('review.resolved')}*\n${withChange(t.resolved, p.resolved)}`,
      `*${tr('review.open_at_end')}*\n${withChange(t.openAtEnd, p.openAtEnd)}`,
      `*${tr('review.cancelled')}*\n${withChange(t.cancelled, p.cancelled)}`,
    ]),
    section(truncate(`*${tr('review.by_priority')}*\n${priorities.join('\n')}`, 2900)),
    section(truncate(`*${tr('review.by_category')}*\n${categories.join('\n') || tr('review.none')}`, 2900)),
  ];
}

function slaSection(review: Review, tr: Translate): KnownBlock[] {
  const { current: c, previous: p } = review;
  const blocks: KnownBlock[] = [
    section(`*${tr('review.section.sla')}*`),
    fields([
      `*${tr('review.response_compliance')}*\n${withChange(c.response.pct, p.response.pct, '%', 'pp')} · ${c.response.met}/${c.response.met + c.response.breached}`,
      `*${tr('review.resolution_compliance')}*\n${withChange(c.resolution.pct, p.resolution.pct, '%', 'pp')} · ${c.resolution.met}/${c.resolution.met + c.resolution.breached}`,
      `*${tr('review.mtta')}*\n${tr('review.median_p90', { median: minutesWithChange(c.mtta.median, p.mtta.median), p90: minutesWithChange(c.mtta.p90, p.mtta.p90) })}`,
      `*${tr('review.mttr')}*\n${tr('review.median_p90', { median: minutesWithChange(c.mttr.median, p.mttr.median), p90: minutesWithChange(c.mttr.p90, p.mttr.p90) })}`,
    ]),
  ];
  const breachLines = review.breaches.map((b) => {
    const reason = b.plan ? tr('review.breach.plan', { plan: escapeMrkdwn(truncate(b.plan, 120)) }) : b.cause ? tr('review.breach.cause', { cause: escapeMrkdwn(truncate(b.cause, 120)) }) : tr('review.breach.no_reason');
    const status = b.resolvedAt ? tr('review.breach.late', { late: formatMinutes(b.lateMinutes) }) : tr('review.breach.still_open', { late: formatMinutes(b.lateMinutes) });
    return `• *${b.key}* ${b.priority} ${escapeMrkdwn(truncate(b.title, 80))} — ${status}${b.extendedAfterBreach ? ` · ${tr('review.breach.extended')}` : ''}\n   ${reason}`;
  });
  blocks.push(
    section(
      truncate(`*${tr('review.breaches', { count: withChange(c.resolution.breached, p.resolution.breached) })}*\n${breachLines.join('\n') || tr('review.none')}`, 2900),
    ),
  );
  if (c.extensions && p.extensions) {
    const list = (review.extensionList ?? []).map(
      (e) => `• *${e.key}* ${escapeMrkdwn(truncate(e.plan, 100))} — ${tr('review.extension.line', { by: escapeMrkdwn(e.consentedBy), method: escapeMrkdwn(e.consentMethod), at: slackDate(new Date(e.committedAt)) })}`,
    );
    blocks.push(
      section(truncate(`*${tr('review.extensions', { count: withChange(c.extensions.count, p.extensions.count), after: c.extensions.breachedBefore })}*\n${list.join('\n') || tr('review.none')}`, 2900)),
    );
  } else {
    blocks.push(context([tr('review.extensions_unavailable')]));
  }
  return blocks;
}

function visitsSection(review: Review, tr: Translate): KnownBlock[] {
  const c = review.current.visits;
  const p = review.previous.visits;
  if (!c || !p) return [section(`*${tr('review.section.visits')}*\n${tr('review.visits_unavailable')}`)];
  return [
    section(`*${tr('review.section.visits')}*`),
    fields([
      `*${tr('review.visits.orders')}*\n${withChange(c.orders, p.orders)}`,
      `*${tr('review.visits.on_time')}*\n${withChange(c.onTimePct, p.onTimePct, '%', 'pp')} · ${c.onTime}/${c.arrived}`,
      `*${tr('review.visits.in_target')}*\n${withChange(c.arrivedInTargetPct, p.arrivedInTargetPct, '%', 'pp')} · ${c.arrivedInTarget}/${c.arrived}`,
      `*${tr('review.visits.notices_in_time')}*\n${withChange(c.lateNoticesInTimePct, p.lateNoticesInTimePct, '%', 'pp')} · ${c.lateNoticesInTime}/${c.lateNotices}`,
      `*${tr('review.visits.no_contact')}*\n${withChange(c.noContact, p.noContact)}`,
      `*${tr('review.visits.rating')}*\n${withChange(c.avgRating, p.avgRating)} · ${tr('review.visits.rated', { count: c.rated })}`,
    ]),
  ];
}

function patrolsSection(review: Review, tr: Translate): KnownBlock[] {
  const c = review.current.patrols;
  const p = review.previous.patrols;
  const items = review.abnormalItems.map((a) => `• ${a.date} ${escapeMrkdwn(a.checklist)}: ${escapeMrkdwn(truncate(a.item, 100))}${a.ticket ? ` → ${a.ticket}` : ''}`);
  return [
    section(`*${tr('review.section.patrols')}*`),
    fields([
      `*${tr('review.patrols.completion')}*\n${withChange(c.completionPct, p.completionPct, '%', 'pp')} · ${tr('review.patrols.runs', { on_time: c.onTime, submitted: c.submitted, runs: c.runs })}`,
      `*${tr('review.patrols.abnormal')}*\n${withChange(c.abnormalItems, p.abnormalItems)}`,
    ]),
    ...(items.length ? [section(truncate(items.join('\n'), 2900))] : []),
  ];
}

/** How many changes the post lists (the CSV has them all). */
const CHANGES_LISTED = 15;

function changesSection(review: Review, tr: Translate): KnownBlock[] {
  const c = review.current.changes;
  const p = review.previous.changes;
  if (!c || !p) return [];
  const list = review.changeList ?? [];
  const lines = list.slice(0, CHANGES_LISTED).map((ch) => {
    const marks = [ch.emergency ? tr('review.changes.emergency') : '', ch.overran ? tr('review.changes.overran') : ''].filter(Boolean);
    const window = `${slackDate(new Date(ch.windowStart))} – ${slackDate(new Date(ch.windowEnd))}`;
    return `• ${changeLink(ch)} ${escapeMrkdwn(truncate(ch.title, 80))} — ${window} · *${changeStateLabel(tr, ch.state)}*${marks.length ? ` · ${marks.join(' · ')}` : ''}`;
  });
  if (list.length > CHANGES_LISTED) lines.push(tr('review.changes.more', { count: list.length - CHANGES_LISTED, month: review.month }));
  return [
    section(`*${tr('review.section.changes')}*`),
    fields([
      `*${tr('review.changes.total')}*\n${withChange(c.total, p.total)}`,
      `*${tr('review.changes.success')}*\n${withChange(c.successPct, p.successPct, '%', 'pp')} · ${tr('review.changes.success_of', { done: c.done, finished: c.done + c.rolledBack })}`,
      `*${tr('review.changes.rollbacks')}*\n${withChange(c.rolledBack, p.rolledBack)}`,
      `*${tr('review.changes.emergencies')}*\n${withChange(c.emergencies, p.emergencies)}`,
      `*${tr('review.changes.overruns')}*\n${withChange(c.overruns, p.overruns)}`,
      `*${tr('review.changes.rejected_cancelled')}*\n${c.rejected} / ${c.cancelled}`,
    ]),
    ...(lines.length ? [section(truncate(lines.join('\n'), 2900))] : []),
  ];
}

function faultsSection(review: Review, tr: Translate): KnownBlock[] {
  const lines = review.topFaults.map((f, i) => `${i + 1}. ${escapeMrkdwn(categoryLabel(tr, f.category))} — ${f.count}${f.change !== null ? ` (${formatChange(f.change) || '±0'})` : ''}`);
  return [section(`*${tr('review.section.faults')}*\n${lines.join('\n') || tr('review.none')}`)];
}

/** The review as a message: the post in the review channel, or the ephemeral `/review` answer. */
export function reviewMessage(review: Review, tr: Translate, opts: { postButton?: boolean } = {}): { text: string; blocks: KnownBlock[] } {
  const c = review.current;
  const title = monthTitle(review.month, tr);
  const holidays = c.holidays.length ? ` · ${tr('review.holidays', { days: c.holidays.map((d) => d.slice(5)).join(', ') })}` : '';
  const blocks: KnownBlock[] = [
    header(title),
    context([`${tr('review.period', { month: review.month, previous: review.previous.month, zone: review.zone })} · ${tr('review.working_days', { count: c.workingDays })}${holidays}`]),
    ...ticketsSection(c, review.previous, tr),
    divider(),
    ...slaSection(review, tr),
    divider(),
    ...visitsSection(review, tr),
    ...patrolsSection(review, tr),
    ...changesSection(review, tr),
    ...faultsSection(review, tr),
    context([tr('review.footer', { at: slackDate(new Date(review.computedAt)) })]),
  ];
  if (opts.postButton) blocks.push(actions('review.actions', [button(tr('review.button.post'), REVIEW_ACTIONS.post, review.month, 'primary')]));
  const summary = tr('review.summary', {
    opened: c.totals.opened,
    resolved: c.totals.resolved,
    response: c.response.pct === null ? '—' : `${c.response.pct}%`,
    resolution: c.resolution.pct === null ? '—' : `${c.resolution.pct}%`,
  });
  return { text: `${title} — ${summary}`, blocks: blocks.slice(0, 50) };
}

/** The comment that goes with the chart upload. */
export const chartComment = (review: Review, tr: Translate) => tr('review.chart_comment', { month: review.month });

