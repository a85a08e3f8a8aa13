// The handover (值班交接): shift reminders, the outgoing engineer's note, the thread's snapshot against
// seeded tickets, visit orders and patrol runs, acknowledgement (and its refusal), moving tickets, and the
// reminder and escalation — each once even when the jobs run twice for the same slot.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { changes } from '../../src/modules/changes/changes.table.js';
import type { ChangeState } from '../../src/modules/changes/changes.rules.js';
import { oncallHandovers } from '../../src/modules/oncall/oncall.table.js';
import { openTicket, resolveTicket, takeTicket } from '../../src/modules/tickets/tickets.service.js';
import { ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { patrolItems, patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import type { VisitState } from '../../src/modules/visits/visits.rules.js';
import { visitOrders } from '../../src/modules/visits/visits.table.js';
import { storeName } from '../support/db.js';
import { validateView } from '../support/block-kit.js';
import { ESCALATION, ONCALL, PATROL, SUPPORT, users } from '../support/harness.js';
import type { SlackCall } from '../support/fake-slack.js';
import type { SlackUser } from '../support/slack-client.js';
import { auditRows, carl, click, dmsTo, expectValidBlocks, lastEphemeral, postsIn, repliesIn, runAt, settle, sh, textOf, useOncallHarness } from './support.js';

const dateOf = (local: string) => `<!date^${new Date(sh(local)).getTime() / 1000}^`;
const timeOf = (local: string) => `${dateOf(local)}{time}|`;

describe(`handover threads (${storeName})`, () => {
  const h = useOncallHarness(sh('2026-11-25T09:30:00'));
  const seeded: Record<string, { id: number; key: string }> = {};

  /** Opens a ticket as of a Shanghai local time. */
  const open = async (local: string, title: string, priority: string, by: SlackUser = users.dora) => {
    h.clock.set(sh(local));
    const t = await openTicket(h.opsdesk.services.tickets, { newCustomerName: '上海示例连锁超市', title, category: 'pos', priority }, by.id);
    return { id: t.id, key: t.key };
  };
  const take = async (local: string, t: { id: number }, user: SlackUser) => {
    h.clock.set(sh(local));
    await takeTicket(h.opsdesk.services.tickets, t.id, user.id);
  };

  beforeAll(async () => {
    // Alice is on call 25 Nov 09:00–21:00, bob 21:00–09:00, carl from 26 Nov 09:00.
    seeded.ok = await open('2026-11-25T10:00:00', 'Printer jam at store 12', 'P3');
    await take('2026-11-25T10:05:00', seeded.ok, users.alice);
    seeded.breached = await open('2026-11-25T12:00:00', 'POS offline at store 3', 'P2');
    seeded.atRisk = await open('2026-11-25T14:00:00', 'Points sync failing', 'P2');
    await take('2026-11-25T14:10:00', seeded.atRisk, users.alice);
    seeded.bobs = await open('2026-11-25T15:00:00', '<!channel> please look', 'P3');
    await take('2026-11-25T15:05:00', seeded.bobs, users.bob);
    seeded.resolved = await open('2026-11-25T16:00:00', 'Password reset', 'P4');
    await take('2026-11-25T16:05:00', seeded.resolved, users.bob);
    h.clock.set(sh('2026-11-25T16:30:00'));
    await resolveTicket(h.opsdesk.services.tickets, seeded.resolved.id, users.bob.id, { cause: 'forgot', fix: 'reset', faultCategory: 'account' });
    const [t] = await h.store.db.select().from(tickets).where(eq(tickets.id, seeded.atRisk.id));
    const visit = (key: string, state: VisitState, engineer: string) => ({
      key, ticketId: t!.id, customerId: t!.customerId, address: '上海市徐汇区 1 号', contactName: '王经理', contactPhone: '13812345678', need: 'replace the POS printer',
      requestedStart: new Date(sh('2026-11-26T10:00:00')), requestedEnd: new Date(sh('2026-11-26T12:00:00')), windowStart: new Date(sh('2026-11-26T10:00:00')), windowEnd: new Date(sh('2026-11-26T12:00:00')),
      state, engineer, createdBy: users.dora.id, createdAt: new Date(sh('2026-11-25T14:30:00')), updatedAt: new Date(sh('2026-11-25T14:30:00')),
    });
    await h.store.db.insert(visitOrders).values([
      visit('VO-2026-1', 'scheduled', carl.id),
      visit('VO-2026-2', 'archived', users.bob.id),
      visit('VO-2026-3', 'completed', users.alice.id), // waiting for the customer's sign-off
      visit('VO-2026-4', 'confirmed', users.bob.id), // waiting to be archived
      visit('VO-2026-5', 'cancelled', carl.id),
    ]);
    // Patrol runs around alice's shift (25 Nov 09:00–21:00); abnormal items opened tickets that were dealt with.
    const patrolTickets = [await open('2026-11-25T17:45:00', 'Patrol: firewall HA link down', 'P3', users.alice), await open('2026-11-25T17:45:00', 'Patrol: UPS battery alarm', 'P3', users.alice)];
    seeded.firewall = patrolTickets[0]!;
    seeded.ups = patrolTickets[1]!;
    for (const t of patrolTickets) await take('2026-11-25T17:50:00', t, users.alice);
    h.clock.set(sh('2026-11-25T18:00:00'));
    for (const t of patrolTickets) await resolveTicket(h.opsdesk.services.tickets, t.id, users.alice.id, { cause: 'patrol finding', fix: 'fixed on site', faultCategory: 'network' });
    const run = (checklist: string, slot: string, deadline: string, submitted: string | null, claimed = true) => ({
      checklist, slotAt: new Date(sh(slot)), runDate: slot.slice(0, 10), deadlineAt: new Date(sh(deadline)), escalateAt: new Date(new Date(sh(deadline)).getTime() + 3_600_000),
      channel: PATROL, state: submitted ? ('submitted' as const) : claimed ? ('claimed' as const) : ('open' as const), claimedBy: claimed ? users.alice.id : null, claimedAt: claimed ? new Date(sh(slot)) : null,
      submittedBy: submitted ? users.alice.id : null, submittedAt: submitted ? new Date(sh(submitted)) : null, createdAt: new Date(sh(slot)),
    });
    const runs = await h.store.db.insert(patrolRuns).values([
      run('night-backups', '2026-11-25T08:30:00', '2026-11-25T09:30:00', null, false), // bob's shift before: not alice's
      run('network-devices', '2026-11-25T09:00:00', '2026-11-25T10:30:00', '2026-11-25T10:15:00'), // on time, all OK
      run('security-devices', '2026-11-25T16:45:00', '2026-11-25T17:30:00', '2026-11-25T17:45:00'), // late, two abnormal
      run('backups', '2026-11-25T20:00:00', '2026-11-25T22:00:00', null), // not submitted at handover
      run('applications', '2026-11-25T21:00:00', '2026-11-25T22:00:00', null, false), // bob's shift
    ]).returning();
    const item = (runId: number, position: number, status: 'ok' | 'abnormal' | 'pending', ticketId: number | null = null) => ({ runId, position, label: `item ${position}`, status, ticketId, note: status === 'abnormal' ? 'alarm' : null });
    const [, network, security, backups] = runs;
    await h.store.db.insert(patrolItems).values([
      item(network!.id, 1, 'ok'), item(network!.id, 2, 'ok'),
      item(security!.id, 1, 'abnormal', patrolTickets[0]!.id), item(security!.id, 2, 'ok'), item(security!.id, 3, 'abnormal', patrolTickets[1]!.id),
      item(backups!.id, 1, 'pending'),
    ]);
    // Change requests around bob's coming shift (25 Nov 21:00 – 26 Nov 09:00).
    const change = (key: string, title: string, start: string, end: string, state: ChangeState, emergency = false) => ({
      key, title, systems: ['core-switch'], systemKeys: ['core-switch'], description: 'd', reason: 'r', risk: 'medium' as const, impact: 'i', testEvidence: 't', plan: 'p', rollbackPlan: 'rb',
      windowStart: new Date(sh(start)), windowEnd: new Date(sh(end)), requester: users.dora.id, implementer: carl.id, state, emergency,
      slackChannel: 'C0CHANGES', slackTs: '1700000000.000100', createdAt: new Date(sh('2026-11-24T10:00:00')), updatedAt: new Date(sh('2026-11-24T10:00:00')),
    });
    await h.store.db.insert(changes).values([
      change('CHG-2026-1', 'Firmware <b> upgrade', '2026-11-26T01:00:00', '2026-11-26T03:00:00', 'scheduled'), // in bob's shift
      change('CHG-2026-2', 'Overnight DB patch', '2026-11-25T20:00:00', '2026-11-25T22:00:00', 'implementing', true), // crosses the handover
      change('CHG-2026-3', 'Store Wi-Fi swap', '2026-11-26T10:00:00', '2026-11-26T12:00:00', 'approved'), // carl's shift: not listed
      change('CHG-2026-4', 'Ends at the handover', '2026-11-25T19:00:00', '2026-11-25T21:00:00', 'implementing'), // touches the shift: not listed
      change('CHG-2026-5', 'Cancelled in the shift', '2026-11-26T02:00:00', '2026-11-26T04:00:00', 'cancelled'), // closed: not listed
    ]);
    await settle(h);
  });
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('reminds the incoming engineer an hour before the shift, and the outgoing one with Add handover note', async () => {
    await runAt(h, 'oncall-watch', '2026-11-25T19:59:00');
    expect(dmsTo(h, users.bob)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T20:00:00');
    await runAt(h, 'oncall-watch', '2026-11-25T20:01:00');
    const incoming = dmsTo(h, users.bob);
    expect(incoming).toHaveLength(1);
    expect(textOf(incoming[0]!)).toContain(`Your on-call shift in *primary* starts ${dateOf('2026-11-25T21:00:00')}`);
    expect(textOf(incoming[0]!)).toContain(`<@${users.alice.id}> hands over to you`);
    expect(textOf(incoming[0]!)).not.toContain('oncall.note.add');
    const outgoing = dmsTo(h, users.alice);
    expect(outgoing).toHaveLength(1);
    expect(textOf(outgoing[0]!)).toContain('oncall.note.add');
    expectValidBlocks([...incoming, ...outgoing]);
    // Only the outgoing engineer may use the note button.
    await click(h, users.bob, outgoing[0]!, 'oncall.note.add');
    expect(lastEphemeral(h)).toMatch(/Only the outgoing engineer/);
    expect(await auditRows(h, 'oncall.note', 'refused')).toHaveLength(1);
    await click(h, users.alice, outgoing[0]!, 'oncall.note.add');
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe('oncall.note');
    expect(JSON.stringify(view.blocks)).toContain(dateOf('2026-11-25T21:00:00'));
  });

  it('saves the note of the outgoing engineer, refusing an empty one with a field error', async () => {
    h.clock.set(sh('2026-11-25T20:30:00'));
    await h.requester.command('/oncall', 'note', users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    const submit = (text: string) => h.requester.viewSubmission({ user: users.alice, callbackId: 'oncall.note', privateMetadata: view.private_metadata, values: { note: { value: { type: 'plain_text_input', value: text } } } });
    const empty = await submit('   ');
    expect(empty.json).toEqual({ response_action: 'errors', errors: { note: 'This field is required.' } });
    const ok = await submit('<!here> core switch in store 3 flapped twice;\nwatch OPS ticket on POS');
    expect(ok.status).toBe(200);
    await settle(h);
    // Someone not on call has no note to write.
    await h.requester.command('/oncall', 'note', carl, { channelId: SUPPORT });
    await h.opsdesk.idle();
    expect(lastEphemeral(h)).toMatch(/not on call now/);
  });

  it('opens one handover thread at the handover time with the snapshot, however often the job runs', async () => {
    expect(await runAt(h, 'oncall-handover', '2026-11-25T21:00:00')).toEqual({ opened: 1, existing: 0, skipped: 1 });
    expect(await runAt(h, 'oncall-handover', '2026-11-25T21:00:00')).toEqual({ opened: 0, existing: 1, skipped: 1 });
    await runAt(h, 'oncall-watch', '2026-11-25T21:01:00');
    const posts = postsIn(h, ONCALL);
    expect(posts).toHaveLength(1);
    expectValidBlocks(posts);
    const body = textOf(posts[0]!);
    expect(body).toContain(`<@${users.alice.id}> hands over to <@${users.bob.id}>`);
    expect(body).toContain(`<@${users.alice.id}> checked out at ${dateOf('2026-11-25T21:00:00')}`);
    expect(body).toContain('Open tickets (4)');
    const line = (key: string) => body.split('\\n').find((l) => l.includes(`*${key}*`)) ?? '';
    expect(line(seeded.ok!.key)).toContain(`<@${users.alice.id}>`);
    expect(line(seeded.ok!.key)).toContain('on track');
    expect(line(seeded.breached!.key)).toContain('unassigned');
    expect(line(seeded.breached!.key)).toContain('breached');
    expect(line(seeded.atRisk!.key)).toContain('at risk');
    expect(line(seeded.bobs!.key)).toContain('&lt;!channel&gt; please look');
    expect(body).not.toContain(`*${seeded.resolved!.key}*`);
    // Each ticket with the customer's expected time (opened by the service: the SLA's, P3 24 h after 10:00).
    expect(line(seeded.ok!.key)).toContain(`customer expects ${dateOf('2026-11-26T10:00:00')}`);
    // Open tickets nobody holds, in a section of their own with their SLA state.
    const unassigned = body.slice(body.indexOf('Unassigned open tickets (1)'));
    expect(unassigned).not.toBe('');
    expect(unassigned.split('\\n')[1]).toContain(`*${seeded.breached!.key}*`);
    expect(unassigned.split('\\n')[1]).toContain('breached');
    expect(unassigned.indexOf('Visit orders under way')).toBeGreaterThan(0);
    // Under way as the visits module counts it: completed orders waiting for sign-off and confirmed ones waiting for archive too.
    expect(body).toContain('Visit orders under way (3)');
    expect(body).toContain('*VO-2026-1*');
    expect(body).toContain(`scheduled · <@${carl.id}>`);
    expect(line('VO-2026-3')).toContain(`completed, waiting for the customer's sign-off · <@${users.alice.id}>`);
    expect(line('VO-2026-4')).toContain(`confirmed by the customer, to be archived · <@${users.bob.id}>`);
    expect(body).not.toContain('VO-2026-2');
    expect(body).not.toContain('VO-2026-5');
    // Patrols whose slot fell in alice's shift [09:00, 21:00), oldest first, as they stood at handover.
    expect(body).toContain('Patrols during the shift (3)');
    const patrolLine = (name: string) => body.split('\\n').find((l) => l.includes(`*${name}*`)) ?? '';
    expect(patrolLine('network-devices')).toContain(`${dateOf('2026-11-25T09:00:00')}`);
    expect(patrolLine('network-devices')).toContain(`:white_check_mark: submitted on time (${timeOf('2026-11-25T10:15:00')}`);
    expect(patrolLine('network-devices')).toContain('nothing abnormal');
    expect(patrolLine('security-devices')).toContain(`:hourglass: submitted late (${timeOf('2026-11-25T17:45:00')}`);
    expect(patrolLine('security-devices')).toContain(`2 abnormal → ${seeded.firewall!.key}, ${seeded.ups!.key}`);
    expect(patrolLine('backups')).toContain(`:x: not submitted (deadline ${timeOf('2026-11-25T22:00:00')}`);
    expect(patrolLine('backups')).not.toContain('abnormal');
    expect(body.indexOf('*network-devices*')).toBeLessThan(body.indexOf('*security-devices*'));
    expect(body.indexOf('*security-devices*')).toBeLessThan(body.indexOf('*backups*'));
    expect(body).not.toContain('night-backups');
    expect(body).not.toContain('*applications*');
    // The patrol tickets were resolved in the shift: not open, not breached.
    expect(body).not.toContain(`*${seeded.firewall!.key}* Patrol`);
    expect(body).toContain('Breaches during the shift (1)');
    expect(body).toMatch(new RegExp(`\\*${seeded.breached!.key}\\*[^\\\\]*response due`));
    expect(body).toContain(`Note from <@${users.alice.id}>`);
    expect(body).toContain('&lt;!here&gt; core switch');
    expect(body).not.toContain('<!here>');
    // Open changes whose window overlaps bob's coming shift [21:00, 09:00), earliest first, linked to their messages.
    expect(body).toContain('Changes in the coming shift (2)');
    const changeLine = (key: string) => body.split('\\n').find((l) => l.includes(`|${key}>`)) ?? '';
    expect(changeLine('CHG-2026-1')).toContain('Firmware &lt;b&gt; upgrade');
    expect(changeLine('CHG-2026-1')).toContain(`Scheduled · ${dateOf('2026-11-26T01:00:00')}`);
    expect(changeLine('CHG-2026-1')).toContain(`carried out by <@${carl.id}>`);
    expect(changeLine('CHG-2026-2')).toContain(':rotating_light: emergency · Implementing');
    expect(body.indexOf('|CHG-2026-2>')).toBeLessThan(body.indexOf('|CHG-2026-1>'));
    for (const key of ['CHG-2026-3', 'CHG-2026-4', 'CHG-2026-5']) expect(body).not.toContain(key);
    expect(body).toContain('oncall.handover.ack');
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.rotation, 'primary'));
    expect(row).toMatchObject({ outgoing: users.alice.id, incoming: users.bob.id, checkedOutAt: new Date(sh('2026-11-25T21:00:00')), acknowledgedAt: null });
    expect(row!.snapshot).toEqual({ tickets: 4, unassigned: 1, visits: 3, breaches: 1, patrols: 3, changes: 2, note: 1 });
  });

  it('refuses the acknowledgement of anyone but the incoming engineer or a supervisor, and audits it', async () => {
    const post = await threadPost();
    for (const who of [carl, users.alice, users.olga]) {
      await click(h, who, post, 'oncall.handover.ack');
      expect(lastEphemeral(h)).toBe(`Only <@${users.bob.id}> (the incoming engineer) or a supervisor can acknowledge this handover.`);
    }
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect((await auditRows(h, 'oncall.handover.ack', 'refused')).map((r) => r.actor)).toEqual([carl.id, users.alice.id, users.olga.id]);
  });

  it("records the incoming engineer's check-in and moves the outgoing engineer's open tickets on request", async () => {
    const post = await threadPost();
    h.clock.set(sh('2026-11-25T21:05:00'));
    await click(h, users.bob, post, 'oncall.handover.ack');
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain(`Move <@${users.alice.id}>'s 2 open ticket(s) to <@${users.bob.id}>`);
    const res = await h.requester.viewSubmission({
      user: users.bob,
      callbackId: 'oncall.ack',
      privateMetadata: view.private_metadata,
      values: { move: { value: { type: 'checkboxes', selected_options: [{ value: 'move' }] } } },
    });
    expect(res.status).toBe(200);
    await settle(h);
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.rotation, 'primary'));
    expect(row).toMatchObject({ acknowledgedBy: users.bob.id, checkedInAt: new Date(sh('2026-11-25T21:05:00')), ticketsMoved: 2 });
    for (const t of [seeded.ok!, seeded.atRisk!]) {
      const [moved] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
      expect(moved!.assignee).toBe(users.bob.id);
      const events = await h.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.kind, 'assign')));
      expect(events).toHaveLength(1);
    }
    const [untouched] = await h.store.db.select().from(tickets).where(eq(tickets.id, seeded.breached!.id));
    expect(untouched!.assignee).toBeNull();
    const replies = repliesIn(h, ONCALL).map((c) => textOf(c));
    expect(replies.some((t) => t.includes(`Acknowledged by <@${users.bob.id}>`) && t.includes('checked in at'))).toBe(true);
    expect(replies.some((t) => t.includes(`Moved 2 open ticket(s) from <@${users.alice.id}> to <@${users.bob.id}>`) && t.includes(seeded.ok!.key))).toBe(true);
    const updated = h.slack.callsTo('chat.update').find((c) => c.args.ts === post.response.ts)!;
    expect(JSON.stringify(updated.args.blocks)).not.toContain('oncall.handover.ack');
    expect(JSON.stringify(updated.args.blocks)).toContain('Acknowledged by');
    expect(await auditRows(h, 'oncall.handover.ack', 'ok')).toHaveLength(1);
    // Pressing it again changes nothing.
    await click(h, users.bob, post, 'oncall.handover.ack');
    expect(lastEphemeral(h)).toBe(`This handover was already acknowledged by <@${users.bob.id}>.`);
    // And an acknowledged handover is neither reminded nor escalated.
    await runAt(h, 'oncall-watch', '2026-11-25T21:20:00');
    await runAt(h, 'oncall-watch', '2026-11-25T21:40:00');
    expect(postsIn(h, ESCALATION)).toHaveLength(0);
  });

  it('reminds the incoming engineer after 15 minutes and escalates after 30, each once even when the jobs run twice', async () => {
    await runAt(h, 'oncall-handover', '2026-11-26T09:00:00');
    await runAt(h, 'oncall-handover', '2026-11-26T09:00:00');
    expect(postsIn(h, ONCALL)).toHaveLength(1);
    await runAt(h, 'oncall-watch', '2026-11-26T09:14:00');
    const reminders = () => dmsTo(h, carl).filter((c) => textOf(c).includes('Please acknowledge'));
    expect(reminders()).toHaveLength(0);
    expect(postsIn(h, ESCALATION)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-26T09:15:00');
    await runAt(h, 'oncall-watch', '2026-11-26T09:15:00');
    await runAt(h, 'oncall-watch', '2026-11-26T09:20:00');
    expect(reminders()).toHaveLength(1);
    expect(textOf(reminders()[0]!)).toContain('oncall.handover.ack');
    expect(postsIn(h, ESCALATION).filter((c) => textOf(c).includes('*primary*'))).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-26T09:30:00');
    await runAt(h, 'oncall-watch', '2026-11-26T09:30:00');
    await runAt(h, 'oncall-watch', '2026-11-26T09:45:00');
    // (The one-member network rotation's own 08:00 handover is escalated too; look at primary's.)
    const escalations = postsIn(h, ESCALATION).filter((c) => textOf(c).includes('*primary*'));
    expect(escalations).toHaveLength(1);
    expect(textOf(escalations[0]!)).toContain(`not acknowledged by <@${carl.id}> after 30 min. <@${users.sam.id}>`);
    expect(repliesIn(h, ONCALL).filter((c) => textOf(c).includes('not acknowledged'))).toHaveLength(1);
    expect(reminders()).toHaveLength(1);
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.handoverAt, new Date(sh('2026-11-26T09:00:00'))));
    expect(row).toMatchObject({ outgoing: users.bob.id, incoming: carl.id, remindedAt: new Date(sh('2026-11-26T09:15:00')), escalatedAt: new Date(sh('2026-11-26T09:30:00')) });
  });

  it('lets a supervisor acknowledge on behalf of the incoming engineer without recording a check-in', async () => {
    const post = await threadPost('2026-11-26T09:00:00');
    h.clock.set(sh('2026-11-26T09:50:00'));
    await click(h, users.sam, post, 'oncall.handover.ack');
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(JSON.stringify(view.blocks)).toContain('on behalf of');
    await h.requester.viewSubmission({ user: users.sam, callbackId: 'oncall.ack', privateMetadata: view.private_metadata, values: {} });
    await settle(h);
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.handoverAt, new Date(sh('2026-11-26T09:00:00'))));
    expect(row).toMatchObject({ acknowledgedBy: users.sam.id, checkedInAt: null, ticketsMoved: null });
  });

  /** The delivered post of the handover thread at a handover time (as the fake Slack stored it). */
  async function threadPost(local = '2026-11-25T21:00:00') {
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.handoverAt, new Date(sh(local))));
    const stored = [...h.slack.messages.values()].find((m) => m.channel === ONCALL && !m.thread_ts && JSON.stringify(m.blocks).includes(`{\\"id\\":${row!.id}}`))!;
    return { method: 'chat.postMessage', args: { channel: ONCALL, blocks: stored.blocks, text: stored.text }, response: { channel: ONCALL, ts: stored.ts }, at: 0, status: 200 } as SlackCall;
  }
});
