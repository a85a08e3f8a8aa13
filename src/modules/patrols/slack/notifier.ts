// Tells Slack about patrol runs through the outbox: one channel message per run (updated in place),
// replies in its thread, the reminder and the escalation each once (dedupe keys).
import { enqueue, postedLocation } from '../../../outbox/outbox.js';
import type { Clock } from '../../../platform/clock.js';
import type { Config } from '../../../config/config.js';
import type { Translate } from '../../../platform/i18n.js';
import { escapeMrkdwn } from '../../../slack/mrkdwn.js';
import { patrolMessageKey, type PatrolNotifier } from '../patrols.service.js';
import type { PatrolRun } from '../patrols.store.js';
import type { Db } from '../../../platform/db.js';
import { changeReply, escalationText, patrolMessage, reminderText } from './views.js';

async function messageLink(tx: Db, run: PatrolRun): Promise<string | undefined> {
  const at = await postedLocation(tx, patrolMessageKey(run.id));
  return at ? `https://slack.com/archives/${at.channel}/p${at.ts.replace('.', '')}` : undefined;
}

export function slackPatrolNotifier(clock: Clock, config: Config, tr: Translate): PatrolNotifier {
  return {
    async posted(tx, run) {
      const key = patrolMessageKey(run.id);
      await enqueue(tx, clock.now(), [{ kind: 'post', channel: run.channel, messageKey: key, dedupeKey: key, payload: patrolMessage(run, tr) }]);
    },
    async changed(tx, run, change) {
      const key = patrolMessageKey(run.id);
      await enqueue(tx, clock.now(), [
        { kind: 'update', targetKey: key, payload: patrolMessage(run, tr) },
        { kind: 'reply', targetKey: key, payload: { text: changeReply(run, change, tr) } },
      ]);
    },
    async ticketOpened(tx, run, item) {
      const key = patrolMessageKey(run.id);
      await enqueue(tx, clock.now(), [
        { kind: 'update', targetKey: key, payload: patrolMessage(run, tr) },
        {
          kind: 'reply',
          targetKey: key,
          dedupeKey: `${key}:ticket:${item.position}`,
          payload: { text: tr('patrol.reply.ticket', { position: item.position, item: escapeMrkdwn(item.label), key: item.ticketKey }) },
        },
      ]);
    },
    async reminder(tx, run) {
      const key = patrolMessageKey(run.id);
      const text = reminderText(run, await messageLink(tx, run), tr);
      const message = run.claimedBy
        ? { kind: 'dm' as const, userId: run.claimedBy, dedupeKey: `${key}:reminder`, payload: { text } }
        : { kind: 'post' as const, channel: run.channel, dedupeKey: `${key}:reminder`, payload: { text } };
      await enqueue(tx, clock.now(), [message]);
    },
    async escalation(tx, run) {
      const key = patrolMessageKey(run.id);
      const text = escalationText(run, config.roles.supervisors, await messageLink(tx, run), tr);
      await enqueue(tx, clock.now(), [{ kind: 'post', channel: config.channels.escalation ?? run.channel, dedupeKey: `${key}:escalation`, payload: { text } }]);
    },
  };
}
