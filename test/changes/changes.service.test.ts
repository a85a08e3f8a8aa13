// Change-request services on the store (PGlite, and Postgres with TEST_DATABASE_URL): numbering under
// concurrency, two supervisors approving a high-risk change at once, the emergency approval timeout,
// and change-watch run twice for one slot. On Postgres the concurrent calls also run on a second pool.
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  approveChange,
  changeCountsForMonth,
  changesInWindow,
  changesOf,
  knownSystems,
  pendingApprovalsFor,
  scheduleChange,
  startChange,
  submitChange,
  watchChanges,
  type ChangeDeps,
  type ChangeDraft,
} from '../../src/modules/changes/index.js';
import { changeApprovals, changeEvents, changeNotices } from '../../src/modules/changes/changes.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { openStore } from '../../src/platform/db.js';
import type { DomainError } from '../../src/platform/errors.js';
import { storeName, usingPostgres } from '../support/db.js';
import { ESCALATION, useHarness, users, type Harness } from '../support/harness.js';
import { changeRow, changesYaml, sue } from './support.js';

const NOW = '2026-11-25T02:00:00Z';
const draft = (over: Partial<ChangeDraft> = {}): ChangeDraft => ({
  title: 'Replace the firewall rules',
  systems: 'firewall',
  description: 'd',
  reason: 'r',
  risk: 'low',
  impact: 'i',
  plan: 'p',
  rollbackPlan: 'rb',
  windowStart: new Date('2026-11-26T14:00:00Z'),
  windowEnd: new Date('2026-11-26T16:00:00Z'),
  implementer: users.bob.id,
  ...over,
});

/** The app's deps, and on Postgres a copy on a second connection pool (another replica). */
async function twoReplicas(h: Harness): Promise<{ a: ChangeDeps; b: ChangeDeps; close: () => Promise<void> }> {
  const a = h.opsdesk.services.changes;
  const other = usingPostgres ? await openStore({ databaseUrl: h.store.url!, poolSize: 4 }) : undefined;
  return { a, b: other ? { ...a, db: other.db } : a, close: async () => other?.close() };
}

