// Tells Slack about on-call changes through the outbox, in the caller's transaction. DMs are in
// the recipient's own language; channel messages in the workspace's. Dedupe keys make every
// reminder, escalation and page step post once, however often the jobs run.
import { and, eq } from 'drizzle-orm';
import type { Config } from '../../../config/config.js';
import type { Db } from '../../../platform/db.js';
import { translator, type Translate } from '../../../platform/i18n.js';
import { enqueue, type OutboxMessage } from '../../../outbox/outbox.js';
import { outbox, type OutboxPayload } from '../../../outbox/outbox.table.js';
import type { OncallNotifier } from '../oncall.deps.js';
import { pageTargets, primaryRotation, rotationsOf } from '../oncall.rules.js';
import { storedLocale } from '../../../platform/user-locales.js';
import { handoverMessageKey } from './ids.js';
import * as m from './messages.js';

/** The on-call notifier: queues its Slack messages in the caller's transaction. */
export function slackOncallNotifier(config: Config, tr: Translate): OncallNotifier {
  const rotations = rotationsOf(config);
  const trOf = async (tx: Db, user: string) => translator((await storedLocale(tx, user)) ?? config.locale);
  const dm = async (tx: Db, user: string, dedupeKey: string, payload: (t: Translate) => OutboxPayload): Promise<OutboxMessage> => ({
    kind: 'dm',
    userId: user,
    dedupeKey,
    payload: payload(await trOf(tx, user)),
  });
  const textOnly = (text: string): OutboxPayload => ({ text });
  const ackMinutes = (rotation: string) => {
    const r = rotations.find((x) => x.name === rotation);
    return { remind: r?.ackReminderAfterMinutes ?? 15, escalate: r?.ackEscalateAfterMinutes ?? 30 };
  };

  return {
    async coverAsked(tx, now, o) {
      await enqueue(tx, now, [await dm(tx, o.coveringUser, `oncall:cover:${o.id}:ask`, (t) => m.coverAskDm(o, t))]);
    },

    async coverDecided(tx, now, o, outcome) {
      const messages: OutboxMessage[] = [];
      if (outcome === 'forced') {
        if (o.coveringUser !== o.decidedBy) messages.push(await dm(tx, o.coveringUser, `oncall:cover:${o.id}:forced:cover`, (t) => textOnly(m.coverDecidedText(o, 'forced_cover', t))));
        if (o.replacedUser !== o.decidedBy) messages.push(await dm(tx, o.replacedUser, `oncall:cover:${o.id}:forced:replaced`, (t) => textOnly(m.coverDecidedText(o, 'forced_replaced', t))));
      } else {
        // Only the person on call for a shift asks cover for it, so the requester is the one replaced.
        messages.push(await dm(tx, o.requestedBy, `oncall:cover:${o.id}:${outcome}`, (t) => textOnly(m.coverDecidedText(o, outcome, t))));
      }
      return enqueue(tx, now, messages);
    },

    async shiftReminder(tx, now, r, incoming, outgoing) {
      const key = `oncall:shift:${r.name}:${incoming.start.getTime()}`;
      const messages = [await dm(tx, incoming.user, `${key}:in:${incoming.user}`, (t) => m.incomingReminder(r, incoming, outgoing, t))];
      if (outgoing) messages.push(await dm(tx, outgoing.user, `${key}:out:${outgoing.user}`, (t) => m.outgoingReminder(r, incoming, t)));
      return enqueue(tx, now, messages);
    },

    async handoverOpened(tx, now, h, snapshot) {
      if (!h.channel) return;
      await enqueue(tx, now, [{ kind: 'post', channel: h.channel, messageKey: handoverMessageKey(h.id), payload: m.handoverMessage(h, snapshot, now, tr, ackMinutes(h.rotation)) }]);
    },

    async handoverAcknowledged(tx, now, h) {
      const key = handoverMessageKey(h.id);
      const [original] = await tx.select({ payload: outbox.payload }).from(outbox).where(and(eq(outbox.messageKey, key), eq(outbox.kind, 'post')));
      const messages: OutboxMessage[] = [{ kind: 'reply', targetKey: key, payload: textOnly(m.acknowledgedText(h, tr)) }];
      if (original) messages.unshift({ kind: 'update', targetKey: key, payload: m.acknowledgedMessage(original.payload, h, tr) });
      await enqueue(tx, now, messages);
    },

    async ticketsMoved(tx, now, h, keys) {
      await enqueue(tx, now, [{ kind: 'reply', targetKey: handoverMessageKey(h.id), payload: textOnly(m.movedReply(h, keys, tr)) }]);
    },

    async noteAdded(tx, now, h, note) {
      await enqueue(tx, now, [{ kind: 'reply', targetKey: handoverMessageKey(h.id), payload: textOnly(m.noteReply(note, tr)) }]);
    },

    async handoverReminder(tx, now, h) {
      return enqueue(tx, now, [await dm(tx, h.incoming, `oncall:handover:${h.id}:reminder`, (t) => m.handoverReminderDm(h, t))]);
    },

    async handoverEscalated(tx, now, h) {
      const text = m.handoverEscalation(h, config.roles.supervisors, ackMinutes(h.rotation).escalate, tr);
      const messages: OutboxMessage[] = [{ kind: 'reply', targetKey: handoverMessageKey(h.id), dedupeKey: `oncall:handover:${h.id}:escalation:thread`, payload: textOnly(text) }];
      if (config.channels.escalation) messages.unshift({ kind: 'post', channel: config.channels.escalation, dedupeKey: `oncall:handover:${h.id}:escalation`, payload: textOnly(text) });
      return enqueue(tx, now, messages);
    },

    async paged(tx, now, page, ticket) {
      const supervisors = config.roles.supervisors;
      const minutes = primaryRotation(rotations)?.pageTimeoutMinutes ?? 5;
      const atSupervisors = page.step >= page.line.length;
      const messages: OutboxMessage[] = [];
      for (const user of pageTargets(page, supervisors)) {
        messages.push(await dm(tx, user, `oncall:page:${page.id}:${page.step}:${user}`, (t) => m.pageDm(ticket, page.id, page.rotation, minutes, atSupervisors, t)));
      }
      if (atSupervisors && config.channels.escalation) {
        messages.push({ kind: 'post', channel: config.channels.escalation, dedupeKey: `oncall:page:${page.id}:escalation`, payload: textOnly(m.pageEscalation(ticket, page.line, supervisors, tr)) });
      }
      return enqueue(tx, now, messages);
    },
  };
}
