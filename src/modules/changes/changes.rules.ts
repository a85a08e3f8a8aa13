// Pure change-request rules (SPEC §3.6): the one transition table, who may act, the approval rules,
// overlapping windows, freeze periods, the change form's checks and the change-watch stages. No I/O.
import type { MessageKey } from '../../platform/i18n.js';

export const CHANGE_STATES = ['submitted', 'approved', 'rejected', 'scheduled', 'implementing', 'verifying', 'done', 'rolled_back', 'cancelled'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** Everything that can happen to a change; `follow_up` (a ticket opened after a rollback) keeps the state. */
export type ChangeAction = 'approve' | 'reject' | 'schedule' | 'start' | 'finish' | 'verify' | 'rollback' | 'cancel' | 'follow_up';

/** States in which a change is still under way (it can conflict with another, it is watched). */
export const OPEN_STATES: readonly ChangeState[] = ['submitted', 'approved', 'scheduled', 'implementing', 'verifying'];
export const FINAL_STATES: readonly ChangeState[] = ['rejected', 'done', 'rolled_back', 'cancelled'];

/** The transition table: the states each action may start from, and where it leads (undefined: stays). */
const TABLE: Record<ChangeAction, { from: readonly ChangeState[]; to?: ChangeState }> = {
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  schedule: { from: ['approved'], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'implementing' },
  finish: { from: ['implementing'], to: 'verifying' },
  verify: { from: ['verifying'], to: 'done' },
  rollback: { from: ['implementing', 'verifying'], to: 'rolled_back' },
  cancel: { from: ['submitted', 'approved', 'scheduled'], to: 'cancelled' },
  follow_up: { from: ['rolled_back'] },
};

/** What the rules need to know about a change besides its state. */
export interface ChangeFacts {
  state: ChangeState;
  risk: Risk;
  emergency: boolean;
  /** Set once the change has all the approvals its risk needs. */
  approvedAt: Date | null;
  requester: string;
  implementer: string;
  followUpTicketId?: number | null;
}

/**
 * True when `action` may be taken on the change in its state. Emergency changes (紧急变更) may start
 * at once, before approval, and are approved afterwards while they go on.
 */
export function canStart(action: ChangeAction, c: Pick<ChangeFacts, 'state' | 'emergency' | 'approvedAt' | 'followUpTicketId'>): boolean {
  if (c.emergency && action === 'start' && ['submitted', 'approved', 'scheduled'].includes(c.state)) return true;
  if (c.emergency && action === 'approve' && !c.approvedAt && c.state !== 'rejected' && c.state !== 'cancelled') return true;
  if (action === 'follow_up' && c.followUpTicketId) return false;
  return TABLE[action].from.includes(c.state);
}

/** The state an action leads to. An approval moves the state only once the change has all it needs. */
export function nextState(action: ChangeAction, c: Pick<ChangeFacts, 'state'>, fullyApproved = true): ChangeState {
  if (action === 'approve') return c.state === 'submitted' && fullyApproved ? 'approved' : c.state;
  return TABLE[action].to ?? c.state;
}

/** How many different supervisors must approve: two for high risk, else one. */
export const approvalsNeeded = (risk: Risk): number => (risk === 'high' ? 2 : 1);

export type Roles = { isSupervisor: boolean };

/** Why an actor may not take an action, as a catalogue key; undefined when they may. */
export function refusal(action: ChangeAction, c: ChangeFacts, actor: string, roles: Roles): MessageKey | undefined {
  const isRequester = actor === c.requester;
  const isImplementer = actor === c.implementer;
  switch (action) {
    case 'approve':
    case 'reject':
      if (!roles.isSupervisor) return 'change.refused.supervisors_only';
      if (isRequester) return 'change.refused.own_request';
      if (isImplementer) return 'change.refused.own_implementation';
      return undefined;
    case 'cancel':
      return isRequester || roles.isSupervisor ? undefined : 'change.refused.cancel';
    case 'schedule':
    case 'follow_up':
      return isRequester || isImplementer || roles.isSupervisor ? undefined : 'change.refused.team';
    default:
      return isImplementer || roles.isSupervisor ? undefined : 'change.refused.implementer';
  }
}

/**
 * Adds one approval to those already recorded. The same approver twice counts once. Returns the
 * approvers after it and whether the change now has all it needs.
 */
export function countApproval(risk: Risk, approvers: readonly string[], approver: string): { approvers: string[]; repeated: boolean; complete: boolean } {
  const repeated = approvers.includes(approver);
  const all = repeated ? [...approvers] : [...approvers, approver];
  return { approvers: all, repeated, complete: new Set(all).size >= approvalsNeeded(risk) };
}

/** The buttons a change's message offers, in display order. */
export function buttonsFor(c: Pick<ChangeFacts, 'state' | 'emergency' | 'approvedAt' | 'followUpTicketId'>): ChangeAction[] {
  const order: ChangeAction[] = ['approve', 'reject', 'schedule', 'start', 'finish', 'verify', 'rollback', 'follow_up', 'cancel'];
  return order.filter((a) => canStart(a, c));
}

// ── windows, conflicts, freezes ───────────────────────────────────────────────────────────────

export interface Window {
  start: Date;
  end: Date;
}

/** Half-open windows [start, end): one that ends when the other starts does not overlap it. */
export function windowsOverlap(a: Window, b: Window): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** A system's name as conflicts compare it: trimmed, spaces folded, lower case. */
export const systemKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The systems typed in the form: split on commas (also ，、;), trimmed, de-duplicated by key. */
export function parseSystems(text: string | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of (text ?? '').split(/[,，、;；\n]/)) {
    const name = part.trim().replace(/\s+/g, ' ');
    if (name && !seen.has(systemKey(name))) {
      seen.add(systemKey(name));
      out.push(name);
    }
  }
  return out;
}

