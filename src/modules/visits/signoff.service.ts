// The customer's sign-off (SPEC §3.2): issuing links and codes, checking them, and the
// confirmation itself. Only a valid, unused, unexpired link of a completed order confirms it.
import { audit } from '../../platform/audit.js';
import { DomainError } from '../../platform/errors.js';
import type { Db } from '../../platform/db.js';
import {
  codeMatches,
  hashSignoffCode,
  MAX_CODE_FAILURES,
  newSignoffCode,
  newSignoffSecret,
  parseSignoffToken,
  signSignoffToken,
  validateSignoffForm,
  verifySignoffToken,
  type SignoffForm,
  type SignoffProblem,
} from './signoff.rules.js';
import * as store from './visits.store.js';
import type { VisitOrderView, VisitSignoff } from './visits.store.js';
import { parseVisitKey } from './visits.rules.js';
import { CUSTOMER_ACTOR, transition, type VisitDeps } from './visits.service.js';

/** The page's path for a token. */
export const signoffPath = (token: string) => `/visit/signoff/${token}`;

/** Creates a link and a code for an order, replacing any earlier unused ones. Run inside the change's transaction. */
export async function issueSignoff(deps: VisitDeps, tx: Db, orderId: number, actor: string, now: Date): Promise<{ url: string; code: string; expiresAt: Date }> {
  await store.revokeSignoffs(tx, orderId, now);
  const secret = newSignoffSecret();
  const code = newSignoffCode();
  // Whole seconds: the token carries the expiry in seconds and must match the row exactly.
  const expiresAt = new Date(Math.floor((now.getTime() + deps.config.visits.signoff_ttl * 60_000) / 1000) * 1000);
  const row = await store.insertSignoff(tx, { orderId, secret, codeHash: hashSignoffCode(secret, code), createdBy: actor, createdAt: now, expiresAt });
  return { url: `${deps.config.publicUrl}${signoffPath(signSignoffToken(secret, row.id, expiresAt))}`, code, expiresAt };
}

export type SignoffStatus = 'invalid' | 'expired' | 'used' | 'replaced' | 'closed';

/** Why a link cannot be used now, or undefined when it can. */
function linkProblem(s: VisitSignoff | undefined, token: string, now: Date): SignoffStatus | undefined {
  const parts = parseSignoffToken(token);
  if (!parts || !s || s.id !== parts.id || !verifySignoffToken(s.secret, parts, s.expiresAt)) return 'invalid';
  if (s.usedAt) return 'used';
  if (s.revokedAt) return 'replaced';
  if (now.getTime() >= s.expiresAt.getTime()) return 'expired';
  return undefined;
}

/** A link replaced because the order was confirmed another way (a callback) needs no new link: say so. */
const shown = (status: SignoffStatus, order: VisitOrderView | undefined): SignoffStatus => (status === 'replaced' && order?.state !== 'completed' ? 'closed' : status);

export type SignoffLookup = { status: 'ok'; order: VisitOrderView; expiresAt: Date } | { status: SignoffStatus; order?: VisitOrderView };

/** What the page shows for a token: the order to confirm, or why it cannot be confirmed. Changes nothing. */
export async function lookupSignoff(deps: VisitDeps, token: string): Promise<SignoffLookup> {
  const parts = parseSignoffToken(token);
  if (!parts) return { status: 'invalid' };
  const s = await store.getSignoff(deps.db, parts.id);
  const problem = linkProblem(s, token, deps.clock.now());
  if (problem === 'invalid') return { status: 'invalid' };
  const order = await store.getVisitOrder(deps.db, s!.orderId);
  if (problem) return { status: shown(problem, order), order };
  if (!order || order.state !== 'completed') return { status: 'closed', order };
  return { status: 'ok', order, expiresAt: s!.expiresAt };
}

/**
 * The page of a link as the customer opens it. It shows the order with the customer's name and
 * address to whoever holds the link, so each showing is a read of customer data, audited (SPEC §4).
 */
