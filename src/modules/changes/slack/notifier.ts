// Tells Slack about change requests through the outbox: one message per change in the changes channel
// (updated in place), every step a reply in its thread, DMs to the requester and the implementer for
// decisions, conflict notes on the messages of overlapping changes, and change-watch notices.
import { eq } from 'drizzle-orm';
import type { Config } from '../../../config/config.js';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import type { PostedHook } from '../../../outbox/worker.js';
import type { Clock } from '../../../platform/clock.js';
import type { Db } from '../../../platform/db.js';
import type { Translate } from '../../../platform/i18n.js';
import { escapeMrkdwn, mention, slackDate } from '../../../slack/mrkdwn.js';
import type { TicketDeps } from '../../tickets/index.js';
import { changeView, type ChangeRef, type ChangeView } from '../changes.queries.js';
import type { WatchStage } from '../changes.rules.js';
import { changes } from '../changes.table.js';
import type { ChangeNotifier } from '../changes.transition.js';
import { changeMessageKey } from './ids.js';
import { actorLabel, changeLink, changeMessage, changeReply, slackWindow, stateLabel } from './views.js';

/** Supervisors, once each (at most eight mentions). */
const supervisorMentions = (config: Config) => [...new Set([...config.roles.supervisors, ...config.roles.admins])].slice(0, 8).map(mention).join(' ');

export function slackChangeNotifier(clock: Clock, config: Config, tr: Translate, tickets: Pick<TicketDeps, 'db'>): ChangeNotifier {
  const reads = { db: tickets.db, tickets };
  /** The other change's message, re-rendered (its conflict line changes), and a line in its thread. */
  const touchOthers = async (tx: Db, c: ChangeView, others: ChangeRef[], replyKey: 'change.reply.conflict' | 'change.reply.conflict_gone'): Promise<OutboxMessage[]> => {
    const out: OutboxMessage[] = [];
    for (const ref of others) {
      const other = await changeView(reads, ref.id, tx);
      if (!other?.slackChannel) continue;
      out.push({ kind: 'update', targetKey: changeMessageKey(other.id), payload: changeMessage(other, tr) });
      out.push({ kind: 'reply', targetKey: changeMessageKey(other.id), payload: { text: tr(replyKey, { change: changeLink(c), window: slackWindow(c) }) } });
    }
    return out;
  };
  const dm = (userId: string, text: string): OutboxMessage => ({ kind: 'dm', userId, payload: { text } });

  return {
    async submitted(tx, c) {
      const messages: OutboxMessage[] = [];
      if (c.slackChannel) messages.push({ kind: 'post', channel: c.slackChannel, messageKey: changeMessageKey(c.id), payload: changeMessage(c, tr) });
      messages.push(...(await touchOthers(tx, c, c.conflicts, 'change.reply.conflict')));
      if (c.implementer !== c.requester) messages.push(dm(c.implementer, tr('change.dm.implementer', { user: mention(c.requester), key: c.key, title: escapeMrkdwn(c.title), window: slackWindow(c) })));
      await enqueue(tx, clock.now(), messages);
    },

    async changed(tx, c, step) {
      const key = changeMessageKey(c.id);
      const messages: OutboxMessage[] = [];
      if (c.slackChannel) {
        messages.push({ kind: 'update', targetKey: key, payload: changeMessage(c, tr) }, { kind: 'reply', targetKey: key, payload: { text: changeReply(step, tr) } });
      }
      if (step.released?.length) messages.push(...(await touchOthers(tx, c, step.released, 'change.reply.conflict_gone')));
      // Decisions reach the requester and the implementer, whoever of them did not make them.
      const decision =
        step.action === 'approve' && c.approvedAt && step.approvals && step.approvals.count >= step.approvals.needed
          ? 'change.dm.approved'
          : step.action === 'reject'
            ? 'change.dm.rejected'
            : step.action === 'cancel'
              ? 'change.dm.cancelled'
              : undefined;
      if (decision) {
        const text = tr(decision, { user: actorLabel(step.actor), key: c.key, title: escapeMrkdwn(c.title), window: slackWindow(c), reason: escapeMrkdwn(step.note ?? '') });
        for (const user of new Set([c.requester, c.implementer])) if (user !== step.actor) messages.push(dm(user, text));
      }
      await enqueue(tx, clock.now(), messages);
    },

    async watch(tx, c, stage, now) {
      return enqueue(tx, clock.now(), watchMessages(c, stage, now));
    },
  };

  function watchMessages(c: ChangeView, stage: WatchStage, now: Date): OutboxMessage[] {
    const dedupe = (suffix: string) => `change:${c.id}:${stage}:${suffix}`;
    const params = { key: c.key, link: changeLink(c), title: escapeMrkdwn(c.title), start: slackDate(c.windowStart), end: slackDate(c.windowEnd), window: slackWindow(c), implementer: mention(c.implementer), state: stateLabel(tr, c.state), people: supervisorMentions(config) || tr('change.no_supervisors'), minutes: config.changes.remind_before, due: slackDate(new Date(c.createdAt.getTime() + config.changes.emergency_approval * 60_000)), now: slackDate(now) };
    const out: OutboxMessage[] = [];
    const reply = (text: string) => {
      if (c.slackChannel) out.push({ kind: 'reply', targetKey: changeMessageKey(c.id), dedupeKey: dedupe('thread'), payload: { text } });
    };
    const escalate = (text: string) => {
      const channel = config.channels.escalation ?? c.slackChannel;
      if (channel) out.push({ kind: 'post', channel, dedupeKey: dedupe('escalation'), payload: { text } });
    };
    switch (stage) {
      case 'reminder':
        out.push({ kind: 'dm', userId: c.implementer, dedupeKey: dedupe(c.implementer), payload: { text: tr('change.watch.reminder_dm', params) } });
        reply(tr('change.watch.reminder_thread', params));
        break;
      case 'nudge':
        for (const user of new Set([c.implementer, c.requester])) out.push({ kind: 'dm', userId: user, dedupeKey: dedupe(user), payload: { text: tr('change.watch.nudge_dm', params) } });
        reply(tr('change.watch.nudge_thread', params));
        break;
      case 'overrun':
        escalate(tr('change.watch.overrun_escalation', params));
        out.push({ kind: 'dm', userId: c.implementer, dedupeKey: dedupe(c.implementer), payload: { text: tr('change.watch.overrun_dm', params) } });
        reply(tr('change.watch.overrun_thread', params));
        break;
      case 'emergency_overdue':
        escalate(tr('change.watch.emergency_escalation', params));
        reply(tr('change.watch.emergency_thread', params));
        break;
    }
    return out;
  }
}

/** Keeps the change row's Slack location when its message is delivered. */
export const changePostedHook: PostedHook = async (tx: Db, messageKey, channel, ts) => {
  const m = /^change:(\d+)$/.exec(messageKey);
  if (!m) return;
  await tx.update(changes).set({ slackChannel: channel, slackTs: ts }).where(eq(changes.id, Number(m[1])));
};