describe(`change services (${storeName})`, () => {
  const h = useHarness({ yaml: changesYaml(), now: NOW, eachTestAt: NOW });
  beforeEach(() => h.slack.reset());

  it('numbers concurrent submissions CHG-<year>-<seq> without gaps or duplicates', async () => {
    const { a, b, close } = await twoReplicas(h);
    try {
      const made = await Promise.all(Array.from({ length: 8 }, (_, i) => submitChange(i % 2 ? a : b, draft({ title: `n${i}`, systems: `sys-${i}` }), users.alice.id, { requestKey: `num-${i}` })));
      const seqs = made.map((m) => Number(m.change.key.split('-')[2])).sort((x, y) => x - y);
      expect(made.every((m) => m.change.key.startsWith('CHG-2026-'))).toBe(true);
      expect(seqs).toEqual(Array.from({ length: 8 }, (_, i) => seqs[0]! + i));
    } finally {
      await close();
    }
  });

  it('returns the same change when one submission is delivered twice', async () => {
    const [x, y] = await Promise.all([submitChange(h.opsdesk.services.changes, draft({ systems: 'twice' }), users.alice.id, { requestKey: 'same' }), submitChange(h.opsdesk.services.changes, draft({ systems: 'twice' }), users.alice.id, { requestKey: 'same' })]);
    expect(x.change.id).toBe(y.change.id);
  });

  it('approves a high-risk change exactly once when two supervisors approve at the same instant', async () => {
    const { change } = await submitChange(h.opsdesk.services.changes, draft({ risk: 'high', testEvidence: 'staging', systems: 'ha-pair' }), users.alice.id);
    const { a, b, close } = await twoReplicas(h);
    try {
      const results = await Promise.allSettled([approveChange(a, change.id, users.sam.id, change.version), approveChange(b, change.id, sue.id, change.version)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await close();
    }
    const row = await changeRow(h, change.id);
    expect(row.state).toBe('approved');
    expect(row.approvedAt).not.toBeNull();
    const events = await h.store.db.select().from(changeEvents).where(and(eq(changeEvents.changeId, change.id), eq(changeEvents.kind, 'approve')));
    expect(events.map((e) => e.toState).sort()).toEqual(['approved', 'submitted']);
    expect(await h.store.db.select().from(changeApprovals).where(eq(changeApprovals.changeId, change.id))).toHaveLength(2);
  });

  it('counts one supervisor approving a high-risk change twice at once as one approval', async () => {
    const { change } = await submitChange(h.opsdesk.services.changes, draft({ risk: 'high', testEvidence: 'staging', systems: 'twice-approved' }), users.alice.id);
    const results = await Promise.allSettled([approveChange(h.opsdesk.services.changes, change.id, users.sam.id), approveChange(h.opsdesk.services.changes, change.id, users.sam.id)]);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as DomainError).key).toBe('change.already_approved_by_you');
    expect((await changeRow(h, change.id)).state).toBe('submitted');
  });

  it('escalates an emergency change not approved within emergency_approval, once', async () => {
    const deps = h.opsdesk.services.changes;
    const { change } = await submitChange(deps, draft({ emergency: true, emergencyReason: 'POS outage', windowStart: new Date(NOW), windowEnd: new Date('2026-11-25T04:00:00Z'), systems: 'pos' }), users.alice.id);
    await startChange(deps, change.id, users.bob.id);
    expect((await watchChanges(deps, new Date('2026-11-26T01:59:00Z'))).emergencies).toBe(0);
    expect((await watchChanges(deps, new Date('2026-11-26T02:00:00Z'))).emergencies).toBe(1);
    expect((await watchChanges(deps, new Date('2026-11-26T02:05:00Z'))).emergencies).toBe(0);
    await h.deliver();
    const posts = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ESCALATION && String(c.args.text).includes(change.key) && String(c.args.text).includes('not approved'));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.text).toContain(`<@${users.sam.id}>`);
    expect(posts[0]!.args.text).toContain(`<@${sue.id}>`);
    // Approved afterwards by a supervisor: it stays implementing and is marked approved.
    const approved = await approveChange(deps, change.id, users.sam.id);
    expect([approved.state, approved.approvedAt !== null]).toEqual(['implementing', true]);
  });

  it('posts one notice when change-watch runs twice for the same slot, also on two replicas at once', async () => {
    const { change } = await submitChange(h.opsdesk.services.changes, draft({ systems: 'watch-twice', windowStart: new Date('2026-11-28T14:00:00Z'), windowEnd: new Date('2026-11-28T16:00:00Z') }), users.alice.id);
    const { a, b, close } = await twoReplicas(h);
    const slot = new Date('2026-11-28T13:40:00Z');
    try {
      const runs = await Promise.all([watchChanges(a, slot), watchChanges(b, slot)]);
      expect(runs.reduce((n, r) => n + r.reminders, 0)).toBe(1);
      expect((await watchChanges(a, slot)).reminders).toBe(0);
    } finally {
      await close();
    }
    const notices = await h.store.db.select().from(changeNotices).where(eq(changeNotices.changeId, change.id));
    expect(notices.map((n) => n.stage)).toEqual(['reminder']);
    const dms = await h.store.db.select().from(outbox).where(and(eq(outbox.kind, 'dm'), eq(outbox.userId, users.bob.id)));
    expect(dms.filter((m) => m.dedupeKey === `change:${change.id}:reminder:${users.bob.id}`)).toHaveLength(1);
  });

  it('nudges at the window, and flags an overrun once when work goes on past its end', async () => {
    const deps = h.opsdesk.services.changes;
    const { change } = await submitChange(deps, draft({ systems: 'nudge', windowStart: new Date('2026-11-27T14:00:00Z'), windowEnd: new Date('2026-11-27T16:00:00Z') }), users.alice.id);
    const stages = async () => (await h.store.db.select().from(changeNotices).where(eq(changeNotices.changeId, change.id))).map((n) => n.stage);
    await watchChanges(deps, new Date('2026-11-27T13:59:00Z'));
    expect(await stages()).toEqual(['reminder']);
    await watchChanges(deps, new Date('2026-11-27T14:01:00Z'));
    await watchChanges(deps, new Date('2026-11-27T14:02:00Z'));
    expect(await stages()).toEqual(['reminder', 'nudge']);
    h.clock.set('2026-11-27T14:02:00Z');
    await approveChange(deps, change.id, users.sam.id);
    await scheduleChange(deps, change.id, users.bob.id);
    await startChange(deps, change.id, users.bob.id);
    await watchChanges(deps, new Date('2026-11-27T15:59:00Z'));
    expect(await stages()).toEqual(['reminder', 'nudge']);
    await watchChanges(deps, new Date('2026-11-27T16:00:00Z'));
    await watchChanges(deps, new Date('2026-11-27T16:30:00Z'));
    expect(await stages()).toEqual(['reminder', 'nudge', 'overrun']);
  });

  it('refuses to start an ordinary change before its window', async () => {
    const deps = h.opsdesk.services.changes;
    const { change } = await submitChange(deps, draft({ systems: 'early', windowStart: new Date('2026-11-29T14:00:00Z'), windowEnd: new Date('2026-11-29T16:00:00Z') }), users.alice.id);
    await approveChange(deps, change.id, users.sam.id);
    await scheduleChange(deps, change.id, users.bob.id);
    await expect(startChange(deps, change.id, users.bob.id)).rejects.toMatchObject({ key: 'change.too_early' });
    expect((await changeRow(h, change.id)).state).toBe('scheduled');
  });

  it('answers what the handover, the review and Home ask: a window, a month, pending approvals, my changes, known systems', async () => {
    const deps = h.opsdesk.services.changes;
    const { change } = await submitChange(deps, draft({ systems: 'Reports-DB', windowStart: new Date('2026-11-30T14:00:00Z'), windowEnd: new Date('2026-11-30T15:00:00Z') }), users.alice.id);
    const inWindow = await changesInWindow(deps, new Date('2026-11-30T14:59:00Z'), new Date('2026-11-30T20:00:00Z'));
    expect(inWindow.map((c) => c.key)).toContain(change.key);
    expect((await changesInWindow(deps, new Date('2026-11-30T15:00:00Z'), new Date('2026-11-30T20:00:00Z'))).map((c) => c.key)).not.toContain(change.key);
    expect((await pendingApprovalsFor(deps, users.sam.id)).map((c) => c.key)).toContain(change.key);
    expect((await pendingApprovalsFor(deps, users.alice.id)).map((c) => c.key)).not.toContain(change.key);
    expect((await changesOf(deps, users.bob.id)).map((c) => c.key)).toContain(change.key);
    expect(await knownSystems(deps)).toContain('Reports-DB');
    const month = await changeCountsForMonth(deps, 2026, 11, 'Asia/Shanghai');
    expect(month.total).toBeGreaterThan(0);
    expect(month.emergencies).toBeGreaterThanOrEqual(0);
    await approveChange(deps, change.id, users.sam.id);
    expect((await pendingApprovalsFor(deps, sue.id)).map((c) => c.key)).not.toContain(change.key);
  });
});
