// Similar articles and past tickets in a new ticket's thread (SPEC §3.7), computed after the ack.
//
// How it stays out of the request: the ticket's creating transaction only records a pending hint
// (`pendingHintHook`, one small insert — the ticket and the promise to hint it commit together).
// After the commit, tickets calls its `afterCreated` listeners without waiting for them; ours
// (`hintAfterCommit`) computes the hint in the background. Should the process stop first, the
// `kb-hints` job finds the pending row a minute later and computes it then. A hint is posted once:
// the pending row is claimed FOR UPDATE SKIP LOCKED and marked done in the transaction that queues it.
import { getTicketById, type TicketAfterCreatedHook, type TicketCreatedHook } from '../tickets/index.js';
import { HINT_LIMIT, HINT_RELATIVE, HINT_THRESHOLD, rank, searchForm, TICKET_HINT_THRESHOLD } from './kb.rules.js';
import type { KbDeps } from './kb.service.js';
import * as store from './kb.store.js';
import type { Article, SimilarTicket } from './kb.store.js';

/** Past tickets are looked for among those opened this many days back. */
const PAST_TICKET_DAYS = 180;

/** In the creating transaction: remember that this ticket is to be hinted. */
export const pendingHintHook: TicketCreatedHook = (tx, ticket) => store.insertPendingHint(tx, ticket.id, ticket.createdAt);

/** After the commit: compute and post the hint in the background; a failure is logged (the job retries). */
export function hintAfterCommit(deps: KbDeps): TicketAfterCreatedHook {
  return (ticket) => {
    void computeHint(deps, ticket.id).catch((err: unknown) => deps.logger.error({ err, ticket: ticket.key }, 'kb hint of a new ticket failed; the kb-hints job will retry'));
  };
}

/** What would be hinted for a ticket title: the articles that score `HINT_THRESHOLD` and up, best first. */
export async function similarArticles(deps: Pick<KbDeps, 'db'>, title: string, limit = HINT_LIMIT): Promise<(Article & { score: number })[]> {
  const candidates = await store.searchCandidates(deps.db, searchForm(title), { limit: 20 });
  const ranked = rank(candidates, HINT_THRESHOLD, limit);
  return ranked.filter((a) => a.score >= HINT_RELATIVE * ranked[0]!.score);
}

/**
 * Computes a ticket's hint if it is still pending: up to three similar articles, then similar past
 * resolved tickets to fill the three; posts them in the ticket's thread when there are any, and
 * marks the hint done either way. Returns what was suggested (undefined: not pending, or taken).
 */
export async function computeHint(deps: KbDeps, ticketId: number): Promise<string[] | undefined> {
  const suggested = await deps.db.transaction(async (tx) => {
    if (!(await store.claimPendingHint(tx, ticketId))) return undefined;
    const ticket = await getTicketById(deps, ticketId, tx);
    if (!ticket) return undefined;
    const articles = await similarArticles({ db: tx }, ticket.title);
    let past: SimilarTicket[] = [];
    if (articles.length < HINT_LIMIT) {
      const since = new Date(ticket.createdAt.getTime() - PAST_TICKET_DAYS * 86_400_000);
      past = await store.similarResolvedTickets(tx, ticket.title, { excludeId: ticket.id, since, threshold: TICKET_HINT_THRESHOLD, limit: HINT_LIMIT - articles.length });
    }
    if (articles.length + past.length > 0) await deps.notify.hinted(tx, ticket, articles, past);
    const keys = [...articles.map((a) => a.key), ...past.map((t) => t.key)];
    await store.finishHint(tx, ticketId, deps.clock.now(), keys);
    return keys;
  });
  if (suggested?.length) deps.queued();
  return suggested;
}

/** The `kb-hints` job: hints whose after-commit computation never ran (the process stopped). */
export async function computePendingHints(deps: KbDeps, now: Date, batch = 100): Promise<{ hinted: number }> {
  let hinted = 0;
  for (const ticketId of await store.listPendingHints(deps.db, new Date(now.getTime() - 60_000), batch)) {
    if (await computeHint(deps, ticketId)) hinted++;
  }
  return { hinted };
}
