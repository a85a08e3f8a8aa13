// Pure functions: ticket view models → Block Kit. No I/O; every string from the catalogue.
import type { KnownBlock, ModalView } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, fields, header, input, md, modal as sharedModal, option, plain, section, textInput } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { maskPhone } from '../../customers/index.js';
import { buttonsFor, CONSENT_METHODS, EXPECTED_PRESETS, expectedBeforeSla, TICKET_LIMITS, type TicketAction } from '../tickets.rules.js';
import { STAGE_BIT } from '../../sla/index.js';
import { SYSTEM_ACTOR, type TicketChange } from '../tickets.transition.js';
import type { RemoteStep, TicketEvent, TicketWithCustomer } from '../tickets.store.js';
import { prebuilt } from '../../../slack/web-client.js';
import { FORM, TICKET_ACTIONS, TICKET_VIEWS } from './ids.js';

/** What a ticket button carries: the ticket and the version the message showed. */
export const buttonValue = (t: { id: number; version: number }) => JSON.stringify({ id: t.id, v: t.version });

const PRIORITY_EMOJI = { P1: ':red_circle:', P2: ':large_orange_circle:', P3: ':large_yellow_circle:', P4: ':white_circle:' } as const;

export function categoryLabel(tr: Translate, category: string): string {
  const key = `category.${category}` as MessageKey;
  const label = tr(key);
  return label === key || label.startsWith('category.') ? category : label;
}

const stateLabel = (tr: Translate, state: string) => tr(`state.${state}` as MessageKey);

/** The ticket's message in the support channel: updated in place on every change. */
export function ticketMessage(t: TicketWithCustomer, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const title = `${t.key} · ${t.title}`;
  const facts = [
    `*${tr('ticket.field.priority')}*\n${PRIORITY_EMOJI[t.priority]} ${t.priority}`,
    `*${tr('ticket.field.state')}*\n${stateLabel(tr, t.state)}`,
    `*${tr('ticket.field.customer')}*\n${escapeMrkdwn(t.customerName)}${t.site ? ` · ${escapeMrkdwn(t.site)}` : ''}`,
    `*${tr('ticket.field.caller')}*\n${escapeMrkdwn(t.callerName ?? '—')}${t.callerPhone ? ` · ${maskPhone(t.callerPhone)}` : ''}`,
    `*${tr('ticket.field.assignee')}*\n${t.assignee ? mention(t.assignee) : tr('ticket.unassigned')}`,
    `*${tr('ticket.field.category')}*\n${escapeMrkdwn(categoryLabel(tr, t.category))}${t.product ? ` · ${escapeMrkdwn(t.product)}` : ''}`,
  ];
  const clocks = slaClocks(t, tr);
  if (t.expectedAt) clocks.push(`${tr('ticket.customer_expects')} ${slackDate(t.expectedAt)}${expectedBeforeSla(t) ? ` ${tr('ticket.expected_early')}` : ''}`);
  const blocks: KnownBlock[] = [header(title), fields(facts)];
  if (clocks.length > 0) blocks.push(context(clocks));
  if (t.description) blocks.push(section(escapeMrkdwn(truncate(t.description, 2900))));
  if (t.state === 'resolved' || t.state === 'closed') {
    blocks.push(section(`*${tr('ticket.field.cause')}* ${escapeMrkdwn(t.cause ?? '')}\n*${tr('ticket.field.fix')}* ${escapeMrkdwn(t.fix ?? '')}`));
  }
  if (t.state === 'cancelled' && t.cancelReason) blocks.push(section(`*${tr('ticket.field.reason')}* ${escapeMrkdwn(t.cancelReason)}`));
  const origin = t.originChannel && t.originMessageTs ? ` · ${tr('ticket.from_message', { link: `<https://slack.com/archives/${t.originChannel}/p${t.originMessageTs.replace('.', '')}|${tr('ticket.origin_link')}>` })}` : '';
  blocks.push(context([`${(t.origin === 'alert' ? tr('ticket.opened_by_monitoring') : tr('ticket.opened_by', { user: actorLabel(t.createdBy) }))} ${slackDate(t.createdAt)}${origin}`]));
  const buttons = buttonsFor(t.state).map((a) => button(tr(`ticket.button.${a}` as MessageKey), TICKET_ACTIONS[a], buttonValue(t), a === 'take' || a === 'resolve' ? 'primary' : undefined));
  if (['acknowledged', 'in_progress', 'waiting_customer'].includes(t.state)) buttons.push(button(tr('ticket.button.request_visit'), TICKET_ACTIONS.requestVisit, buttonValue(t)));
  if (t.state === 'resolved') buttons.push(button(tr('ticket.button.publish_kb'), TICKET_ACTIONS.publishKb, buttonValue(t)));
  if (t.callerPhone && t.state !== 'closed' && t.state !== 'cancelled') buttons.push(button(tr('ticket.button.phone'), TICKET_ACTIONS.phone, buttonValue(t)));
  if (buttons.length > 0) blocks.push(actions(`ticket.actions.${t.id}`, buttons));
  return { text: `${t.priority} ${escapeMrkdwn(title)} — ${stateLabel(tr, t.state)}`, blocks };
}

