// Pure functions: patrol runs → Block Kit. No I/O; every string from the catalogue.
import type { KnownBlock, ModalView } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, header, option, plain, section } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { itemField, noteField, onTime, PATROL_LIMITS, RUN_NOTE_FIELD, type PatrolItemStatus } from '../patrols.rules.js';
import type { PatrolItem, PatrolRun, PatrolRunWithItems } from '../patrols.store.js';
import { INPUT, PATROL_ACTIONS, PATROL_VIEWS } from './ids.js';

/** What a patrol button carries: the run and the version the message showed. */
export const buttonValue = (run: { id: number; version: number }) => JSON.stringify({ id: run.id, v: run.version });

const STATUS_EMOJI: Record<PatrolItemStatus, string> = { pending: ':white_large_square:', ok: ':white_check_mark:', abnormal: ':warning:' };

const stateLabel = (tr: Translate, state: string) => tr(`patrol.state.${state}` as MessageKey);

/** One item as a line: status, number, label, and for abnormal ones the note and the ticket. */
export function itemLine(item: PatrolItem, tr: Translate): string {
  let line = `${STATUS_EMOJI[item.status]} ${item.position}. ${escapeMrkdwn(item.label)}`;
  if (item.note) line += ` — _${escapeMrkdwn(truncate(item.note, 300))}_`;
  if (item.ticketKey) line += ` ${tr('patrol.item.ticket', { key: item.ticketKey })}`;
  return line;
}

/** Lines packed into sections under Slack's 3,000 characters each. */
function packed(lines: string[], max = 2900): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > max) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return blocks;
}

/** The run's message in the patrol channel: updated in place on claim, submit and ticket links. */
export function patrolMessage(run: PatrolRunWithItems, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const title = tr('patrol.message.title', { name: run.checklist, date: run.runDate });
  const facts = [`${tr('patrol.field.deadline')} ${slackDate(run.deadlineAt)}`, `${tr('patrol.field.state')} ${stateLabel(tr, run.state)}`];
  if (run.claimedBy) facts.push(tr('patrol.claimed_by', { user: mention(run.claimedBy) }));
  if (run.submittedAt) facts.push(`${tr(onTime(run) ? 'patrol.submitted_on_time' : 'patrol.submitted_late')} ${slackDate(run.submittedAt)}`);
  const blocks: KnownBlock[] = [header(title), context(facts), ...packed(run.items.map((i) => itemLine(i, tr)))];
  if (run.note) blocks.push(section(`*${tr('patrol.field.note')}* ${escapeMrkdwn(truncate(run.note, 2800))}`));
  if (run.state === 'open') blocks.push(actions(`patrol.actions.${run.id}`, [button(tr('patrol.button.claim'), PATROL_ACTIONS.claim, buttonValue(run), 'primary')]));
  if (run.state === 'claimed') blocks.push(actions(`patrol.actions.${run.id}`, [button(tr('patrol.button.record'), PATROL_ACTIONS.record, buttonValue(run), 'primary')]));
  const abnormal = run.items.filter((i) => i.status === 'abnormal').length;
  return { text: `${title} — ${stateLabel(tr, run.state)}${run.state === 'submitted' ? ` · ${tr('patrol.abnormal_count', { count: abnormal })}` : ''}`, blocks };
}

/** The reply in the run's thread that tells what changed. */
export function changeReply(run: PatrolRunWithItems, change: { action: 'claim' | 'submit'; actor: string }, tr: Translate): string {
  if (change.action === 'claim') return tr('patrol.reply.claim', { user: mention(change.actor) });
  const ok = run.items.filter((i) => i.status === 'ok').length;
  const abnormal = run.items.filter((i) => i.status === 'abnormal').length;
  return tr('patrol.reply.submit', { user: mention(change.actor), ok, abnormal });
}

/** The form the claimer fills in: OK / Abnormal and a note per item, then Submit. */
export function resultsModal(run: PatrolRunWithItems, privateMetadata: string, tr: Translate): ModalView {
  const blocks: KnownBlock[] = [section(tr('patrol.form.intro', { name: run.checklist, date: run.runDate }))];
  const choices = [option(tr('patrol.result.ok'), 'ok'), option(tr('patrol.result.abnormal'), 'abnormal')];
  for (const item of run.items) {
    const initial = item.status === 'ok' || item.status === 'abnormal' ? { initial_option: choices[item.status === 'ok' ? 0 : 1] } : {};
    blocks.push(
      { type: 'input', block_id: itemField(item.position), label: plain(`${item.position}. ${item.label}`, 2000), element: { type: 'radio_buttons', action_id: INPUT, options: choices, ...initial } } as KnownBlock,
      {
        type: 'input',
        block_id: noteField(item.position),
        optional: true,
        label: plain(tr('patrol.form.item_note'), 2000),
        element: { type: 'plain_text_input', action_id: INPUT, max_length: PATROL_LIMITS.itemNote, ...(item.note ? { initial_value: item.note } : {}) },
      } as KnownBlock,
    );
  }
  blocks.push({ type: 'input', block_id: RUN_NOTE_FIELD, optional: true, label: plain(tr('patrol.form.run_note'), 2000), element: { type: 'plain_text_input', action_id: INPUT, multiline: true, max_length: PATROL_LIMITS.runNote } } as KnownBlock);
  return {
    type: 'modal',
    callback_id: PATROL_VIEWS.submit,
    title: plain(tr('patrol.form.title'), 24),
    submit: plain(tr('patrol.form.submit'), 24),
    close: plain(tr('modal.cancel'), 24),
    private_metadata: privateMetadata,
    blocks: blocks.slice(0, 100),
  };
}