export async function openSignoffPage(deps: VisitDeps, token: string, via: 'link' | 'code'): Promise<SignoffLookup> {
  const looked = await lookupSignoff(deps, token);
  if (looked.status === 'ok') await audit(deps.db, { at: deps.clock.now(), actor: CUSTOMER_ACTOR, action: 'customer.page.read', subject: `visit:${looked.order.id}`, outcome: 'ok', detail: { via } });
  return looked;
}

export type SignoffResult =
  | { status: 'confirmed'; order: VisitOrderView }
  | { status: 'form'; problems: Partial<Record<'name' | 'rating' | 'comment', SignoffProblem>>; order: VisitOrderView }
  | { status: SignoffStatus; order?: VisitOrderView };

/**
 * The customer confirms with their name and a rating. The link is checked again under the order's
 * lock, so two submissions of one link confirm once; anything wrong changes nothing.
 */
export async function confirmBySignoff(deps: VisitDeps, token: string, form: SignoffForm, via: 'link' | 'code' = 'link'): Promise<SignoffResult> {
  const looked = await lookupSignoff(deps, token);
  if (looked.status !== 'ok') return looked;
  const { problems, name, rating, comment } = validateSignoffForm(form);
  if (Object.keys(problems).length > 0) return { status: 'form', problems, order: looked.order };
  const signoffId = parseSignoffToken(token)!.id;
  const now = deps.clock.now();
  let status: SignoffStatus | undefined;
  try {
    const order = await transition(deps, looked.order.id, CUSTOMER_ACTOR, 'confirm', undefined, async (o, tx) => {
      const s = await store.lockSignoff(tx, signoffId);
      status = linkProblem(s, token, now);
      if (status) throw new DomainError('conflict', 'visit.signoff_unusable', { key: o.key });
      await store.markSignoffUsed(tx, signoffId, now);
      await store.revokeSignoffs(tx, o.id, now);
      return {
        patch: { confirmedAt: now, confirmedVia: via, confirmedName: name, confirmedBy: null, rating, ratingComment: comment },
        note: name,
        data: { rating, via },
      };
    });
    return { status: 'confirmed', order };
  } catch (err) {
    if (status) return { status: shown(status, await store.getVisitOrder(deps.db, looked.order.id)), order: looked.order };
    if (err instanceof DomainError && err.key === 'visit.invalid_transition') return { status: 'closed', order: looked.order };
    throw err;
  }
}

export type CodeResult = { status: 'ok'; token: string } | { status: 'wrong' | 'locked' | 'expired' | 'closed' };

/**
 * The phone read-out: order number and 6-digit code lead to the same page as the link. Wrong
 * codes are counted; after MAX_CODE_FAILURES the code stops working (the link still works).
 */
export async function redeemCode(deps: VisitDeps, orderKeyText: string, code: string): Promise<CodeResult> {
  const key = parseVisitKey(orderKeyText);
  const digits = code.replace(/\s/g, '');
  if (!key || !/^\d{6}$/.test(digits)) return { status: 'wrong' };
  const order = await store.getVisitOrderByKey(deps.db, key);
  if (!order) return { status: 'wrong' };
  const s = await store.liveSignoffOf(deps.db, order.id);
  if (!s) return { status: order.state === 'completed' ? 'wrong' : 'closed' };
  // A wrong code for a real order is a refused attempt at its page: audited, like a locked one.
  const refused = (tx: Db, detail: Record<string, unknown>) => audit(tx, { at: deps.clock.now(), actor: CUSTOMER_ACTOR, action: 'customer.page.code', subject: `visit:${order.id}`, outcome: 'refused', detail });
  if (s.codeFailures >= MAX_CODE_FAILURES) {
    await refused(deps.db, { locked: true });
    return { status: 'locked' };
  }
  if (!codeMatches(s.secret, s.codeHash, digits)) {
    await deps.db.transaction(async (tx) => {
      await store.countCodeFailure(tx, s.id);
      await refused(tx, { failures: s.codeFailures + 1 });
    });
    return { status: 'wrong' };
  }
  if (deps.clock.now().getTime() >= s.expiresAt.getTime()) return { status: 'expired' };
  if (order.state !== 'completed') return { status: 'closed' };
  return { status: 'ok', token: signSignoffToken(s.secret, s.id, s.expiresAt) };
}
