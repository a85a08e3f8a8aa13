// Pure functions: change views → Block Kit. No I/O; every string from the catalogue.
import type { KnownBlock, ModalView } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, fields, header, input, modal as sharedModal, option, plain, section, textInput } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { approvalsNeeded, buttonsFor, CHANGE_LIMITS, OPEN_STATES, RISKS, type ChangeAction } from '../changes.rules.js';
import type { Change, ChangeEvent, ChangeRef, ChangeView } from '../changes.queries.js';
import { SYSTEM_ACTOR, type ChangeStep } from '../changes.transition.js';
import { CHANGE_ACTIONS, CHANGE_VIEWS, FORM } from './ids.js';

/** What a change button carries: the change and the version the message showed. */
export const changeButtonValue = (c: { id: number; version: number }) => JSON.stringify({ id: c.id, v: c.version });

const RISK_EMOJI = { low: ':large_green_circle:', medium: ':large_orange_circle:', high: ':red_circle:' } as const;
export const stateLabel = (tr: Translate, state: string) => tr(`change.state.${state}` as MessageKey);
export const riskLabel = (tr: Translate, risk: string) => tr(`change.risk.${risk}` as MessageKey);
export const actorLabel = (actor: string) => (actor === SYSTEM_ACTOR ? 'opsdesk' : mention(actor));

/** A link to a change's message once it has one, else its id in bold. */
export function changeLink(c: Pick<ChangeRef, 'key' | 'slackChannel' | 'slackTs'>): string {
  return c.slackChannel && c.slackTs ? `<https://slack.com/archives/${c.slackChannel}/p${c.slackTs.replace('.', '')}|${c.key}>` : `*${c.key}*`;
}

export const slackWindow = (c: Pick<Change, 'windowStart' | 'windowEnd'>) => `${slackDate(c.windowStart)} – ${slackDate(c.windowEnd)}`;
const quote = (text: string, max = 600) => escapeMrkdwn(truncate(text, max));

/** The change's message in the changes channel: updated in place on every step. */
export function changeMessage(c: ChangeView, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const title = `${c.key} · ${c.title}`;
  const approvals = c.approvers.length > 0 ? `${c.approvers.length}/${approvalsNeeded(c.risk)} · ${c.approvers.map(mention).join(' ')}` : `0/${approvalsNeeded(c.risk)}`;
  const facts = [
    `*${tr('change.field.state')}*\n${stateLabel(tr, c.state)}`,
    `*${tr('change.field.risk')}*\n${RISK_EMOJI[c.risk]} ${riskLabel(tr, c.risk)}`,
    `*${tr('change.field.window')}*\n${slackWindow(c)}`,
    `*${tr('change.field.systems')}*\n${escapeMrkdwn(c.systems.join(', '))}`,
    `*${tr('change.field.implementer')}*\n${mention(c.implementer)}`,
    `*${tr('change.field.approvals')}*\n${approvals}`,
  ];
  if (c.ticketKey) facts.push(`*${tr('change.field.ticket')}*\n${c.ticketKey}`);
  const blocks: KnownBlock[] = [header(title), fields(facts)];
  const marks: string[] = [];
  if (c.emergency) marks.push(tr('change.mark.emergency', { reason: quote(c.emergencyReason ?? '', 300) }));
  if (c.emergency && !c.approvedAt) marks.push(tr('change.mark.approve_afterwards'));
  if (c.freezeReason) marks.push(tr('change.mark.in_freeze', { reason: escapeMrkdwn(c.freezeReason) }));
  if (c.conflicts.length > 0 && OPEN_STATES.includes(c.state)) marks.push(tr('change.mark.conflicts', { changes: c.conflicts.map(changeLink).join(', ') }));
  if (marks.length > 0) blocks.push(section(marks.join('\n')));
  blocks.push(
    section(
      [
        `*${tr('change.field.description')}* ${quote(c.description)}`,
        `*${tr('change.field.reason')}* ${quote(c.reason, 400)}`,
        `*${tr('change.field.impact')}* ${quote(c.impact, 400)}`,
        c.testEvidence ? `*${tr('change.field.test_evidence')}* ${quote(c.testEvidence, 400)}` : '',
      ].filter(Boolean).join('\n'),
    ),
    section(`*${tr('change.field.plan')}* ${quote(c.plan)}\n*${tr('change.field.rollback_plan')}* ${quote(c.rollbackPlan)}`),
  );
  const outcome = outcomeLines(c, tr);
  if (outcome) blocks.push(section(outcome));
  blocks.push(context([`${tr('change.requested_by', { user: mention(c.requester) })} ${slackDate(c.createdAt)}`]));
  const buttons = buttonsFor(c).map((a) => button(tr(`change.button.${a}` as MessageKey), CHANGE_ACTIONS[a], changeButtonValue(c), buttonStyle(a)));
  if (buttons.length > 0) blocks.push(actions(`change.actions.${c.id}`, buttons));
  return { text: `${escapeMrkdwn(title)} — ${stateLabel(tr, c.state)}`, blocks };
}

