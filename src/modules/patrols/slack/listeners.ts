// Patrol listeners: ack fast, parse, call one service function, report errors to the user.
import { z } from 'zod';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, viewErrors, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import { itemField, noteField, RUN_NOTE_FIELD, validateResults } from '../patrols.rules.js';
import * as service from '../patrols.service.js';
import type { PatrolDeps } from '../patrols.service.js';
import { PATROL_ACTIONS, PATROL_VIEWS } from './ids.js';
import * as views from './views.js';

const buttonValue = z.object({ id: z.number().int(), v: z.number().int() });
const submitMeta = z.object({ id: z.number().int(), positions: z.array(z.number().int()), channel: z.string().optional() });

const parseButton = (value: string | undefined) => {
  try {
    return buttonValue.parse(JSON.parse(value ?? ''));
  } catch {
    return undefined;
  }
};

/** Registers /patrol, the Claim and Record buttons and the results form. */
export function registerPatrolListeners(routes: BoltApp, deps: ListenerDeps, patrols: PatrolDeps): void {
  const { logger } = deps;

  routes.command('/patrol', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const target: ReplyTarget = { respond, client, user: command.user_id, channel: command.channel_id };
    const [word = '', name] = command.text.trim().split(/\s+/);
    try {
      if (word === 'help') {
        await tellUser(target, tr('patrol.help'));
      } else if (word === 'history') {
        if (!name) return await tellUser(target, tr('patrol.history.which', { names: deps.config.patrols.map((p) => p.name).join(', ') || '—' }));
        const { checklist, runs } = await service.runHistory(patrols, name);
        await tellUser(target, tr('patrol.history.title', { name: checklist.name }), views.historyList(checklist.name, runs, tr));
      } else if (word === '' || word === 'today') {
        const { date, runs } = await service.todaysRuns(patrols);
        await tellUser(target, tr('patrol.list.today', { date }), views.todayList(date, deps.config.patrols.map((p) => p.name), runs, tr));
      } else {
        await tellUser(target, tr('patrol.help'));
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  onButton(routes, deps, PATROL_ACTIONS.claim, async ({ user, value }) => {
    const button = parseButton(value);
    if (button) await service.claimRun(patrols, button.id, user, button.v);
  });

  onButton(routes, deps, PATROL_ACTIONS.record, async ({ user, value, channel, triggerId, client, tr }) => {
    const button = parseButton(value);
    if (!button) return;
    const trigger = requireTrigger(triggerId); // before prepareSubmit, which audits a refusal
    const run = await service.prepareSubmit(patrols, button.id, user);
    const meta = writeMetadata({ id: run.id, positions: run.items.map((i) => i.position), channel });
    await client.views.open({ trigger_id: trigger, view: views.resultsModal(run, meta, tr) });
  });

  routes.view(PATROL_VIEWS.submit, async ({ ack, view, body, client }) => {
    const tr = await deps.trFor(body.user.id);
    const meta = readMetadata(submitMeta, view.private_metadata);
    const s = new ViewState(view.state.values as never);
    const results = meta.positions.map((position) => ({ position, status: s.selected(itemField(position)), note: s.text(noteField(position)) }));
    const runNote = s.text(RUN_NOTE_FIELD);
    const problems = validateResults(meta.positions, results, runNote);
    if (Object.keys(problems).length > 0) {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(problems).map(([f, p]) => [f, tr(p.key, p.params)])) });
      return;
    }
    await ack();
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    try {
      await service.submitRun(patrols, meta.id, body.user.id, results, runNote);
    } catch (err) {
      if (viewErrors(err, tr)) logger.warn({ err }, 'patrol results refused after the form closed');
      await reportError(err, target, tr, logger);
    }
  });
}
