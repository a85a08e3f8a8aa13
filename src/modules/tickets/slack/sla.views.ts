import type { KnownBlock, ModalView } from '@slack/types';
import type { Config } from '../../../config/config.js';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { context, input, modal, option, section, textInput } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { FORM, TICKET_VIEWS } from './ids.js';
import type { TicketWithCustomer } from '../tickets.store.js';
import { STAGE_BIT } from '../../sla/index.js';
import type { SlaExtension } from '../tickets.sla.store.js';

/** The Extend form: technical plan, new committed time, and the customer's consent. */
export function extendModal(t: TicketWithCustomer, privateMetadata: string, tr: Translate): ModalView {
  return modal(
    TICKET_VIEWS.extend,
    tr('form.extend_title'),
    tr('form.extend_submit'),
    [
      section(tr('form.extend_intro', { key: t.key })),
      context([`${tr('ticket.resolves_by')} ${slackDate(t.resolutionDueAt)}`]),
      input(FORM.plan, tr('form.plan'), textInput(2000, { multiline: true })),
      input(FORM.committedAt, tr('form.committed_at'), { type: 'datetimepicker' }),
      input(FORM.consentedBy, tr('form.consented_by'), textInput(60, { initial: t.callerName ?? undefined })),
      input(FORM.consentMethod, tr('form.consent_method'), {
        type: 'static_select',
        initial_option: option(tr('consent.phone'), 'phone'),
        options: (['phone', 'chat', 'email', 'on_site'] as const).map((m) => option(tr(`consent.${m}`), m)),
      }),
      input(FORM.consentedAt, tr('form.consented_at'), { type: 'datetimepicker' }, true),
    ],
    privateMetadata,
    tr('modal.cancel'),
  );
}

const duration = (minutes: number) => (minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`);

/** Why the deadlines are what they are: policy, calendar, pauses, extensions, breaches. */
export function slaExplanation(t: TicketWithCustomer, config: Config, extensions: SlaExtension[], tr: Translate): KnownBlock[] {
  const calendar = t.slaCalendar === '24x7' ? tr('sla.calendar.24x7') : escapeMrkdwn(t.slaCalendar);
  const lines = [
    tr('sla.explain.policy', {
      priority: t.priority,
      customer: config.sla.customers[t.customerName] ? tr('sla.explain.customer_policy', { customer: escapeMrkdwn(t.customerName) }) : '',
      response: duration(t.responseTargetMinutes),
      resolution: duration(t.resolutionTargetMinutes),
      calendar,
    }),
  ];
  if (t.pausedMinutes > 0) lines.push(tr(extensions.length > 0 ? 'sla.explain.paused_extended' : 'sla.explain.paused', { minutes: t.pausedMinutes }));
  for (const e of extensions.slice(-5)) {
    lines.push(
      tr('sla.explain.extension', {
        at: slackDate(e.recordedAt),
        user: mention(e.recordedBy),
        from: slackDate(e.previousDueAt),
        to: slackDate(e.committedAt),
        name: escapeMrkdwn(e.consentedBy),
        method: tr(`consent.${e.consentMethod}` as MessageKey),
        plan: escapeMrkdwn(truncate(e.plan, 300)),
      }),
    );
  }
  if (t.slaPosted & STAGE_BIT['response:breach']) lines.push(tr('sla.explain.breach', { target: tr('sla.target.response'), due: slackDate(t.responseDueAt) }));
  if (t.slaPosted & STAGE_BIT['resolution:breach']) lines.push(tr('sla.explain.breach', { target: tr('sla.target.resolution'), due: slackDate(t.resolutionDueAt) }));
  return [section(`*${tr('sla.explain.title')}*\n${lines.join('\n')}`)];
}
