// The urgent path (特殊流程, SPEC §3.1): a new P1 ticket pages the engineer on call in the primary
// rotation with Take / Decline; no answer within `page_timeout` → the next in line → the supervisors.
import { audit } from '../../platform/audit.js';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import { takeTicket, type TicketCreatedHook, type TicketWithCustomer } from '../tickets/index.js';
import type { OncallDeps } from './oncall.deps.js';
import { pageTargets, pagingLine, primaryRotation } from './oncall.rules.js';
import { overridesFor } from './oncall.service.js';
import * as store from './oncall.store.js';
import type { PageTrailEntry } from './oncall.table.js';
import type { Page } from './oncall.store.js';

const DEFAULT_TIMEOUT_MINUTES = 5;

const trail = (page: Page, entries: PageTrailEntry[]) => [...page.trail, ...entries];

/** The tickets service's creation hook: pages the on-call engineer for a P1, in the creating transaction. */
export function pageOnCallHook(ctx: Pick<OncallDeps, 'config' | 'rotations' | 'notify'>): TicketCreatedHook {
  return async (tx: Db, ticket: TicketWithCustomer) => {
    if (ticket.priority !== 'P1') return;
    const now = ticket.createdAt;
    const r = primaryRotation(ctx.rotations);
    // No rotation, nobody to page: the SLA urgent path has already told the supervisors.
    if (!r) return;
    const line = pagingLine(r, now, await overridesFor(tx, r, now, new Date(now.getTime() + 7 * 86_400_000)));
    const targets = pageTargets({ line, step: 0 }, ctx.config.roles.supervisors);
    const page = await store.insertPage(tx, {
      ticketId: ticket.id,
      rotation: r.name,
      line,
      step: 0,
      pagedAt: now,
      status: targets.length > 0 ? 'paging' : 'exhausted',
      trail: targets.map((user) => ({ user, at: now.toISOString(), outcome: 'paged' as const })),
      createdAt: now,
      updatedAt: now,
    });
    if (page && targets.length > 0) await ctx.notify.paged(tx, now, page, ticket);
  };
}

/** **Take** from a page: the ticket is taken through the tickets service, and the page stops. */
export async function takeFromPage(deps: OncallDeps, pageId: number, actor: string) {
  const now = deps.clock.now();
  const page = await store.getPage(deps.db, pageId);
  if (!page) throw new DomainError('not_found', 'oncall.page.not_found');
  const paged = page.trail.some((e) => e.user === actor && e.outcome === 'paged');
  if (!paged) {
    await audit(deps.db, { at: now, actor, action: 'oncall.page.take', subject: `ticket:${page.ticketId}`, outcome: 'refused' });
    throw new DomainError('refused', 'oncall.page.not_yours');
  }
  const ticket = await store.ticketStatus(deps.db, page.ticketId);
  if (ticket?.assignee === actor) throw new DomainError('conflict', 'oncall.page.you_have_it', { key: ticket.key });
  const taken = await takeTicket(deps.tickets, page.ticketId, actor);
  await deps.db.transaction(async (tx) => {
    const row = await store.lockPage(tx, page.id);
    if (!row || row.status !== 'paging') return;
    await store.updatePage(tx, row.id, { status: 'taken', takenBy: actor, updatedAt: now, trail: trail(row, [{ user: actor, at: now.toISOString(), outcome: 'taken' }]) });
  });
  return taken;
}

/**
 * **Decline** from a page: the next in line is paged at once ('moved_on'). Only whoever the page rings
 * now may decline; a supervisor's decline at the last step is only recorded ('recorded').
 */
