// Change-request rules without a database: the transition table, who may act, approvals, windows,
// freezes, the form's checks and the change-watch stages (SPEC §3.6).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import {
  buttonsFor,
  canStart,
  conflicts,
  countApproval,
  dueWatchStages,
  freezeHit,
  nextState,
  parseChangeKey,
  parseSystems,
  refusal,
  systemKey,
  validateChangeDraft,
  windowsOverlap,
  type ChangeDraft,
  type ChangeFacts,
} from '../../src/modules/changes/changes.rules.js';
import { configError, ENV, yml } from '../support/config.js';

const at = (iso: string) => new Date(iso);
const base: ChangeFacts = { state: 'submitted', risk: 'low', emergency: false, approvedAt: null, requester: 'U0REQ', implementer: 'U0IMP' };
const SUP = { isSupervisor: true };
const ENG = { isSupervisor: false };

describe('the transition table', () => {
  it('walks submitted → approved → scheduled → implementing → verifying → done', () => {
    let c: ChangeFacts = { ...base };
    for (const [action, to] of [['approve', 'approved'], ['schedule', 'scheduled'], ['start', 'implementing'], ['finish', 'verifying'], ['verify', 'done']] as const) {
      expect(canStart(action, c), action).toBe(true);
      c = { ...c, state: nextState(action, c), approvedAt: c.approvedAt ?? at('2026-11-25T00:00:00Z') };
      expect(c.state).toBe(to);
    }
    expect(buttonsFor(c)).toEqual([]);
  });

  it('rolls back from implementing or verifying only, and opens one follow-up ticket', () => {
    expect(canStart('rollback', { ...base, state: 'implementing' })).toBe(true);
    expect(canStart('rollback', { ...base, state: 'verifying' })).toBe(true);
    expect(canStart('rollback', { ...base, state: 'scheduled' })).toBe(false);
    expect(canStart('follow_up', { ...base, state: 'rolled_back' })).toBe(true);
    expect(canStart('follow_up', { ...base, state: 'rolled_back', followUpTicketId: 4 })).toBe(false);
    expect(nextState('follow_up', { state: 'rolled_back' })).toBe('rolled_back');
  });

  it('cancels before implementing, never after', () => {
    for (const state of ['submitted', 'approved', 'scheduled'] as const) expect(canStart('cancel', { ...base, state })).toBe(true);
    for (const state of ['implementing', 'verifying', 'done', 'rejected'] as const) expect(canStart('cancel', { ...base, state })).toBe(false);
  });

  it('lets an emergency change start at once and be approved afterwards', () => {
    const e = { ...base, emergency: true };
    expect(canStart('start', e)).toBe(true);
    expect(canStart('start', base)).toBe(false);
    expect(canStart('approve', { ...e, state: 'implementing' })).toBe(true);
    expect(canStart('approve', { ...e, state: 'done' })).toBe(true);
    expect(canStart('approve', { ...e, state: 'done', approvedAt: at('2026-11-25T00:00:00Z') })).toBe(false);
    expect(nextState('approve', { state: 'implementing' })).toBe('implementing');
    expect(buttonsFor({ ...e, state: 'implementing' })).toEqual(['approve', 'finish', 'rollback']);
  });

  it('keeps a high-risk change submitted until the second approval', () => {
    expect(nextState('approve', base, false)).toBe('submitted');
    expect(nextState('approve', base, true)).toBe('approved');
  });
});

describe('who may act', () => {
  it('lets only supervisors decide, never the requester or the implementer', () => {
    expect(refusal('approve', base, 'U0ENG', ENG)).toBe('change.refused.supervisors_only');
    expect(refusal('approve', base, 'U0SUP', SUP)).toBeUndefined();
    expect(refusal('approve', { ...base, requester: 'U0SUP' }, 'U0SUP', SUP)).toBe('change.refused.own_request');
    expect(refusal('reject', { ...base, implementer: 'U0SUP' }, 'U0SUP', SUP)).toBe('change.refused.own_implementation');
  });

  it('lets the implementer or a supervisor carry it out, the requester or a supervisor cancel it', () => {
    expect(refusal('start', base, 'U0IMP', ENG)).toBeUndefined();
    expect(refusal('start', base, 'U0REQ', ENG)).toBe('change.refused.implementer');
    expect(refusal('start', base, 'U0SUP', SUP)).toBeUndefined();
    expect(refusal('cancel', base, 'U0REQ', ENG)).toBeUndefined();
    expect(refusal('cancel', base, 'U0IMP', ENG)).toBe('change.refused.cancel');
    expect(refusal('schedule', base, 'U0IMP', ENG)).toBeUndefined();
    expect(refusal('schedule', base, 'U0OTHER', ENG)).toBe('change.refused.team');
  });
});