/** True when two changes touch a system in common and their windows overlap. */
export function conflicts(a: Window & { systemKeys: readonly string[] }, b: Window & { systemKeys: readonly string[] }): boolean {
  return a.systemKeys.some((k) => b.systemKeys.includes(k)) && windowsOverlap(a, b);
}

export interface Freeze {
  from: Date;
  to: Date;
  reason: string;
}

/** The first freeze the window overlaps (edges touching do not count); undefined when none. */
export function freezeHit(window: Window, freezes: readonly Freeze[]): Freeze | undefined {
  return freezes.find((f) => windowsOverlap(window, { start: f.from, end: f.to }));
}

// ── the form ─────────────────────────────────────────────────────────────────────────────────

export const CHANGE_LIMITS = {
  title: 150,
  systems: 300,
  system: 60,
  systemCount: 10,
  description: 3000,
  reason: 1000,
  impact: 1000,
  testEvidence: 2000,
  plan: 3000,
  rollbackPlan: 3000,
  emergencyReason: 1000,
  note: 1000,
} as const;

/** What the change form submits, pulled out of Slack's view state. */
export interface ChangeDraft {
  title?: string;
  systems?: string;
  description?: string;
  reason?: string;
  risk?: string;
  impact?: string;
  testEvidence?: string;
  plan?: string;
  rollbackPlan?: string;
  windowStart?: Date;
  windowEnd?: Date;
  implementer?: string;
  ticket?: string;
  emergency?: boolean;
  emergencyReason?: string;
}

export type FieldProblem = { key: MessageKey; params?: Record<string, string | number> };
export type FieldProblems = Record<string, FieldProblem>;

/** A minute's grace: the date-time picker has minute resolution. */
const GRACE_MS = 60_000;

function text(problems: FieldProblems, field: string, value: string | undefined, max: number, required = true): void {
  if (!value?.trim()) {
    if (required) problems[field] = { key: 'error.required' };
  } else if ([...value].length > max) problems[field] = { key: 'error.too_long', params: { max } };
}

/**
 * Checks the change form; returns the problems by block id (empty when it may be saved). The
 * ticket's existence and conflicts need the store: the service checks those.
 */