const summary = (run: PatrolRunWithItems, tr: Translate) => {
  const abnormal = run.items.filter((i) => i.status === 'abnormal').length;
  const who = run.claimedBy ? ` · ${mention(run.claimedBy)}` : '';
  const done = run.submittedAt ? ` · ${tr(onTime(run) ? 'patrol.submitted_on_time' : 'patrol.submitted_late')} ${slackDate(run.submittedAt, '{time}')} · ${tr('patrol.abnormal_count', { count: abnormal })}` : ` · ${tr('patrol.field.deadline')} ${slackDate(run.deadlineAt, '{time}')}`;
  return `${stateLabel(tr, run.state)}${who}${done}`;
};

/** `/patrol`: today's runs of every checklist and their state. */
export function todayList(date: string, names: string[], runs: PatrolRunWithItems[], tr: Translate): KnownBlock[] {
  const lines = names.map((name) => {
    const mine = runs.filter((r) => r.checklist === name);
    if (mine.length === 0) return `*${escapeMrkdwn(name)}* — ${tr('patrol.list.not_yet')}`;
    return mine.map((r) => `*${escapeMrkdwn(name)}* ${slackDate(r.slotAt, '{time}')} — ${summary(r, tr)}`).join('\n');
  });
  for (const r of runs.filter((r) => !names.includes(r.checklist))) lines.push(`*${escapeMrkdwn(r.checklist)}* — ${summary(r, tr)}`);
  if (lines.length === 0) return [section(tr('patrol.list.none_configured'))];
  return [section(`*${tr('patrol.list.today', { date })}*`), ...packed(lines)];
}

/** `/patrol history <name>`: the latest runs with completion time and abnormal count. */
export function historyList(name: string, runs: PatrolRunWithItems[], tr: Translate): KnownBlock[] {
  if (runs.length === 0) return [section(`*${tr('patrol.history.title', { name: escapeMrkdwn(name) })}*\n${tr('patrol.history.empty')}`)];
  const lines = runs.map((r) => {
    const abnormal = r.items.filter((i) => i.status === 'abnormal').length;
    const done = r.submittedAt
      ? `${tr(onTime(r) ? 'patrol.submitted_on_time' : 'patrol.submitted_late')} ${slackDate(r.submittedAt)} · ${tr('patrol.abnormal_count', { count: abnormal })}`
      : stateLabel(tr, r.state);
    return `• ${r.runDate} — ${done}${r.claimedBy ? ` · ${mention(r.claimedBy)}` : ''}`;
  });
  const submitted = runs.filter((r) => r.submittedAt).length;
  const inTime = runs.filter(onTime).length;
  return [
    section(`*${tr('patrol.history.title', { name: escapeMrkdwn(name) })}*`),
    ...packed(lines),
    context([tr('patrol.history.summary', { runs: runs.length, submitted, on_time: inTime })]),
  ];
}

/** The reminder (DM to the claimer, or the channel when unclaimed). */
export function reminderText(run: PatrolRun, link: string | undefined, tr: Translate): string {
  const params = { name: run.checklist, date: run.runDate, deadline: slackDate(run.deadlineAt, '{time}'), link: link ? ` ${link}` : '' };
  return run.claimedBy ? tr('patrol.reminder.claimer', params) : tr('patrol.reminder.unclaimed', params);
}

/** The escalation to the supervisors. */
export function escalationText(run: PatrolRun, supervisors: string[], link: string | undefined, tr: Translate): string {
  const who = supervisors.map(mention).join(' ');
  const params = { supervisors: who, name: run.checklist, date: run.runDate, deadline: slackDate(run.deadlineAt, '{time}'), link: link ? ` ${link}` : '' };
  return run.claimedBy ? tr('patrol.escalation.claimed', { ...params, user: mention(run.claimedBy) }) : tr('patrol.escalation.unclaimed', params);
}

/** Home: today's runs with their state. */
export function homeSection(date: string, runs: PatrolRunWithItems[], tr: Translate): KnownBlock[] {
  if (runs.length === 0) return [];
  return [section(`*${tr('patrol.list.today', { date })}*\n${runs.map((r) => `• *${escapeMrkdwn(r.checklist)}* — ${summary(r, tr)}`).join('\n')}`)];
}