describe('approvals', () => {
  it('needs one for low and medium risk, two different supervisors for high risk', () => {
    expect(countApproval('low', [], 'A').complete).toBe(true);
    expect(countApproval('medium', [], 'A').complete).toBe(true);
    expect(countApproval('high', [], 'A').complete).toBe(false);
    expect(countApproval('high', ['A'], 'B')).toEqual({ approvers: ['A', 'B'], repeated: false, complete: true });
  });

  it('counts the same approver twice once', () => {
    expect(countApproval('high', ['A'], 'A')).toEqual({ approvers: ['A'], repeated: true, complete: false });
  });
});

describe('windows, conflicts and freezes', () => {
  const w = (s: string, e: string) => ({ start: at(s), end: at(e) });
  it('does not count touching windows as overlapping', () => {
    expect(windowsOverlap(w('2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z'), w('2026-12-01T04:00:00Z', '2026-12-01T05:00:00Z'))).toBe(false);
    expect(windowsOverlap(w('2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z'), w('2026-12-01T03:59:00Z', '2026-12-01T05:00:00Z'))).toBe(true);
    expect(windowsOverlap(w('2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z'), w('2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z'))).toBe(false);
    expect(windowsOverlap(w('2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z'), w('2026-12-01T02:30:00Z', '2026-12-01T03:00:00Z'))).toBe(true);
  });

  it('flags a conflict only on a common system with an overlapping window', () => {
    const a = { ...w('2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z'), systemKeys: ['core-switch', 'pos'] };
    expect(conflicts(a, { ...w('2026-12-01T03:00:00Z', '2026-12-01T05:00:00Z'), systemKeys: ['pos'] })).toBe(true);
    expect(conflicts(a, { ...w('2026-12-01T03:00:00Z', '2026-12-01T05:00:00Z'), systemKeys: ['firewall'] })).toBe(false);
    expect(conflicts(a, { ...w('2026-12-01T04:00:00Z', '2026-12-01T05:00:00Z'), systemKeys: ['pos'] })).toBe(false);
  });

  it('reads systems split by commas (also Chinese ones) and compares them case- and space-insensitively', () => {
    expect(parseSystems(' Core  Switch, POS，收银系统、pos ')).toEqual(['Core Switch', 'POS', '收银系统']);
    expect(systemKey(' Core  Switch ')).toBe('core switch');
  });

  it('resolves freezes in the configured time zone, a date alone as "to" meaning the end of that day', () => {
    const config = parseConfig(yml('timezone: Asia/Shanghai', 'changes:', '  freeze:', '    - { from: "2026-12-31 18:00", to: "2027-01-03", reason: "New Year" }'), ENV);
    const [f] = config.changes.freeze;
    expect(f!.from.toISOString()).toBe('2026-12-31T10:00:00.000Z');
    expect(f!.to.toISOString()).toBe('2027-01-03T16:00:00.000Z');
    // A window ending as the freeze starts, or starting as it ends, is allowed; one minute inside is not.
    expect(freezeHit(w('2026-12-31T08:00:00Z', '2026-12-31T10:00:00Z'), config.changes.freeze)).toBeUndefined();
    expect(freezeHit(w('2027-01-03T16:00:00Z', '2027-01-03T18:00:00Z'), config.changes.freeze)).toBeUndefined();
    expect(freezeHit(w('2026-12-31T08:00:00Z', '2026-12-31T10:01:00Z'), config.changes.freeze)?.reason).toBe('New Year');
    expect(freezeHit(w('2027-01-03T15:59:00Z', '2027-01-03T18:00:00Z'), config.changes.freeze)?.reason).toBe('New Year');
  });

  it('names the key path and line of a bad freeze or duration', () => {
    configError(yml('changes:', '  freeze:', '    - { from: "2026-12-31 25:00", to: "2027-01-03", reason: x }'), 'changes.freeze.0.from', 3);
    configError(yml('changes:', '  freeze:', '    - from: "2027-01-03"', '      to: "2027-01-01"', '      reason: backwards'), 'changes.freeze.0.to', 4);
    configError(yml('changes:', '  emergency_approval: soon'), 'changes.emergency_approval', 2);
    configError(yml('changes:', '  remind: 30m'), 'changes.remind', 2);
  });

  it('defaults emergency_approval to 24h and remind_before to 30m', () => {
    expect(parseConfig('', ENV).changes).toEqual({ freeze: [], emergency_approval: 1440, remind_before: 30 });
  });
});

