// Patrols end to end (SPEC §3.4): the real app over HTTP, the fake Slack, an injected clock.
import { beforeEach, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { claimSlot, runJob } from '../../src/jobs/runner.js';
import { patrolItems, patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import { findItemByTicket } from '../../src/modules/patrols/patrols.store.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { storeName } from '../support/db.js';
import { ESCALATION, PATROL, SUPPORT, useHarness, users } from '../support/harness.js';
import { click, ITEMS, itemsOf, job, patrolPosts, patrolYaml, resultValues, runOf, settle, submitResults } from './support.js';

const MORNING = '2026-11-25T00:30:00.000Z'; // 08:30 in Shanghai
const blocksText = (c: { args: Record<string, any> }) => JSON.stringify(c.args.blocks ?? []) + (c.args.text ?? '');

describe(`patrols end to end (${storeName})`, () => {
  const h = useHarness({ yaml: patrolYaml, now: '2026-11-25T00:00:00Z' });
  beforeEach(() => {
    h.sink.received.length = 0;
  });

  it('posts the run at its slot with the date, deadline, every item and Claim — once, however often the job runs', async () => {
    expect(await job(h, 'patrol', MORNING, { name: 'morning' })).toEqual({ posted: 1, already: 0, skipped: 0 });
    expect(await job(h, 'patrol', '2026-11-25T00:30:20Z', { name: 'morning' })).toEqual({ posted: 0, already: 1, skipped: 0 });
    const posts = patrolPosts(h);
    expect(posts).toHaveLength(1);
    const text = blocksText(posts[0]!);
    expect(text).toContain('Patrol · morning · 2026-11-25');
    for (const item of ITEMS) expect(text).toContain(item);
    expect(text).toContain(`<!date^${Date.parse('2026-11-25T03:00:00Z') / 1000}^`); // deadline 11:00 Shanghai
    expect(posts[0]!.args.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id)).toEqual(['patrol.claim']);
    const run = await runOf(h, 'morning', MORNING);
    expect(run).toMatchObject({ state: 'open', runDate: '2026-11-25', channel: PATROL });
    expect((await itemsOf(h, run.id)).map((i) => i.label)).toEqual(ITEMS);
  });

  it('runs a scheduled slot once across two schedulers claiming it', async () => {
    const slot = new Date('2026-11-24T00:30:00Z');
    // What each scheduler does when node-cron fires: run the slot only where the claim was won.
    const scheduler = async () => ((await claimSlot(h.opsdesk.services, 'patrol', slot, { name: 'morning' })) ? runJob(h.opsdesk.services, 'patrol', slot, 'schedule', { name: 'morning' }) : undefined);
    const results = await Promise.all([scheduler(), scheduler()]);
    expect(results.filter((r) => r?.outcome === 'ok')).toHaveLength(1);
    const [n] = await h.store.db.select({ n: count() }).from(patrolRuns).where(eq(patrolRuns.slotAt, slot));
    expect(n!.n).toBe(1);
  });

  it('without --name posts only the checklists whose schedule fires at that minute', async () => {
    expect(await job(h, 'patrol', '2026-11-25T05:00:00Z')).toEqual({ posted: 0, already: 0, skipped: 0 }); // 13:00: nothing is due
    expect(await job(h, 'patrol', '2026-11-25T12:00:00Z')).toEqual({ posted: 1, already: 0, skipped: 0 }); // 20:00 on a Wednesday: evening
    expect(await job(h, 'patrol', MORNING)).toEqual({ posted: 0, already: 1, skipped: 0 });
    const failed = await runJob(h.opsdesk.services, 'patrol', new Date(MORNING), 'manual', { name: 'noon' });
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect((failed as { error: string }).error).toBe('There is no patrol checklist "noon". Checklists: morning, evening. Use one of these names, or add the checklist under `patrols` in opsdesk.yml.');
  });

  it('lets one engineer claim; a second claimer hears who has it and a non-engineer is refused and audited', async () => {
    h.clock.set('2026-11-25T01:00:00Z');
    const run = await runOf(h, 'morning', MORNING);
    await click(h, users.olga, 'patrol.claim', run.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(h.sink.received.at(-1).text).toBe('Only engineers can claim the morning patrol.');
    const refusals = await h.store.db.select().from(auditLog).where(and(eq(auditLog.subject, `patrol:${run.id}`), eq(auditLog.outcome, 'refused')));
    expect(refusals.map((r) => r.action)).toEqual(['patrol.claim']);

    await click(h, users.bob, 'patrol.claim', run.id);
    expect(await runOf(h, 'morning', MORNING)).toMatchObject({ state: 'claimed', claimedBy: users.bob.id });
    const update = h.slack.callsTo('chat.update').at(-1)!;
    expect(blocksText(update)).toContain(`Claimed by <@${users.bob.id}>`);
    expect(update.args.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id)).toEqual(['patrol.record']);

    await click(h, users.alice, 'patrol.claim', run.id, run.version);
    await h.sink.waitFor((r) => r.length >= 2);
    expect(h.sink.received.at(-1).text).toBe(`The morning patrol of 2026-11-25 is already claimed by <@${users.bob.id}>.`);
    await click(h, users.bob, 'patrol.claim', run.id, run.version); // a double click
    await h.sink.waitFor((r) => r.length >= 3);
    expect(h.sink.received.at(-1).text).toBe('You have already claimed the morning patrol of 2026-11-25.');
    expect(await runOf(h, 'morning', MORNING)).toMatchObject({ claimedBy: users.bob.id, version: run.version + 1 });
  });

  it('lets only the claimer open the results form', async () => {
    const run = await runOf(h, 'morning', MORNING);
    const opened = h.slack.callsTo('views.open').length;
    await click(h, users.alice, 'patrol.record', run.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(h.sink.received.at(-1).text).toBe(`Only <@${users.bob.id}>, who claimed the morning patrol, can record its results.`);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    const refusals = await h.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'patrol.submit'), eq(auditLog.actor, users.alice.id)));
    expect(refusals).toHaveLength(1);

    await click(h, users.bob, 'patrol.record', run.id);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe('patrol.submit');
    expect(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['item_1', 'note_1', 'item_2', 'note_2', 'item_3', 'note_3', 'item_4', 'note_4', 'run_note']);
  });

  it('refuses an incomplete submission with field errors and changes nothing', async () => {
    const run = await runOf(h, 'morning', MORNING);
    const outboxBefore = (await h.store.db.select({ n: count() }).from(outbox))[0]!.n;
    const res = await submitResults(h, users.bob, resultValues({ 1: { status: 'ok' }, 2: { status: 'abnormal' }, 3: {}, 4: { status: 'ok' } }));
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { note_2: 'Say what is abnormal: a note is required for an abnormal item.', item_3: 'Choose OK or Abnormal.' },
    });
    expect(await runOf(h, 'morning', MORNING)).toMatchObject({ state: 'claimed', version: run.version });
    expect((await itemsOf(h, run.id)).every((i) => i.status === 'pending')).toBe(true);
    expect((await h.store.db.select({ n: count() }).from(outbox))[0]!.n).toBe(outboxBefore);
  });

  it('opens a ticket for every abnormal item in the support channel, linked both ways', async () => {
    h.clock.set('2026-11-25T02:40:00Z'); // 10:40, before the deadline
    const run = await runOf(h, 'morning', MORNING);
    const values = resultValues({ 1: { status: 'ok' }, 2: { status: 'abnormal', note: 'CPU 95% <!channel>' }, 3: { status: 'ok', note: 'fine' }, 4: { status: 'ok' } }, 'all done');
    const res = await submitResults(h, users.bob, values, 'VPATROLSUBMIT1');
    expect(res.text).toBe('');
    await settle(h);

    const submitted = await runOf(h, 'morning', MORNING);
    expect(submitted).toMatchObject({ state: 'submitted', submittedBy: users.bob.id, note: 'all done' });
    expect(submitted.submittedAt!.toISOString()).toBe('2026-11-25T02:40:00.000Z');
    const items = await itemsOf(h, run.id);
    expect(items.map((i) => i.status)).toEqual(['ok', 'abnormal', 'ok', 'ok']);
    expect(items[1]!.ticketId).not.toBeNull();
    expect(items.filter((i) => i.ticketId !== null)).toHaveLength(1);

    // The ticket: category and priority from the checklist, in the support channel, pointing back.
    const [ticket] = await h.store.db.select().from(tickets).where(eq(tickets.id, items[1]!.ticketId!));
    expect(ticket).toMatchObject({ category: 'network', priority: 'P2', slackChannel: SUPPORT, createdBy: users.bob.id, originChannel: PATROL, requestKey: `patrol-item:${items[1]!.id}` });
    expect(ticket!.title).toBe('Patrol morning: 防火墙告警');
    // Nobody asked a customer: the patrol's ticket takes the SLA's resolution due time as the expected time.
    expect(ticket!.expectedAt).toEqual(ticket!.resolutionDueAt);
    expect(ticket!.description).toContain('CPU 95% <!channel>');
    expect(ticket!.description).toContain('morning patrol of 2026-11-25, item 2');
    const patrolPost = patrolPosts(h).find((c) => blocksText(c).includes('2026-11-25') && blocksText(c).includes('morning'))!;
    expect(ticket!.originMessageTs).toBe(patrolPost.response.ts);
    expect(ticket!.description).toContain(`https://slack.com/archives/${PATROL}/p${patrolPost.response.ts.replace('.', '')}`);
    const back = await findItemByTicket(h.store.db, ticket!.id);
    expect(back).toMatchObject({ item: { position: 2, label: '防火墙告警' }, run: { id: run.id, checklist: 'morning' } });
    const ticketPost = h.slack.posted().find((c) => c.args.channel === SUPPORT && blocksText(c).includes(ticket!.key))!;
    expect(blocksText(ticketPost)).not.toContain('<!channel>'); // escaped

    // The patrol side: the message shows the ticket, and the thread says so.
    const update = h.slack.callsTo('chat.update').filter((c) => c.args.ts === patrolPost.response.ts).at(-1)!;
    expect(blocksText(update)).toContain(`→ ${ticket!.key}`);
    expect(blocksText(update)).toContain('Submitted on time');
    expect(update.args.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    const replies = h.slack.posted().filter((c) => c.args.thread_ts === patrolPost.response.ts).map((c) => c.args.text);
    expect(replies).toContain(`<@${users.bob.id}> submitted the patrol: 3 OK, 1 abnormal.`);
    expect(replies.some((t: string) => t.includes(ticket!.key) && t.includes('防火墙告警'))).toBe(true);
  });

  it('changes nothing on a second submission of the form and opens no second ticket', async () => {
    const before = (await h.store.db.select({ n: count() }).from(tickets))[0]!.n;
    await submitResults(h, users.bob, resultValues({ 1: { status: 'abnormal', note: 'x' }, 2: { status: 'ok' }, 3: { status: 'ok' }, 4: { status: 'ok' } }), 'VPATROLSUBMIT1');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral'));
    expect(h.slack.callsTo('chat.postEphemeral').at(-1)!.args).toMatchObject({ user: users.bob.id, text: 'The morning patrol of 2026-11-25 has already been submitted.' });
    expect((await h.store.db.select({ n: count() }).from(tickets))[0]!.n).toBe(before);
    const run = await runOf(h, 'morning', MORNING);
    expect((await itemsOf(h, run.id)).map((i) => i.status)).toEqual(['ok', 'abnormal', 'ok', 'ok']);
  });

  it('reminds the channel of an unclaimed run at its deadline and escalates to the supervisors later, each once', async () => {
    const evening = '2026-11-25T12:00:00.000Z'; // 20:00, deadline 22:00, escalation 30 minutes later
    const run = await runOf(h, 'evening', evening);
    // The run of the 24th (from the scheduler test) was never claimed: its alerts are owed already.
    expect(await job(h, 'patrol-watch', '2026-11-25T13:00:00Z')).toEqual({ reminded: 1, escalated: 1, tickets: 0 });
    expect(await job(h, 'patrol-watch', '2026-11-25T13:59:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 0 });
    expect(await job(h, 'patrol-watch', '2026-11-25T14:00:00Z')).toEqual({ reminded: 1, escalated: 0, tickets: 0 });
    expect(await job(h, 'patrol-watch', '2026-11-25T14:10:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 0 });
    const reminders = h.slack.posted().filter((c) => c.args.channel === PATROL && String(c.args.text).includes('nobody has claimed it') && String(c.args.text).includes('evening'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.args.text).toContain('The evening patrol of 2026-11-25 was due at');

    expect(await job(h, 'patrol-watch', '2026-11-25T14:30:00Z')).toEqual({ reminded: 0, escalated: 1, tickets: 0 });
    expect(await job(h, 'patrol-watch', '2026-11-25T16:00:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 0 });
    const escalations = h.slack.posted().filter((c) => c.args.channel === ESCALATION && String(c.args.text).includes('evening patrol'));
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.args.text).toContain(`<@${users.sam.id}>`);
    expect(escalations[0]!.args.text).toContain('nobody claimed it');
    expect(await runOf(h, 'evening', evening)).toMatchObject({ id: run.id, state: 'open' });
  });

  it('reminds the claimer by DM, and nothing at all once the run is submitted', async () => {
    const slot = '2026-11-26T00:30:00.000Z';
    await job(h, 'patrol', slot, { name: 'morning' });
    const run = await runOf(h, 'morning', slot);
    h.clock.set('2026-11-26T01:00:00Z');
    await click(h, users.alice, 'patrol.claim', run.id);
    expect(await job(h, 'patrol-watch', '2026-11-26T03:00:00Z')).toMatchObject({ reminded: 1, escalated: 0 });
    const dm = h.slack.posted().filter((c) => c.args.channel === h.slack.dmChannelFor(users.alice.id)).at(-1)!;
    expect(dm.args.text).toContain('The morning patrol of 2026-11-26 was due at');
    expect(dm.args.text).toContain('not submitted yet');

    h.clock.set('2026-11-26T03:20:00Z'); // late, but before the escalation at 04:00
    await click(h, users.alice, 'patrol.record', run.id);
    await submitResults(h, users.alice, resultValues({ 1: { status: 'ok' }, 2: { status: 'ok' }, 3: { status: 'ok' }, 4: { status: 'ok' } }));
    expect(await runOf(h, 'morning', slot)).toMatchObject({ state: 'submitted' });
    expect(await job(h, 'patrol-watch', '2026-11-26T05:00:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 0 });
    expect(h.slack.posted().filter((c) => c.args.channel === ESCALATION && String(c.args.text).includes('2026-11-26'))).toHaveLength(0);
  });

  it('finishes a submit interrupted before its tickets were opened, once', async () => {
    const run = await runOf(h, 'morning', '2026-11-26T00:30:00.000Z');
    const [item] = (await itemsOf(h, run.id)).filter((i) => i.position === 3);
    await h.store.db.update(patrolItems).set({ status: 'abnormal', note: 'disk 97%' }).where(eq(patrolItems.id, item!.id));
    expect(await job(h, 'patrol-watch', '2026-11-26T05:01:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 1 });
    expect(await job(h, 'patrol-watch', '2026-11-26T05:02:00Z')).toEqual({ reminded: 0, escalated: 0, tickets: 0 });
    const [linked] = (await itemsOf(h, run.id)).filter((i) => i.position === 3);
    const [ticket] = await h.store.db.select().from(tickets).where(eq(tickets.id, linked!.ticketId!));
    expect(ticket).toMatchObject({ requestKey: `patrol-item:${item!.id}`, createdBy: users.alice.id, title: 'Patrol morning: 服务器磁盘空间' });
    await h.store.db.update(patrolItems).set({ status: 'ok', note: null }).where(eq(patrolItems.id, item!.id)); // as the run was submitted
  });

  it('shows today\'s runs with /patrol', async () => {
    h.clock.set('2026-11-26T06:00:00Z');
    await h.requester.command('/patrol', '', users.alice, { channelId: PATROL });
    await h.sink.waitFor((r) => r.length >= 1);
    const shown = JSON.stringify(h.sink.received.at(-1).blocks);
    expect(shown).toContain('Patrols today (2026-11-26)');
    expect(shown).toContain('*morning*');
    expect(shown).toContain('Submitted late');
    expect(shown).toContain('*evening* — not run yet today');
  });

  it('shows today\'s runs on the Home tab', async () => {
    await h.requester.event({ type: 'app_home_opened', user: users.bob.id, channel: 'D0HOME', tab: 'home', event_ts: '1.000001' });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.publish' && x.args.user_id === users.bob.id));
    const home = JSON.stringify(h.slack.homeViews.get(users.bob.id));
    expect(home).toContain('Patrols today (2026-11-26)');
    expect(home).toContain('*morning* — Submitted');
  });

  it('shows the last runs with completion time and abnormal count with /patrol history', async () => {
    await h.requester.command('/patrol', 'history morning', users.alice, { channelId: PATROL });
    await h.sink.waitFor((r) => r.length >= 1);
    const shown = JSON.stringify(h.sink.received.at(-1).blocks);
    expect(shown).toContain('Patrol history · morning');
    expect(shown).toMatch(/2026-11-26 — Submitted late <!date\^\d+\^[^>]*> · 0 abnormal/);
    expect(shown).toMatch(/2026-11-25 — Submitted on time <!date\^\d+\^[^>]*> · 1 abnormal/);
    expect(shown).toContain('3 runs · 2 submitted · 1 on time');
    expect(shown.indexOf('2026-11-26')).toBeLessThan(shown.indexOf('2026-11-25'));

    await h.requester.command('/patrol', 'history noon', users.alice, { channelId: PATROL });
    await h.sink.waitFor((r) => r.length >= 2);
    expect(h.sink.received.at(-1).text).toBe('There is no patrol checklist "noon". Checklists: morning, evening. Use one of these names, or add the checklist under `patrols` in opsdesk.yml.');
  });

  it('shows exactly the newest 30 runs with /patrol history, newest first, when a checklist has more', async () => {
    // 34 earlier evening runs, 1 October to 3 November (20:00 slots), besides the one of 25 November:
    // submitted on time on even days of the sequence, late on odd ones; every third has an abnormal item.
    const day = (i: number) => new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10);
    for (let i = 0; i < 34; i++) {
      const at = (time: string) => new Date(`${day(i)}T${time}+08:00`);
      const [run] = await h.store.db
        .insert(patrolRuns)
        .values({ checklist: 'evening', slotAt: at('20:00'), runDate: day(i), deadlineAt: at('22:00'), escalateAt: at('22:30'), channel: PATROL, state: 'submitted', claimedBy: users.bob.id, claimedAt: at('20:05'), submittedBy: users.bob.id, submittedAt: at(i % 2 === 0 ? '21:00' : '23:00'), createdAt: at('20:00') })
        .returning();
      await h.store.db.insert(patrolItems).values(['UPS', '机房温度'].map((label, p) => ({ runId: run!.id, position: p + 1, label, status: (p === 0 && i % 3 === 0 ? 'abnormal' : 'ok') as never })));
    }
    const [all] = await h.store.db.select({ n: count() }).from(patrolRuns).where(eq(patrolRuns.checklist, 'evening'));
    expect(all!.n).toBe(35);

    await h.requester.command('/patrol', 'history evening', users.alice, { channelId: PATROL });
    await h.sink.waitFor((r) => r.length >= 1);
    const shown = JSON.stringify(h.sink.received.at(-1).blocks);
    const dates = [...shown.matchAll(/• (\d{4}-\d{2}-\d{2}) — /g)].map((m) => m[1]);
    const expected = ['2026-11-25', ...Array.from({ length: 29 }, (_, k) => day(33 - k))]; // 3 November back to 6 October
    expect(dates).toEqual(expected);
    expect(dates.at(-1)).toBe('2026-10-06');
    for (const older of ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05']) expect(shown).not.toContain(`${older} —`);
    expect(shown).toContain('30 runs · 29 submitted · 14 on time'); // the summary is of the runs shown
    expect(shown).toMatch(/2026-11-03 — Submitted late <!date\^\d+\^[^>]*> · 1 abnormal/); // i = 33
    expect(shown).toMatch(/2026-11-02 — Submitted on time <!date\^\d+\^[^>]*> · 0 abnormal/); // i = 32
  });
});