/** "Responds by 14:30 · Resolves by Tomorrow 10:00 (business hours)", with warning and breach marks. */
export function slaClocks(t: TicketWithCustomer, tr: Translate): string[] {
  const mark = (warned: number, breached: number) => ((t.slaPosted & breached) !== 0 ? ` ${tr('sla.breached')}` : (t.slaPosted & warned) !== 0 ? ` ${tr('sla.warned')}` : '');
  const calendar = t.slaCalendar !== '24x7' ? ` ${tr('sla.business_hours', { calendar: escapeMrkdwn(t.slaCalendar) })}` : '';
  const response = t.acknowledgedAt ? tr('ticket.clock_met') : `${slackDate(t.responseDueAt)}${mark(STAGE_BIT['response:warning'], STAGE_BIT['response:breach'])}`;
  let resolution = `${slackDate(t.resolutionDueAt)}${calendar}${mark(STAGE_BIT['resolution:warning'], STAGE_BIT['resolution:breach'])}`;
  if (t.resolvedAt || t.state === 'closed') resolution = tr('ticket.clock_met');
  else if (t.pausedAt) resolution = `${resolution} · ${tr('sla.paused')}`;
  if (t.state === 'cancelled') return [];
  return [`${tr('ticket.responds_by')} ${response}`, `${tr('ticket.resolves_by')} ${resolution}`];
}

/** A user mention, or "opsdesk" for what the app did by itself. */
export const actorLabel = (actor: string) => (actor === SYSTEM_ACTOR ? 'opsdesk' : mention(actor));

/** The short reply in the ticket's thread that tells what changed. */
export function changeReply(change: TicketChange, tr: Translate): string {
  const who = actorLabel(change.actor);
  const states = change.from !== change.to ? ` · ${stateLabel(tr, change.from)} → ${stateLabel(tr, change.to)}` : '';
  const note = change.note ? `\n> ${escapeMrkdwn(truncate(change.note, 1000)).replace(/\n/g, '\n> ')}` : '';
  const params = { user: who, assignee: change.assignee ? mention(change.assignee) : '', time: change.committedAt ? slackDate(change.committedAt) : '', name: escapeMrkdwn(change.consentedBy ?? '') };
  return `${tr(`ticket.reply.${change.action}` as MessageKey, params)}${states}${note}`;
}

/** The thread reply of a change; a resolution's reply offers Publish to KB (the kb module answers it). */
export function changeReplyPayload(t: TicketWithCustomer, change: TicketChange, tr: Translate): { text: string; blocks?: KnownBlock[] } {
  const text = changeReply(change, tr);
  if (change.action !== 'resolve') return { text };
  return { text, blocks: [section(text), actions(`ticket.reply.${t.id}`, [button(tr('ticket.button.publish_kb'), TICKET_ACTIONS.publishKb, buttonValue(t))])] };
}

