// Change-request listeners: /change, the change form, the buttons of a change's message and their
// forms. Ack fast, parse, call one service function, report errors to the user.
import { z } from 'zod';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, viewErrors, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState, type ViewValues } from '../../../slack/view-state.js';
import type { Translate } from '../../../platform/i18n.js';
import { DomainError } from '../../../platform/errors.js';
import { parseTicketKey } from '../../tickets/index.js';
import { changeDetails, changesInWindow, changesOf, knownSystems } from '../changes.queries.js';
import { parseChangeKey, validateReason, validateRollback, validateVerification, type ChangeAction, type ChangeDraft, type FieldProblems } from '../changes.rules.js';
import * as service from '../changes.service.js';
import { prepareChangeAction, type ChangeDeps } from '../changes.transition.js';
import { CHANGE_ACTIONS, CHANGE_VIEWS, FORM, REQUEST_CHANGE_SHORTCUT } from './ids.js';
import * as views from './views.js';

const buttonValue = z.object({ id: z.number().int(), v: z.number().int().optional() });
const actionMeta = z.object({ id: z.number().int(), v: z.number().int().optional(), channel: z.string().optional() });
const createMeta = z.object({ channel: z.string().optional() });

/** Registers everything of change requests in Slack: /change, the form, the buttons and their forms. */
export function registerChangeListeners(app: BoltApp, deps: ListenerDeps, changes: ChangeDeps): void {
  const { logger } = deps;

  app.command('/change', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const text = command.text.trim();
    const word = text.toLowerCase();
    const target: ReplyTarget = { respond, client, user: command.user_id, channel: command.channel_id };
    try {
      if (word === 'help') return void (await tellUser(target, tr('change.help')));
      if (word === 'list') {
        const now = changes.clock.now();
        const list = await changesInWindow(changes, now, new Date(now.getTime() + 7 * 86_400_000), { openOnly: true });
        return void (await tellUser(target, tr('change.list.heading_week'), views.changeList(tr('change.list.heading_week'), list, tr)));
      }
      if (word === 'mine') {
        const list = await changesOf(changes, command.user_id);
        return void (await tellUser(target, tr('change.list.heading_mine'), views.changeList(tr('change.list.heading_mine'), list, tr)));
      }
      const changeKey = parseChangeKey(text);
      if (changeKey) {
        const details = await changeDetails(changes, changeKey);
        if (!details) return void (await tellUser(target, tr('change.not_found', { key: changeKey })));
        return void (await tellUser(target, `${details.change.key} ${details.change.title}`, views.changeDetailsBlocks(details.change, details.events, tr)));
      }
      // `/change OPS-2026-7` links the ticket; any other text becomes the title.
      const ticket = parseTicketKey(text);
      const view = views.createChangeModal(
        { ticket, title: ticket ? undefined : text || undefined, knownSystems: await knownSystems(changes), privateMetadata: writeMetadata({ channel: command.channel_id }) },
        tr,
      );
      await client.views.open({ trigger_id: requireTrigger(command.trigger_id), view });
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  // "Request a change" on a message: a ticket's message links its ticket (its text starts with the priority and the id).
  app.shortcut(REQUEST_CHANGE_SHORTCUT, async ({ shortcut, ack, client, respond }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const tr = await deps.trFor(shortcut.user.id);
    if (!shortcut.trigger_id) {
      // No trigger, no modal: say so where the user is (response_url, else an ephemeral in the channel).
      const target: ReplyTarget = { respond, client, user: shortcut.user.id, channel: shortcut.channel.id };
      await reportError(new DomainError('invalid', 'error.no_trigger'), target, tr, logger);
      return;
    }
    const ticket = /\bOPS-\d{4}-\d{1,9}\b/i.exec(shortcut.message.text ?? '')?.[0];
    const view = views.createChangeModal({ ticket: ticket ? parseTicketKey(ticket) : undefined, knownSystems: await knownSystems(changes), privateMetadata: writeMetadata({ channel: shortcut.channel.id }) }, tr);
    await client.views.open({ trigger_id: shortcut.trigger_id, view });
  });

  // The form: its rules run before the ack (field errors, nothing written); the change is then
  // submitted and the modal turns into its confirmation, with the conflicts found.
  app.view(CHANGE_VIEWS.create, async ({ ack, view, body, client }) => {
    const tr = await deps.trFor(body.user.id);
    const draft = readDraft(view.state.values as ViewValues);
    const problems = service.checkChangeDraft(changes, draft, changes.clock.now());
    if (Object.keys(problems).length > 0) return void (await ack({ response_action: 'errors', errors: fieldErrors(problems, tr) }));
    const meta = readMetadata(createMeta, view.private_metadata);
    try {
      const { change } = await service.submitChange(changes, draft, body.user.id, { requestKey: `view:${view.id}`, channel: meta.channel });
      await ack({ response_action: 'update', view: views.submittedView(change, tr) });
    } catch (err) {
      const errors = viewErrors(err, tr);
      if (errors) return void (await ack({ response_action: 'errors', errors }));
      await ack();
      await reportError(err, { client, user: body.user.id, channel: meta.channel }, tr, logger);
    }
  });

  // Buttons that change the change at once.
  const direct: [ChangeAction, (id: number, user: string, v: number | undefined) => Promise<unknown>][] = [
    ['approve', (id, user, v) => service.approveChange(changes, id, user, v)],
    ['schedule', (id, user, v) => service.scheduleChange(changes, id, user, v)],
    ['start', (id, user, v) => service.startChange(changes, id, user, v)],
    ['finish', (id, user, v) => service.finishChange(changes, id, user, v)],
    ['follow_up', (id, user, v) => service.openFollowUpTicket(changes, id, user, v)],
  ];
  for (const [action, run] of direct) {
    onButton(app, deps, CHANGE_ACTIONS[action], buttonValue, async ({ user, value }) => run(value.id, user, value.v));
  }

  // Buttons that ask for details first: check the action is allowed (a refusal is audited), then open its form.
  const withForm: ('reject' | 'cancel' | 'verify' | 'rollback')[] = ['reject', 'cancel', 'verify', 'rollback'];
  for (const action of withForm) {
    onButton(app, deps, CHANGE_ACTIONS[action], buttonValue, async ({ user, value, tr, channel, triggerId, client }) => {
      const c = await prepareChangeAction(changes, value.id, user, action, value.v);
      const meta = writeMetadata({ id: value.id, v: value.v, channel });
      const view =
        action === 'verify' ? views.verifyModal(c, meta, tr) : action === 'rollback' ? views.rollbackModal(c, meta, tr) : views.reasonModal(action, c, meta, tr);
      await client.views.open({ trigger_id: requireTrigger(triggerId), view });
    });
  }

  const submission = <F>(callbackId: string, read: (s: ViewState) => F, check: (form: F) => FieldProblems, run: (form: F, meta: z.infer<typeof actionMeta>, user: string) => Promise<unknown>) => {
    app.view(callbackId, async ({ ack, view, body, client }) => {
      const form = read(new ViewState(view.state.values as never));
      const tr = await deps.trFor(body.user.id);
      const problems = check(form);
      if (Object.keys(problems).length > 0) return void (await ack({ response_action: 'errors', errors: fieldErrors(problems, tr) }));
      await ack();
      const meta = readMetadata(actionMeta, view.private_metadata);
      try {
        await run(form, meta, body.user.id);
      } catch (err) {
        await reportError(err, { client, user: body.user.id, channel: meta.channel }, tr, logger);
      }
    });
  };
  submission(CHANGE_VIEWS.reject, (s) => s.text(FORM.reason) ?? '', validateReason, (reason, m, user) => service.rejectChange(changes, m.id, user, reason, m.v));
  submission(CHANGE_VIEWS.cancel, (s) => s.text(FORM.reason) ?? '', validateReason, (reason, m, user) => service.cancelChange(changes, m.id, user, reason, m.v));
  submission(
    CHANGE_VIEWS.verify,
    (s) => ({ checked: s.text(FORM.checked) ?? '', outcome: s.text(FORM.outcome) ?? '' }),
    validateVerification,
    (v, m, user) => service.verifyChange(changes, m.id, user, v, m.v),
  );
  submission(
    CHANGE_VIEWS.rollback,
    (s) => ({ happened: s.text(FORM.happened) ?? '', why: s.text(FORM.why) ?? '' }),
    validateRollback,
    (r, m, user) => service.rollbackChange(changes, m.id, user, r, m.v),
  );
}

/** The change form's values, as the rules read them. */
export function readDraft(values: ViewValues): ChangeDraft {
  const s = new ViewState(values);
  const ticked = Object.values(values[FORM.emergency] ?? {})[0]?.selected_options ?? [];
  return {
    title: s.text(FORM.title),
    systems: s.text(FORM.systems),
    description: s.text(FORM.description),
    reason: s.text(FORM.reason),
    risk: s.selected(FORM.risk),
    impact: s.text(FORM.impact),
    testEvidence: s.text(FORM.testEvidence),
    plan: s.text(FORM.plan),
    rollbackPlan: s.text(FORM.rollback),
    windowStart: s.dateTime(FORM.windowStart),
    windowEnd: s.dateTime(FORM.windowEnd),
    implementer: s.user(FORM.implementer),
    ticket: s.text(FORM.ticket),
    emergency: Array.isArray(ticked) && ticked.some((o) => o?.value === 'yes'),
    emergencyReason: s.text(FORM.emergencyReason),
  };
}

/** A form's problems as Slack's `response_action: "errors"` map, in the user's language. */
function fieldErrors(problems: FieldProblems, tr: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, tr(p.key, p.params)]));
}
