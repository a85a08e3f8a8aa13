// On-call messages and forms at their largest stay within Slack's Block Kit limits; user text is escaped.
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/platform/i18n.js';
import '../../src/modules/oncall/oncall.i18n.js';
import { shiftsBetween, type Rotation } from '../../src/modules/oncall/oncall.rules.js';
import type { Handover, SnapshotPatrolRun, SnapshotTicket, SnapshotVisit } from '../../src/modules/oncall/oncall.store.js';
import { acknowledgedMessage, handoverMessage } from '../../src/modules/oncall/slack/messages.js';
import { chunkLines, shiftLabel, swapModal } from '../../src/modules/oncall/slack/views.js';
import { validateMessageBlocks, validateView } from '../support/block-kit.js';

const now = new Date('2026-11-25T13:00:00Z');
const handover: Handover = {
  id: 7, rotation: 'primary', handoverAt: now, shiftIndex: 49, shiftEnd: new Date('2026-11-26T01:00:00Z'), outgoing: 'U0ALICE', incoming: 'U0BOB', channel: 'C0ONCALL',
  openedAt: now, checkedOutAt: now, acknowledgedAt: null, acknowledgedBy: null, checkedInAt: null, ticketsMoved: null, remindedAt: null, escalatedAt: null, snapshot: null,
};
const ticket = (i: number): SnapshotTicket => ({
  id: i, key: `OPS-2026-${1000 + i}`, title: `<!channel> ${'长'.repeat(150)}`, priority: 'P2', state: 'new', assignee: i % 2 ? 'U0ALICE' : null, customerName: '客'.repeat(100),
  createdAt: new Date(now.getTime() - 7 * 3_600_000), acknowledgedAt: null, resolvedAt: null, responseDueAt: new Date(now.getTime() - 6 * 3_600_000), resolutionDueAt: new Date(now.getTime() + 3_600_000),
  expectedAt: new Date(now.getTime() + 1_800_000),
});
const visit = (i: number): SnapshotVisit => ({ key: `VO-2026-${i}`, state: 'late', engineer: 'U0CARL', customerName: '客'.repeat(100), windowStart: now, eta: now });
const patrol = (i: number): SnapshotPatrolRun => ({
  checklist: `checklist-${i}`, slotAt: now, deadlineAt: now, submittedAt: now, outcome: 'late', abnormal: 40, ticketKeys: Array.from({ length: 40 }, (_, k) => `OPS-2026-${2000 + k}`),
});

describe('on-call views', () => {
  const tr = translator('en');

  it('keeps the largest handover message within the limits and escapes user text', () => {
    const list = Array.from({ length: 15 }, (_, i) => ticket(i));
    const msg = handoverMessage(
      handover,
      { tickets: { list, total: 120 }, unassigned: { list, total: 60 }, visits: { list: Array.from({ length: 15 }, (_, i) => visit(i)), total: 40 }, breaches: list, patrols: { list: Array.from({ length: 15 }, (_, i) => patrol(i)), total: 30 }, note: { id: 1, rotation: 'primary', handoverAt: now, author: 'U0ALICE', text: '<@U0SAM> <!here>\n'.repeat(200), createdAt: now, updatedAt: now }, shiftStart: new Date(now.getTime() - 12 * 3_600_000) },
      now,
      tr,
      { remind: 15, escalate: 30 },
    );
    expect(validateMessageBlocks(msg.blocks)).toEqual([]);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const body = JSON.stringify(msg.blocks);
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('<!here>');
    expect(body).not.toContain('<@U0SAM>');
    expect(body).toContain('…and 105 more');
    expect(body).toContain('Unassigned open tickets (60)');
    expect(body).toContain('…and 45 more');
    expect(body).toContain(`customer expects <!date^${Math.floor((now.getTime() + 1_800_000) / 1000)}^`);
    expect(body).toContain('breached');
    expect(body).toContain('Patrols during the shift (30)');
    expect(body).toContain('40 abnormal → OPS-2026-2000, OPS-2026-2001');
    expect(body).toContain('…and 15 more');
  });

  it('says when an abnormal patrol item has no ticket yet, and when no patrol fell in the shift', () => {
    const interrupted: SnapshotPatrolRun = { ...patrol(1), outcome: 'on_time', abnormal: 1, ticketKeys: [] };
    const msg = handoverMessage(handover, { tickets: { list: [], total: 0 }, breaches: [], patrols: { list: [interrupted], total: 1 }, shiftStart: now }, now, tr, { remind: 15, escalate: 30 });
    expect(JSON.stringify(msg.blocks)).toContain('submitted on time');
    expect(JSON.stringify(msg.blocks)).toContain('1 abnormal → ticket not opened yet');
    const none = handoverMessage(handover, { tickets: { list: [], total: 0 }, breaches: [], patrols: { list: [], total: 0 }, shiftStart: now }, now, translator('zh-CN'), { remind: 15, escalate: 30 });
    expect(JSON.stringify(none.blocks)).toContain('本班巡检（0）');
    expect(JSON.stringify(none.blocks)).toContain('本班没有安排巡检。');
    // The first shift of a rotation has no outgoing shift, so no patrol part at all.
    const first = handoverMessage({ ...handover, outgoing: null }, { tickets: { list: [], total: 0 }, breaches: [] }, now, tr, { remind: 15, escalate: 30 });
    expect(JSON.stringify(first.blocks)).not.toContain('Patrols during the shift');
  });

  it('drops the button and the rules line once acknowledged', () => {
    const msg = handoverMessage(handover, { tickets: { list: [], total: 0 }, breaches: [], shiftStart: now }, now, tr, { remind: 15, escalate: 30 });
    const acked = acknowledgedMessage(msg, { ...handover, acknowledgedAt: now, acknowledgedBy: 'U0BOB', checkedInAt: now }, tr);
    const body = JSON.stringify(acked.blocks);
    expect(body).not.toContain('oncall.handover.ack');
    expect(body).not.toContain('please acknowledge');
    expect(body).toContain('Acknowledged by <@U0BOB>');
    expect(validateMessageBlocks(acked.blocks)).toEqual([]);
  });

  it('offers at most 100 shifts in the swap form and stays within the modal limits', () => {
    const r: Rotation = { name: 'busy', members: ['U0A', 'U0B'], handover: [0, 240, 480, 720, 960, 1200], start: '2026-11-01', zone: 'Asia/Shanghai', reminderBeforeMinutes: 60, ackReminderAfterMinutes: 15, ackEscalateAfterMinutes: 30, pageTimeoutMinutes: 5 };
    const shifts = shiftsBetween(r, now, new Date(now.getTime() + 14 * 86_400_000)).slice(0, 100);
    const view = swapModal({ rotations: [r], rotation: r, shifts, supervisor: true, privateMetadata: '{}' }, tr);
    expect(validateView(view)).toEqual([]);
    expect(shiftLabel(shifts[0]!, r.zone, translator('zh-CN'))).toMatch(/^周三 11-25 20:00–00:00 \+1$/);
  });

  it('cuts long lists into sections Slack accepts', () => {
    const chunks = chunkLines(Array.from({ length: 100 }, () => 'x'.repeat(200)));
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2900);
  });
});