const buttonStyle = (a: ChangeAction): 'primary' | 'danger' | undefined => (a === 'approve' || a === 'verify' ? 'primary' : a === 'rollback' || a === 'reject' ? 'danger' : undefined);

function outcomeLines(c: ChangeView, tr: Translate): string | undefined {
  if (c.state === 'rejected' && c.rejectReason) return `*${tr('change.field.reject_reason')}* ${quote(c.rejectReason)}`;
  if (c.state === 'cancelled' && c.cancelReason) return `*${tr('change.field.cancel_reason')}* ${quote(c.cancelReason)}`;
  if (c.state === 'done') return `*${tr('change.field.checked')}* ${quote(c.verificationChecked ?? '')}\n*${tr('change.field.outcome')}* ${quote(c.verificationOutcome ?? '')}`;
  if (c.state === 'rolled_back') {
    const ticket = c.followUpTicketKey ? `\n${tr('change.follow_up.opened', { ticket: c.followUpTicketKey })}` : '';
    return `*${tr('change.field.happened')}* ${quote(c.rollbackHappened ?? '')}\n*${tr('change.field.why')}* ${quote(c.rollbackWhy ?? '')}${ticket}`;
  }
  return undefined;
}

/** The thread reply for a step: who, what, when, and the note. */
export function changeReply(step: ChangeStep, tr: Translate): string {
  const states = step.from !== step.to ? ` · ${stateLabel(tr, step.from)} → ${stateLabel(tr, step.to)}` : '';
  const params = { user: actorLabel(step.actor), count: step.approvals?.count ?? 0, needed: step.approvals?.needed ?? 0, note: '' };
  const note = step.note ? `\n> ${escapeMrkdwn(truncate(step.note, 1000)).replace(/\n/g, '\n> ')}` : '';
  return `${tr(`change.reply.${step.action}` as MessageKey, params)} · ${slackDate(step.at)}${states}${note}`;
}

/** The ephemeral details of `/change CHG-…`: the message without buttons, and the record. */
export function changeDetailsBlocks(c: ChangeView, events: ChangeEvent[], tr: Translate): KnownBlock[] {
  const out: KnownBlock[] = changeMessage(c, tr).blocks.filter((b) => b.type !== 'actions');
  const lines = events.slice(-30).map((e) => {
    const states = e.fromState && e.toState && e.fromState !== e.toState ? ` (${stateLabel(tr, e.fromState)} → ${stateLabel(tr, e.toState)})` : '';
    const note = e.note ? ` — ${escapeMrkdwn(truncate(e.note, 150))}` : '';
    return `• ${slackDate(e.at)} ${actorLabel(e.actor)} ${tr(`change.event.${e.kind}` as MessageKey)}${states}${note}`;
  });
  out.push(divider(), section(`*${tr('change.timeline')}*\n${lines.join('\n')}`));
  return out;
}

