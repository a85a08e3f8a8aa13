// On-call listeners: ack fast, parse, call one service function, report errors to the user.
import type { BlockAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, viewErrors, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import type { OncallDeps } from '../oncall.deps.js';
import { acknowledgeHandover, prepareAcknowledge } from '../handover.service.js';
import { acceptCover, declineCover, isSupervisor, prepareNote, requestCover, saveNote } from '../oncall.service.js';
import { declineFromPage, takeFromPage } from '../paging.service.js';
import { registerOncallCommand, swapModalFor } from './command.js';
import { ONCALL_ACTIONS, ONCALL_FORM, ONCALL_VIEWS } from './ids.js';
import * as views from './views.js';

const idValue = z.object({ id: z.number().int() });
const noteValue = z.object({ r: z.string(), at: z.number().int() });
const noteMeta = noteValue.extend({ channel: z.string().optional() });
const channelMeta = z.object({ channel: z.string().optional() });
const ackMeta = z.object({ id: z.number().int(), channel: z.string().optional() });

/** Registers /oncall, the swap, note and acknowledge forms, and the cover and page buttons. */
export function registerOncallListeners(app: BoltApp, deps: ListenerDeps, oncall: OncallDeps): void {
  const { logger } = deps;
  registerOncallCommand(app, deps, oncall);

  // ── swap ──
  app.action<BlockAction<StaticSelectAction>>(ONCALL_ACTIONS.swapRotation, async ({ ack, body, action, client }) => {
    await ack();
    if (!body.view) return;
    const tr = await deps.trFor(body.user.id);
    const meta = readMetadata(channelMeta, body.view.private_metadata);
    try {
      const view = await swapModalFor(oncall, body.user.id, tr, { rotation: action.selected_option.value, channel: meta.channel });
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
    } catch (err) {
      logger.warn({ err }, 'could not refresh the swap form');
    }
  });

  app.view(ONCALL_VIEWS.swap, async ({ ack, view, body, client }) => {
    const s = new ViewState(view.state.values as never);
    const tr = await deps.trFor(body.user.id);
    const meta = readMetadata(channelMeta, view.private_metadata);
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    const shift = s.selected(ONCALL_FORM.shift);
    let result;
    try {
      result = await requestCover(
        oncall,
        { rotation: s.selected(ONCALL_FORM.rotation), shiftStart: shift && /^\d+$/.test(shift) ? new Date(Number(shift)) : undefined, coveringUser: s.user(ONCALL_FORM.cover) },
        body.user.id,
        `view:${view.id}`,
      );
    } catch (err) {
      const errors = viewErrors(err, tr);
      if (errors) return void (await ack({ response_action: 'errors', errors }));
      await ack();
      return void (await reportError(err, target, tr, logger));
    }
    await ack();
    const o = result.override;
    await tellUser(target, tr(result.forced ? 'oncall.swap.forced' : 'oncall.swap.asked', { user: `<@${o.coveringUser}>`, replaced: `<@${o.replacedUser}>` })).catch((err: unknown) => logger.warn({ err }, 'could not confirm a swap'));
  });

  onButton(app, deps, ONCALL_ACTIONS.coverAccept, idValue, async ({ value: { id }, user, tr, target }) => {
    await acceptCover(oncall, id, user);
    await tellUser(target, tr('oncall.cover.accepted_ephemeral'));
  });
  onButton(app, deps, ONCALL_ACTIONS.coverDecline, idValue, async ({ value: { id }, user, tr, target }) => {
    await declineCover(oncall, id, user);
    await tellUser(target, tr('oncall.cover.declined_ephemeral'));
  });

  // ── handover note ──
  onButton(app, deps, ONCALL_ACTIONS.addNote, noteValue, async ({ value: { r, at }, user, tr, channel, triggerId, client }) => {
    const trigger = requireTrigger(triggerId);
    const t = await prepareNote(oncall, user, { rotation: r, handoverAt: new Date(at) });
    const meta = writeMetadata({ r, at, channel });
    await client.views.open({ trigger_id: trigger, view: views.noteModal({ ...t, privateMetadata: meta }, tr) });
  });

  app.view(ONCALL_VIEWS.note, async ({ ack, view, body, client }) => {
    const s = new ViewState(view.state.values as never);
    const tr = await deps.trFor(body.user.id);
    const meta = readMetadata(noteMeta, view.private_metadata);
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    try {
      await saveNote(oncall, body.user.id, { rotation: meta.r, handoverAt: new Date(meta.at) }, s.text(ONCALL_FORM.note) ?? '');
    } catch (err) {
      const errors = viewErrors(err, tr);
      if (errors) return void (await ack({ response_action: 'errors', errors }));
      await ack();
      return void (await reportError(err, target, tr, logger));
    }
    await ack();
    await tellUser(target, tr('oncall.note.saved')).catch((err: unknown) => logger.warn({ err }, 'could not confirm a note'));
  });

  // ── acknowledge handover ──
  onButton(app, deps, ONCALL_ACTIONS.acknowledge, idValue, async ({ value: { id }, user, tr, channel, triggerId, client }) => {
    const trigger = requireTrigger(triggerId);
    const { handover, outgoingTickets } = await prepareAcknowledge(oncall, id, user);
    const meta = writeMetadata({ id, channel });
    const onBehalf = user !== handover.incoming && isSupervisor(oncall, user);
    await client.views.open({ trigger_id: trigger, view: views.acknowledgeModal({ handover, outgoingTickets, onBehalf, privateMetadata: meta }, tr) });
  });

  app.view(ONCALL_VIEWS.acknowledge, async ({ ack, view, body, client }) => {
    // Moving tickets may take several transactions: answer Slack first.
    await ack();
    const tr = await deps.trFor(body.user.id);
    const meta = readMetadata(ackMeta, view.private_metadata);
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    const checked = (view.state.values[ONCALL_FORM.move]?.value as { selected_options?: { value: string }[] } | undefined)?.selected_options ?? [];
    try {
      const { moved } = await acknowledgeHandover(oncall, meta.id, body.user.id, { moveTickets: checked.some((o) => o.value === 'move') });
      await tellUser(target, moved.length > 0 ? tr('oncall.ack.moved', { count: moved.length }) : tr('oncall.ack.done'));
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  // ── P1 page ──
  onButton(app, deps, ONCALL_ACTIONS.pageTake, idValue, async ({ value: { id }, user, tr, target }) => {
    const ticket = await takeFromPage(oncall, id, user);
    await tellUser(target, tr('oncall.page.taken', { key: ticket.key }));
  });
  onButton(app, deps, ONCALL_ACTIONS.pageDecline, idValue, async ({ value: { id }, user, tr, target }) => {
    const result = await declineFromPage(oncall, id, user);
    await tellUser(target, tr(result === 'moved_on' ? 'oncall.page.declined' : 'oncall.page.declined_last'));
  });
}
