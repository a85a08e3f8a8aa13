// `/oncall`: who is on call (all rotations or one), `schedule`, `swap`, `note` and `help`.
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../../../platform/errors.js';
import type { Translate } from '../../../platform/i18n.js';
import type { BoltApp } from '../../../slack/app.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import type { OncallDeps } from '../oncall.deps.js';
import { SCHEDULE_DAYS } from '../oncall.rules.js';
import { isSupervisor, noteTarget, onCallStatus, schedule, swapChoices } from '../oncall.service.js';
import * as views from './views.js';

/** `/oncall` and its words. */
export function registerOncallCommand(app: BoltApp, deps: ListenerDeps, oncall: OncallDeps): void {
  app.command('/oncall', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const user = command.user_id;
    const target: ReplyTarget = { respond, client, user, channel: command.channel_id };
    const [word = '', arg] = command.text.trim().split(/\s+/);
    try {
      switch (word.toLowerCase()) {
        case 'help':
          return await tellUser(target, tr('oncall.help'));
        case 'schedule': {
          const blocks = views.scheduleBlocks(await schedule(oncall, arg), SCHEDULE_DAYS, tr);
          return await tellUser(target, tr('oncall.schedule_text', { days: SCHEDULE_DAYS }), blocks);
        }
        case 'swap':
          return await openSwapModal(client, command.trigger_id, oncall, user, tr, { rotation: arg, channel: command.channel_id });
        case 'note': {
          const trigger = requireTrigger(command.trigger_id);
          const t = await noteTarget(oncall, user, arg);
          const meta = writeMetadata({ r: t.rotation, at: t.handoverAt.getTime(), channel: command.channel_id });
          return void (await client.views.open({ trigger_id: trigger, view: views.noteModal({ ...t, privateMetadata: meta }, tr) }));
        }
        default: {
          const statuses = await onCallStatus(oncall, word || undefined);
          return await tellUser(target, tr('oncall.status_text'), views.statusBlocks(statuses, tr));
        }
      }
    } catch (err) {
      await reportError(err, target, tr, deps.logger);
    }
  });
}

/** The swap form for a rotation: the named one, else the first in which the user has a shift coming. */
export async function swapModalFor(oncall: OncallDeps, user: string, tr: Translate, opts: { rotation?: string; channel?: string }) {
  const { rotation, shifts } = await swapChoices(oncall, user, opts.rotation);
  return views.swapModal(
    {
      rotations: oncall.rotations,
      rotation,
      shifts,
      initialShift: shifts.find((s) => s.user === user),
      supervisor: isSupervisor(oncall, user),
      privateMetadata: writeMetadata({ channel: opts.channel }),
    },
    tr,
  );
}

async function openSwapModal(client: WebClient, triggerId: string | undefined, oncall: OncallDeps, user: string, tr: Translate, opts: { rotation?: string; channel?: string }) {
  const trigger = requireTrigger(triggerId);
  if (oncall.rotations.length === 0) throw new DomainError('not_found', 'oncall.no_rotations');
  await client.views.open({ trigger_id: trigger, view: await swapModalFor(oncall, user, tr, opts) });
}