/** A list of changes (`/change list`, `mine`, Home): one line each with its window and state. */
export function changeList(heading: string, list: Change[], tr: Translate, opts: { withButtons?: boolean } = {}): KnownBlock[] {
  if (list.length === 0) return [section(`*${escapeMrkdwn(heading)}*\n${tr('change.list.empty')}`)];
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(heading)}*`)];
  for (const c of list.slice(0, opts.withButtons ? 10 : 20)) {
    const line = `${RISK_EMOJI[c.risk]} ${changeLink(c)} ${escapeMrkdwn(truncate(c.title, 150))}${c.emergency ? ` ${tr('change.mark.emergency_short')}` : ''}\n${stateLabel(tr, c.state)} · ${slackWindow(c)} · ${escapeMrkdwn(truncate(c.systems.join(', '), 200))}`;
    blocks.push(section(line));
    if (opts.withButtons) {
      blocks.push(actions(`change.pending.${c.id}`, [button(tr('change.button.approve'), CHANGE_ACTIONS.approve, changeButtonValue(c), 'primary'), button(tr('change.button.reject'), CHANGE_ACTIONS.reject, changeButtonValue(c), 'danger')]));
    }
  }
  if (list.length > 20) blocks.push(context([tr('change.list.more', { count: list.length - 20 })]));
  return blocks;
}

// ── modals ────────────────────────────────────────────────────────────────────────────────────

const modal = (callbackId: string, title: string, submit: string, blocks: KnownBlock[], privateMetadata: string, tr: Translate): ModalView =>
  sharedModal(callbackId, title, submit, blocks, privateMetadata, tr('modal.cancel'));

export interface ChangeFormPrefill {
  title?: string;
  ticket?: string;
  /** Systems of earlier changes, shown as suggestions. */
  knownSystems: string[];
  privateMetadata: string;
}

/** The `/change` form (SPEC §3.6 fields). Times are picked in the user's own zone. */
export function createChangeModal(m: ChangeFormPrefill, tr: Translate): ModalView {
  const text = textInput;
  const blocks: KnownBlock[] = [
    input(FORM.title, tr('change.form.title'), text(CHANGE_LIMITS.title, { initial: m.title })),
    input(FORM.systems, tr('change.form.systems'), text(CHANGE_LIMITS.systems, { placeholder: tr('change.form.systems_placeholder') }), false, tr('change.form.systems_hint')),
  ];
  if (m.knownSystems.length > 0) blocks.push(context([tr('change.form.systems_known', { systems: escapeMrkdwn(m.knownSystems.join(', ')) })]));
  blocks.push(
    input(FORM.description, tr('change.form.description'), text(CHANGE_LIMITS.description, { multiline: true })),
    input(FORM.reason, tr('change.form.reason'), text(CHANGE_LIMITS.reason, { multiline: true })),
    input(FORM.risk, tr('change.form.risk'), { type: 'static_select', options: RISKS.map((r) => option(riskLabel(tr, r), r)) }),
    input(FORM.impact, tr('change.form.impact'), text(CHANGE_LIMITS.impact, { multiline: true })),
    input(FORM.testEvidence, tr('change.form.test_evidence'), text(CHANGE_LIMITS.testEvidence, { multiline: true }), true, tr('change.form.test_evidence_hint')),
    input(FORM.plan, tr('change.form.plan'), text(CHANGE_LIMITS.plan, { multiline: true })),
    input(FORM.rollback, tr('change.form.rollback'), text(CHANGE_LIMITS.rollbackPlan, { multiline: true })),
    input(FORM.windowStart, tr('change.form.window_start'), { type: 'datetimepicker' }, false, tr('change.form.window_hint')),
    input(FORM.windowEnd, tr('change.form.window_end'), { type: 'datetimepicker' }),
    input(FORM.implementer, tr('change.form.implementer'), { type: 'users_select' }),
    input(FORM.ticket, tr('change.form.ticket'), text(30, { initial: m.ticket, placeholder: 'OPS-2026-7' }), true),
    input(FORM.emergency, tr('change.form.emergency'), { type: 'checkboxes', options: [option(tr('change.form.emergency_option'), 'yes')] }, true, tr('change.form.emergency_hint')),
    input(FORM.emergencyReason, tr('change.form.emergency_reason'), text(CHANGE_LIMITS.emergencyReason, { multiline: true }), true),
  );
  return modal(CHANGE_VIEWS.create, tr('change.form.create_title'), tr('change.form.create_submit'), blocks, m.privateMetadata, tr);
}

/** What the form turns into once the change is submitted: its id, where it went, and its conflicts. */
export function submittedView(c: ChangeView, tr: Translate): ModalView {
  const blocks: KnownBlock[] = [section(tr('change.submitted.body', { key: c.key, channel: c.slackChannel ? `<#${c.slackChannel}>` : '—' }))];
  if (c.conflicts.length > 0) blocks.push(section(tr('change.submitted.conflicts', { changes: c.conflicts.map(changeLink).join(', ') })));
  if (c.freezeReason) blocks.push(section(tr('change.mark.in_freeze', { reason: escapeMrkdwn(c.freezeReason) })));
  return { type: 'modal', callback_id: 'change.submitted', title: plain(tr('change.submitted.title'), 24), close: plain(tr('change.submitted.close'), 24), blocks };
}

/** The reason form of Reject and Cancel. */
export function reasonModal(kind: 'reject' | 'cancel', c: Pick<Change, 'key' | 'title'>, privateMetadata: string, tr: Translate): ModalView {
  return modal(CHANGE_VIEWS[kind], tr(`change.form.${kind}_title`), tr(`change.form.${kind}_submit`), [
    section(`*${c.key}* ${escapeMrkdwn(c.title)}`),
    input(FORM.reason, tr('change.form.decision_reason'), textInput(CHANGE_LIMITS.note, { multiline: true })),
  ], privateMetadata, tr);
}

/** The verification form: what was checked and the outcome. */
export function verifyModal(c: Pick<Change, 'key' | 'title'>, privateMetadata: string, tr: Translate): ModalView {
  return modal(CHANGE_VIEWS.verify, tr('change.form.verify_title'), tr('change.form.verify_submit'), [
    section(`*${c.key}* ${escapeMrkdwn(c.title)}`),
    input(FORM.checked, tr('change.form.checked'), textInput(CHANGE_LIMITS.note, { multiline: true })),
    input(FORM.outcome, tr('change.form.outcome'), textInput(CHANGE_LIMITS.note, { multiline: true })),
  ], privateMetadata, tr);
}

/** The rollback form: what happened and why. */
export function rollbackModal(c: Pick<Change, 'key' | 'title' | 'rollbackPlan'>, privateMetadata: string, tr: Translate): ModalView {
  return modal(CHANGE_VIEWS.rollback, tr('change.form.rollback_title'), tr('change.form.rollback_submit'), [
    section(`*${c.key}* ${escapeMrkdwn(c.title)}\n*${tr('change.field.rollback_plan')}* ${quote(c.rollbackPlan, 1500)}`),
    input(FORM.happened, tr('change.form.happened'), textInput(CHANGE_LIMITS.note, { multiline: true })),
    input(FORM.why, tr('change.form.why'), textInput(CHANGE_LIMITS.note, { multiline: true })),
  ], privateMetadata, tr);
}