/** Ephemeral list for `/ticket list` and `/ticket mine`. */
export function ticketList(heading: string, list: TicketWithCustomer[], tr: Translate, total = list.length): KnownBlock[] {
  if (list.length === 0) return [section(`*${escapeMrkdwn(heading)}*\n${tr('ticket.list.empty')}`)];
  const shown = list.slice(0, 20);
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(heading)}*`)];
  for (const t of shown) {
    blocks.push(
      section(
        `${PRIORITY_EMOJI[t.priority]} *${t.key}* ${escapeMrkdwn(truncate(t.title, 150))}\n` +
          `${stateLabel(tr, t.state)} · ${escapeMrkdwn(t.customerName)} · ${t.assignee ? mention(t.assignee) : tr('ticket.unassigned')} · ${tr('ticket.resolves_by')} ${slackDate(t.resolutionDueAt)}`,
      ),
    );
  }
  if (total > shown.length) blocks.push(context([tr('ticket.list.more', { count: total - shown.length })]));
  return blocks;
}

/** Ephemeral details with the event timeline; the full phone only when `fullPhone` is given. */
export function ticketDetails(
  t: TicketWithCustomer,
  events: TicketEvent[],
  steps: RemoteStep[],
  tr: Translate,
  fullPhone?: string,
): KnownBlock[] {
  const { blocks } = ticketMessage(t, tr);
  const out: KnownBlock[] = blocks.filter((b) => b.type !== "actions");
  if (fullPhone) out.push(section(`*${tr('ticket.field.phone')}* ${escapeMrkdwn(fullPhone)}`));
  if (steps.length > 0) {
    out.push(divider(), section(`*${tr('ticket.remote_steps')}*\n` + steps.slice(-15).map((s) => `• ${slackDate(s.at, '{time}')} ${escapeMrkdwn(truncate(s.step, 200))} → ${escapeMrkdwn(truncate(s.result, 200))}`).join('\n')));
  }
  const lines = events.slice(-30).map((e) => {
    const states = e.fromState && e.toState && e.fromState !== e.toState ? ` (${stateLabel(tr, e.fromState)} → ${stateLabel(tr, e.toState)})` : '';
    const note = e.note ? ` — ${escapeMrkdwn(truncate(e.note, 150))}` : '';
    return `• ${slackDate(e.at)} ${actorLabel(e.actor)} ${tr(`event.${e.kind}` as MessageKey)}${states}${note}`;
  });
  out.push(divider(), section(`*${tr('ticket.timeline')}*\n${lines.join('\n')}`));
  return out;
}

// ── modals ────────────────────────────────────────────────────────────────────────────────────

const text = textInput;
const modal = (callbackId: string, title: string, submit: string, blocks: KnownBlock[], privateMetadata: string, tr: Translate): ModalView =>
  sharedModal(callbackId, title, submit, blocks, privateMetadata, tr('modal.cancel'));

export interface CreateModalInput {
  title?: string;
  description?: string;
  categories: readonly string[];
  products: readonly string[];
  privateMetadata: string;
}

/** The `/ticket` form (SPEC §3.1 fields). */
export function createTicketModal(m: CreateModalInput, tr: Translate): ModalView {
  const form = staticTicketForm(m, tr);
  // Only the prefilled title and description and the metadata differ between two openings of the form.
  const blocks = m.title || m.description
    ? form.blocks.map((b, i) => (i === TITLE_BLOCK && m.title ? prefilled(b, TICKET_LIMITS.title, m.title) : i === DESCRIPTION_BLOCK && m.description ? prefilled(b, TICKET_LIMITS.description, m.description) : b))
    : form.blocks;
  return { ...form, private_metadata: m.privateMetadata, blocks };
}

const TITLE_BLOCK = 8;
const DESCRIPTION_BLOCK = 9;
/** A static text input with an initial value: its label and limits are the static block's own. */
const prefilled = <B extends object>(block: B, max: number, initial: string): B => {
  const b = block as B & { element: Record<string, unknown> };
  return { ...b, element: { ...b.element, initial_value: truncate(initial, max) } };
};
const titleInput = (tr: Translate, initial?: string) => input(FORM.title, tr('form.title'), text(TICKET_LIMITS.title, { initial }));
const descriptionInput = (tr: Translate, initial?: string) => input(FORM.description, tr('form.description'), text(TICKET_LIMITS.description, { multiline: true, initial }), true);

/**
 * The form without its prefills: built once per language and configuration, frozen and serialised
 * once (`prebuilt`: it is sent as it is, never changed), so opening the form costs a shallow copy
 * and the JSON of what differs, not a tree of Block Kit.
 */
const staticForms = new WeakMap<Translate, WeakMap<readonly string[], WeakMap<readonly string[], ModalView>>>();
function staticTicketForm(m: Pick<CreateModalInput, 'categories' | 'products'>, tr: Translate): ModalView {
  let byCategories = staticForms.get(tr);
  if (!byCategories) staticForms.set(tr, (byCategories = new WeakMap()));
  let byProducts = byCategories.get(m.categories);
  if (!byProducts) byCategories.set(m.categories, (byProducts = new WeakMap()));
  let form = byProducts.get(m.products);
  if (!form) byProducts.set(m.products, (form = buildTicketForm(m, tr)));
  return form;
}

function buildTicketForm(m: Pick<CreateModalInput, 'categories' | 'products'>, tr: Translate): ModalView {
  const blocks: KnownBlock[] = [
    input(FORM.customer, tr('form.customer'), { type: 'external_select', action_id: TICKET_ACTIONS.customerPick, min_query_length: 0, placeholder: plain(tr('form.customer_placeholder')) }, true),
    input(FORM.newCustomer, tr('form.new_customer'), text(TICKET_LIMITS.customerName), true, tr('form.new_customer_hint')),
    input(FORM.site, tr('form.site'), text(TICKET_LIMITS.site), true),
    input(FORM.callerName, tr('form.caller_name'), text(TICKET_LIMITS.callerName), true),
    input(FORM.callerPhone, tr('form.caller_phone'), text(TICKET_LIMITS.callerPhone, { placeholder: '138 1234 5678' }), true, tr('form.caller_phone_hint')),
    m.products.length > 0
      ? input(FORM.product, tr('form.product'), { type: 'static_select', options: m.products.slice(0, 100).map((p) => option(p, p)) }, true)
      : input(FORM.product, tr('form.product'), text(TICKET_LIMITS.product), true),
    input(FORM.category, tr('form.category'), { type: 'static_select', options: m.categories.slice(0, 100).map((c) => option(categoryLabel(tr, c), c)) }),
    input(FORM.priority, tr('form.priority'), {
      type: 'static_select',
      initial_option: option(tr('priority.P3'), 'P3'),
      options: (['P1', 'P2', 'P3', 'P4'] as const).map((p) => option(tr(`priority.${p}`), p)),
    }),
    titleInput(tr),
    descriptionInput(tr),
    // The customer's expected time (required, SPEC §3.1): a quick choice, or an exact time that wins
    // over it. Both inputs are optional for Slack; the submission's check asks for one of them.
    input(FORM.expectedPreset, tr('form.expected'), { type: 'radio_buttons', options: EXPECTED_PRESETS.map((p) => option(tr(`form.expected_preset.${p}`), p)) }, true, tr('form.expected_hint')),
    input(FORM.expected, tr('form.expected_exact'), { type: 'datetimepicker' }, true, tr('form.expected_exact_hint')),
  ];
  return prebuilt(modal(TICKET_VIEWS.create, tr('form.create_title'), tr('form.create_submit'), blocks, '', tr));
}

export function assignModal(t: TicketWithCustomer, privateMetadata: string, tr: Translate): ModalView {
  return modal(TICKET_VIEWS.assign, tr('form.assign_title'), tr('form.assign_submit'), [
    section(`*${t.key}* ${escapeMrkdwn(t.title)}`),
    input(FORM.assignee, tr('form.assignee'), { type: 'users_select', ...(t.assignee ? { initial_user: t.assignee } : {}) }),
  ], privateMetadata, tr);
}

export function consentModal(t: TicketWithCustomer, privateMetadata: string, tr: Translate): ModalView {
  return modal(TICKET_VIEWS.consent, tr('form.consent_title'), tr('form.consent_submit'), [
    section(tr('form.consent_intro', { key: t.key })),
    input(FORM.consentedBy, tr('form.consented_by'), text(TICKET_LIMITS.consentedBy, { initial: t.callerName ?? undefined })),
    input(FORM.consentMethod, tr('form.consent_method'), {
      type: 'static_select',
      initial_option: option(tr('consent.phone'), 'phone'),
      options: CONSENT_METHODS.map((m) => option(tr(`consent.${m}`), m)),
    }),
    input(FORM.consentedAt, tr('form.consented_at'), { type: 'datetimepicker' }, true, tr('form.consented_at_hint')),
  ], privateMetadata, tr);
}

export function stepModal(t: TicketWithCustomer, consentBy: string, privateMetadata: string, tr: Translate): ModalView {
  return modal(TICKET_VIEWS.step, tr('form.step_title'), tr('form.step_submit'), [
    context([tr('form.step_consent', { key: t.key, name: escapeMrkdwn(consentBy) })]),
    input(FORM.step, tr('form.step'), text(TICKET_LIMITS.step, { multiline: true })),
    input(FORM.result, tr('form.result'), text(TICKET_LIMITS.result, { multiline: true })),
  ], privateMetadata, tr);
}

export function resolveModal(t: TicketWithCustomer, categories: readonly string[], privateMetadata: string, tr: Translate): ModalView {
  const initial = categories.includes(t.category) ? { initial_option: option(categoryLabel(tr, t.category), t.category) } : {};
  return modal(TICKET_VIEWS.resolve, tr('form.resolve_title'), tr('form.resolve_submit'), [
    section(`*${t.key}* ${escapeMrkdwn(t.title)}`),
    input(FORM.cause, tr('form.cause'), text(TICKET_LIMITS.cause, { multiline: true })),
    input(FORM.fix, tr('form.fix'), text(TICKET_LIMITS.fix, { multiline: true })),
    input(FORM.faultCategory, tr('form.fault_category'), { type: 'static_select', ...initial, options: categories.slice(0, 100).map((c) => option(categoryLabel(tr, c), c)) }),
  ], privateMetadata, tr);
}

export function cancelModal(t: TicketWithCustomer, privateMetadata: string, tr: Translate): ModalView {
  return modal(TICKET_VIEWS.cancel, tr('form.cancel_title'), tr('form.cancel_submit'), [
    section(`*${t.key}* ${escapeMrkdwn(t.title)}`),
    input(FORM.reason, tr('form.reason'), text(TICKET_LIMITS.reason, { multiline: true })),
  ], privateMetadata, tr);
}

export const actionLabel = (tr: Translate, action: TicketAction) => tr(`ticket.button.${action}` as MessageKey);
export { md };
