// Tells Slack about articles through the outbox, in the transaction of the change: the ticket-thread
// line when a ticket is published, a shared article's channel message (updated in place after an
// edit or a retirement), a new ticket's hint.
import { enqueue } from '../../../outbox/outbox.js';
import type { PostedHook } from '../../../outbox/worker.js';
import type { Clock } from '../../../platform/clock.js';
import type { Translate } from '../../../platform/i18n.js';
import { ticketMessageKey } from '../../tickets/index.js';
import type { KbNotifier } from '../kb.service.js';
import { setSharedMessageTs } from '../kb.store.js';
import { articleMessage, hintMessage, publishedReply } from './views.js';

export function slackKbNotifier(clock: Clock, tr: Translate): KbNotifier {
  return {
    async published(tx, article, ticket) {
      if (!ticket.slackChannel) return; // a ticket never posted has no thread
      await enqueue(tx, clock.now(), [
        { kind: 'reply', targetKey: ticketMessageKey(ticket.id), dedupeKey: `kb-published:${article.id}`, payload: { text: publishedReply(article, article.author, tr) } },
      ]);
    },
    async shared(tx, article, channel, _actor, messageKey) {
      await enqueue(tx, clock.now(), [{ kind: 'post', channel, messageKey, dedupeKey: messageKey, payload: articleMessage(article, tr, 'shared') }]);
    },
    async changed(tx, article, messageKeys) {
      // chat.update of each shared message: the current version, or marked retired without buttons.
      const payload = articleMessage(article, tr, 'shared');
      await enqueue(tx, clock.now(), messageKeys.map((targetKey) => ({ kind: 'update' as const, targetKey, payload })));
    },
    async hinted(tx, ticket, articles, past) {
      if (!ticket.slackChannel) return;
      await enqueue(tx, clock.now(), [{ kind: 'reply', targetKey: ticketMessageKey(ticket.id), dedupeKey: `kb-hint:${ticket.id}`, payload: hintMessage(articles, past, tr) }]);
    },
  };
}

/** Keeps where a shared article's message landed (its channel and ts) when the outbox delivers it. */
export const kbPostedHook: PostedHook = async (tx, messageKey, channel, ts) => {
  if (messageKey.startsWith('kb-share:')) await setSharedMessageTs(tx, messageKey, channel, ts);
};