export async function declineFromPage(deps: OncallDeps, pageId: number, actor: string): Promise<'moved_on' | 'recorded'> {
  const now = deps.clock.now();
  let refused: DomainError | undefined;
  let result: 'moved_on' | 'recorded';
  try {
    result = await deps.db.transaction(async (tx) => {
      const page = await store.lockPage(tx, pageId);
      if (!page) throw new DomainError('not_found', 'oncall.page.not_found');
      const wasPaged = page.trail.some((e) => e.user === actor && e.outcome === 'paged');
      if (!wasPaged) throw (refused = new DomainError('refused', 'oncall.page.not_yours'));
      if (page.status !== 'paging') throw new DomainError('conflict', 'oncall.page.over');
      if (!pageTargets(page, deps.config.roles.supervisors).includes(actor)) throw new DomainError('conflict', 'oncall.page.moved_on');
      if (page.trail.some((e) => e.user === actor && e.outcome === 'declined' && page.step >= page.line.length)) throw new DomainError('conflict', 'oncall.page.over');
      const declined: PageTrailEntry = { user: actor, at: now.toISOString(), outcome: 'declined' };
      if (page.step >= page.line.length) {
        // A supervisor declining is recorded; the page ends at its timeout.
        await store.updatePage(tx, page.id, { trail: trail(page, [declined]), updatedAt: now });
        return 'recorded' as const;
      }
      await advance(deps, tx, page, now, declined);
      return 'moved_on' as const;
    });
  } catch (err) {
    if (refused && err === refused) await audit(deps.db, { at: now, actor, action: 'oncall.page.decline', subject: `oncall-page:${pageId}`, outcome: 'refused' });
    throw err;
  }
  deps.queued();
  return result;
}

/** Moves a page to its next step and pages the people there. */
async function advance(deps: OncallDeps, tx: Db, page: Page, now: Date, why: PageTrailEntry): Promise<void> {
  const next = { ...page, step: page.step + 1, pagedAt: now };
  const targets = pageTargets(next, deps.config.roles.supervisors);
  const entries: PageTrailEntry[] = [why, ...targets.map((user) => ({ user, at: now.toISOString(), outcome: 'paged' as const }))];
  const status = targets.length > 0 ? 'paging' : 'exhausted';
  await store.updatePage(tx, page.id, { step: next.step, pagedAt: now, status, trail: trail(page, entries), updatedAt: now });
  if (targets.length === 0) return;
  const ticket = await store.ticketStatus(tx, page.ticketId);
  if (ticket) await deps.notify.paged(tx, now, { ...next, status, trail: trail(page, entries) }, ticket);
}

/**
 * The watch job's part: pages unanswered for `page_timeout` move down the line; a page whose ticket
 * was taken (from the page or the channel) stops. Safe to run twice: each step is locked and checked.
 */
export async function advancePages(deps: OncallDeps, now: Date): Promise<{ escalated: number; answered: number; exhausted: number }> {
  const out = { escalated: 0, answered: 0, exhausted: 0 };
  const timeout = (primaryRotation(deps.rotations)?.pageTimeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
  const before = new Date(now.getTime() - timeout);
  for (const due of await store.pagesDue(deps.db, before)) {
    const result = await deps.db.transaction(async (tx) => {
      const page = await store.lockPage(tx, due.id);
      if (!page || page.status !== 'paging' || page.pagedAt.getTime() > before.getTime()) return undefined;
      const ticket = await store.ticketStatus(tx, page.ticketId);
      if (!ticket || ticket.state !== 'new' || ticket.assignee) {
        await store.updatePage(tx, page.id, { status: 'answered', takenBy: ticket?.assignee ?? null, updatedAt: now });
        return 'answered' as const;
      }
      const timedOut = pageTargets(page, deps.config.roles.supervisors).map((user) => ({ user, at: now.toISOString(), outcome: 'timeout' as const }));
      if (page.step >= page.line.length) {
        await store.updatePage(tx, page.id, { status: 'exhausted', trail: trail(page, timedOut), updatedAt: now });
        return 'exhausted' as const;
      }
      await advance(deps, tx, page, now, timedOut[0]!);
      return 'escalated' as const;
    });
    if (result) out[result]++;
  }
  if (out.escalated > 0) deps.queued();
  return out;
}