export function validateChangeDraft(d: ChangeDraft, now: Date, freezes: readonly Freeze[], isTicketKey: (text: string) => boolean): FieldProblems {
  const p: FieldProblems = {};
  text(p, 'title', d.title, CHANGE_LIMITS.title);
  text(p, 'systems', d.systems, CHANGE_LIMITS.systems);
  if (!p.systems) {
    const systems = parseSystems(d.systems);
    if (systems.length > CHANGE_LIMITS.systemCount) p.systems = { key: 'change.error.too_many_systems', params: { max: CHANGE_LIMITS.systemCount } };
    else if (systems.some((s) => [...s].length > CHANGE_LIMITS.system)) p.systems = { key: 'change.error.system_too_long', params: { max: CHANGE_LIMITS.system } };
  }
  text(p, 'description', d.description, CHANGE_LIMITS.description);
  text(p, 'reason', d.reason, CHANGE_LIMITS.reason);
  if (!d.risk || !(RISKS as readonly string[]).includes(d.risk)) p.risk = { key: 'change.error.risk_required' };
  text(p, 'impact', d.impact, CHANGE_LIMITS.impact);
  const evidenceNeeded = d.risk === 'medium' || d.risk === 'high';
  text(p, 'test_evidence', d.testEvidence, CHANGE_LIMITS.testEvidence, evidenceNeeded);
  if (p.test_evidence?.key === 'error.required') p.test_evidence = { key: 'change.error.evidence_required' };
  text(p, 'plan', d.plan, CHANGE_LIMITS.plan);
  text(p, 'rollback', d.rollbackPlan, CHANGE_LIMITS.rollbackPlan);
  if (p.rollback?.key === 'error.required') p.rollback = { key: 'change.error.rollback_required' };
  if (!d.implementer) p.implementer = { key: 'error.required' };
  if (d.ticket?.trim() && !isTicketKey(d.ticket)) p.ticket = { key: 'change.error.ticket_format' };
  if (d.emergency) text(p, 'emergency_reason', d.emergencyReason, CHANGE_LIMITS.emergencyReason);
  else text(p, 'emergency_reason', d.emergencyReason, CHANGE_LIMITS.emergencyReason, false);
  if (!d.windowStart) p.window_start = { key: 'error.required' };
  if (!d.windowEnd) p.window_end = { key: 'error.required' };
  if (d.windowStart && d.windowEnd) {
    if (d.windowEnd.getTime() <= d.windowStart.getTime()) p.window_end = { key: 'change.error.end_before_start' };
    else if (d.windowEnd.getTime() < now.getTime() - GRACE_MS) p.window_end = { key: 'change.error.in_past' };
    // An emergency change may have begun already; an ordinary one is planned ahead.
    if (!d.emergency && d.windowStart.getTime() < now.getTime() - GRACE_MS) p.window_start = { key: 'change.error.in_past' };
    const hit = !d.emergency && !p.window_end ? freezeHit({ start: d.windowStart, end: d.windowEnd }, freezes) : undefined;
    if (hit && !p.window_start) p.window_start = { key: 'change.error.frozen', params: { reason: hit.reason } };
  }
  return p;
}

/** Checks a reason (reject, cancel): required, within its limit. */
export function validateReason(reason: string | undefined): FieldProblems {
  const p: FieldProblems = {};
  text(p, 'reason', reason, CHANGE_LIMITS.note);
  return p;
}

/** Checks a verification result: what was checked and the outcome, both required. */
export function validateVerification(v: { checked?: string; outcome?: string }): FieldProblems {
  const p: FieldProblems = {};
  text(p, 'checked', v.checked, CHANGE_LIMITS.note);
  text(p, 'outcome', v.outcome, CHANGE_LIMITS.note);
  return p;
}

/** Checks a rollback: what happened and why, both required. */
export function validateRollback(r: { happened?: string; why?: string }): FieldProblems {
  const p: FieldProblems = {};
  text(p, 'happened', r.happened, CHANGE_LIMITS.note);
  text(p, 'why', r.why, CHANGE_LIMITS.note);
  return p;
}

// ── ids ──────────────────────────────────────────────────────────────────────────────────────

export const changeKey = (year: number, seq: number) => `CHG-${year}-${seq}`;

/** Parses "CHG-2026-12" (any case); undefined when it is not a change id. */
export function parseChangeKey(text: string): string | undefined {
  const m = /^CHG-(\d{4})-(\d{1,9})$/i.exec(text.trim());
  return m ? `CHG-${m[1]}-${Number(m[2])}` : undefined;
}

// ── change-watch ─────────────────────────────────────────────────────────────────────────────

export type WatchStage = 'reminder' | 'nudge' | 'overrun' | 'emergency_overdue';

export interface WatchFacts extends Pick<ChangeFacts, 'state' | 'emergency' | 'approvedAt'> {
  windowStart: Date;
  windowEnd: Date;
  createdAt: Date;
}

/**
 * The change-watch stages due for a change at `now` (each is posted once per change, by whoever
 * records it first): the implementer's reminder `remindBefore` minutes before the window, a nudge
 * when the window opened and work has not started, an overrun when the window closed and work goes
 * on, an escalation when an emergency change is not approved in time.
 */
export function dueWatchStages(c: WatchFacts, now: Date, remindBeforeMin: number, emergencyApprovalMin: number): WatchStage[] {
  const t = now.getTime();
  const stages: WatchStage[] = [];
  const notStarted = ['submitted', 'approved', 'scheduled'].includes(c.state);
  if (notStarted && t < c.windowStart.getTime() && t >= c.windowStart.getTime() - remindBeforeMin * 60_000) stages.push('reminder');
  if (notStarted && t >= c.windowStart.getTime()) stages.push('nudge');
  if (c.state === 'implementing' && t >= c.windowEnd.getTime()) stages.push('overrun');
  if (c.emergency && !c.approvedAt && !['rejected', 'cancelled'].includes(c.state) && t >= emergencyDueAt(c.createdAt, emergencyApprovalMin).getTime()) {
    stages.push('emergency_overdue');
  }
  return stages;
}

/** When an emergency change must have been approved. */
export const emergencyDueAt = (createdAt: Date, emergencyApprovalMin: number) => new Date(createdAt.getTime() + emergencyApprovalMin * 60_000);