describe('the change form', () => {
  const now = at('2026-11-25T02:00:00Z');
  const good: ChangeDraft = {
    title: 'Upgrade core switch firmware',
    systems: 'core-switch',
    description: 'd',
    reason: 'r',
    risk: 'low',
    impact: 'i',
    plan: 'p',
    rollbackPlan: 'rb',
    windowStart: at('2026-11-26T14:00:00Z'),
    windowEnd: at('2026-11-26T16:00:00Z'),
    implementer: 'U0IMP',
  };
  const freezes = [{ from: at('2026-12-20T00:00:00Z'), to: at('2026-12-27T00:00:00Z'), reason: 'Year-end trading' }];
  const check = (d: Partial<ChangeDraft>) => Object.keys(validateChangeDraft({ ...good, ...d }, now, freezes, (t) => /^OPS-\d{4}-\d+$/.test(t)));

  it('accepts a complete low-risk change', () => expect(check({})).toEqual([]));
  it('requires test evidence for medium and high risk only', () => {
    expect(check({ risk: 'medium' })).toEqual(['test_evidence']);
    expect(check({ risk: 'high', testEvidence: 'ran in staging' })).toEqual([]);
  });
  it('requires a rollback plan, a risk and an implementer', () => expect(check({ rollbackPlan: ' ', risk: 'extreme', implementer: undefined })).toEqual(['risk', 'rollback', 'implementer']));
  it('refuses a window that ends before it starts, or starts in the past', () => {
    expect(check({ windowEnd: at('2026-11-26T13:00:00Z') })).toEqual(['window_end']);
    expect(check({ windowStart: at('2026-11-25T01:00:00Z') })).toEqual(['window_start']);
  });
  it('refuses an ordinary change in a freeze with its reason, and lets an emergency one in', () => {
    const problems = validateChangeDraft({ ...good, windowStart: at('2026-12-26T22:00:00Z'), windowEnd: at('2026-12-27T01:00:00Z') }, now, freezes, () => true);
    expect(problems.window_start).toEqual({ key: 'change.error.frozen', params: { reason: 'Year-end trading' } });
    expect(check({ windowStart: at('2026-12-26T22:00:00Z'), windowEnd: at('2026-12-27T01:00:00Z'), emergency: true, emergencyReason: 'outage' })).toEqual([]);
    expect(check({ windowStart: at('2026-12-27T00:00:00Z'), windowEnd: at('2026-12-27T01:00:00Z') })).toEqual([]);
  });
  it('lets an emergency change begin now, with a reason', () => {
    expect(check({ emergency: true, windowStart: at('2026-11-25T01:30:00Z'), emergencyReason: 'POS down' })).toEqual([]);
    expect(check({ emergency: true })).toEqual(['emergency_reason']);
  });
  it('checks the ticket id and the limits', () => {
    expect(check({ ticket: 'ticket 7' })).toEqual(['ticket']);
    expect(check({ ticket: 'OPS-2026-7' })).toEqual([]);
    expect(check({ title: '长'.repeat(151), systems: Array.from({ length: 11 }, (_, i) => `s${i}`).join(',') })).toEqual(['title', 'systems']);
  });
  it('parses change ids', () => {
    expect(parseChangeKey(' chg-2026-007 ')).toBe('CHG-2026-7');
    expect(parseChangeKey('OPS-2026-7')).toBeUndefined();
  });
});

describe('change-watch stages', () => {
  const c = { state: 'scheduled' as const, emergency: false, approvedAt: at('2026-11-25T00:00:00Z'), windowStart: at('2026-11-26T14:00:00Z'), windowEnd: at('2026-11-26T16:00:00Z'), createdAt: at('2026-11-25T00:00:00Z') };
  it('reminds within remind_before of the window, nudges once it opened', () => {
    expect(dueWatchStages(c, at('2026-11-26T13:29:00Z'), 30, 1440)).toEqual([]);
    expect(dueWatchStages(c, at('2026-11-26T13:30:00Z'), 30, 1440)).toEqual(['reminder']);
    expect(dueWatchStages(c, at('2026-11-26T14:00:00Z'), 30, 1440)).toEqual(['nudge']);
  });
  it('flags an overrun at the window end, and an unapproved emergency change after emergency_approval', () => {
    expect(dueWatchStages({ ...c, state: 'implementing' }, at('2026-11-26T15:59:00Z'), 30, 1440)).toEqual([]);
    expect(dueWatchStages({ ...c, state: 'implementing' }, at('2026-11-26T16:00:00Z'), 30, 1440)).toEqual(['overrun']);
    const e = { ...c, state: 'implementing' as const, emergency: true, approvedAt: null };
    expect(dueWatchStages(e, at('2026-11-25T23:59:00Z'), 30, 1440)).toEqual([]);
    expect(dueWatchStages(e, at('2026-11-26T00:00:00Z'), 30, 1440)).toEqual(['emergency_overdue']);
  });
});
