// SLA clocks of a visit order (SPEC §3.5): the `accept` target (posted → posted + accept_timeout)
// and the `arrival` target (the window was agreed → the agreed start). Warning at 75 %, breach at
// 100 %. Pure: the accept timeout and `now` are passed in.
import { WARN_FRACTION } from '../sla/index.js';
import type { VisitState } from './visits.rules.js';

export type VisitSlaTarget = 'accept' | 'arrival';
export type VisitSlaStage = 'warning' | 'breach';

/** Bits of `sla_posted`: which stages were posted (visit_sla_alerts' unique key is the real guard). */
export const VISIT_STAGE_BIT: Record<`${VisitSlaTarget}:${VisitSlaStage}`, number> = {
  'accept:warning': 1,
  'accept:breach': 2,
  'arrival:warning': 4,
  'arrival:breach': 8,
};

/** The columns of an order its clocks depend on. */
export interface VisitClocks {
  state: VisitState;
  createdAt: Date;
  windowStart: Date | null;
  windowAgreedAt: Date | null;
  arrivedAt: Date | null;
  slaPosted: number;
}

const MINUTE = 60_000;
const ALL: [VisitSlaTarget, VisitSlaStage][] = [
  ['accept', 'warning'],
  ['accept', 'breach'],
  ['arrival', 'warning'],
  ['arrival', 'breach'],
];

/**
 * When a target's clock started and when it is due; undefined while it does not run. Accept runs
 * while the order is open; arrival while a window is agreed (scheduled, or late with a notice) and
 * the engineer has not arrived — no contact, cancel or arrival stop it.
 */
export function targetSpan(c: VisitClocks, target: VisitSlaTarget, acceptTimeoutMinutes: number): { startedAt: Date; dueAt: Date } | undefined {
  if (target === 'accept') return c.state === 'open' ? { startedAt: c.createdAt, dueAt: new Date(c.createdAt.getTime() + acceptTimeoutMinutes * MINUTE) } : undefined;
  if ((c.state === 'scheduled' || c.state === 'late') && c.windowStart && c.windowAgreedAt && !c.arrivedAt) return { startedAt: c.windowAgreedAt, dueAt: c.windowStart };
  return undefined;
}

/** When a stage comes: 75 % of the span for the warning, the due time for the breach. */
export function stageAt(span: { startedAt: Date; dueAt: Date }, stage: VisitSlaStage): Date {
  if (stage === 'breach') return span.dueAt;
  const length = Math.max(0, span.dueAt.getTime() - span.startedAt.getTime());
  return new Date(span.startedAt.getTime() + Math.round(length * WARN_FRACTION));
}

const isPosted = (bits: number, target: VisitSlaTarget, stage: VisitSlaStage) => (bits & VISIT_STAGE_BIT[`${target}:${stage}`]) !== 0;

/** The posted bits after posting a stage: a breach also closes its target's warning for good. */
export function markVisitPosted(bits: number, target: VisitSlaTarget, stage: VisitSlaStage): number {
  const withStage = bits | VISIT_STAGE_BIT[`${target}:${stage}`];
  return stage === 'breach' ? withStage | VISIT_STAGE_BIT[`${target}:warning`] : withStage;
}

export interface DueVisitStage {
  target: VisitSlaTarget;
  stage: VisitSlaStage;
  at: Date;
  dueAt: Date;
}

/**
 * The stages that have come by `now` and were not posted. Each (order, target, stage) is posted
 * once ever: a window agreed again later does not bring back a stage already posted. A warning
 * whose breach has also come is skipped — the breach says more.
 */
export function dueVisitStages(c: VisitClocks, now: Date, acceptTimeoutMinutes: number): DueVisitStage[] {
  const out: DueVisitStage[] = [];
  for (const [target, stage] of ALL) {
    const span = targetSpan(c, target, acceptTimeoutMinutes);
    if (!span || isPosted(c.slaPosted, target, stage)) continue;
    const at = stageAt(span, stage);
    if (at.getTime() > now.getTime()) continue;
    if (stage === 'warning' && span.dueAt.getTime() <= now.getTime() && !isPosted(c.slaPosted, target, 'breach')) continue;
    out.push({ target, stage, at, dueAt: span.dueAt });
  }
  return out;
}

/** When the sweep should next look at the order: the earliest unposted stage of a running clock. */
export function nextVisitCheckAt(c: VisitClocks, acceptTimeoutMinutes: number): Date | null {
  let next: number | null = null;
  for (const [target, stage] of ALL) {
    const span = targetSpan(c, target, acceptTimeoutMinutes);
    if (!span || isPosted(c.slaPosted, target, stage)) continue;
    const at = stageAt(span, stage).getTime();
    if (next === null || at < next) next = at;
  }
  return next === null ? null : new Date(next);
}
