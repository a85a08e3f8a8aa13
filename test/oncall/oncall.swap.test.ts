// `/oncall swap`: cover asked and accepted, asked and declined, set by a supervisor without
// acceptance; bad input gets field errors and changes nothing; refusals are explained and audited.
import { beforeEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { oncallOverrides } from '../../src/modules/oncall/oncall.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { storeName } from '../support/db.js';
import { validateView } from '../support/block-kit.js';
import { SUPPORT, users } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';
import { auditRows, carl, click, dmsTo, lastEphemeral, settle, sh, textOf, useOncallHarness } from './support.js';

const ms = (local: string) => String(new Date(sh(local)).getTime());

/** The swap form's values as Slack sends them. */
function swapValues(f: { rotation?: string; shift?: string; cover?: string }) {
  return {
    rotation: { 'oncall.swap.rotation': { type: 'static_select', selected_option: f.rotation ? { value: f.rotation } : null } },
    shift: { value: { type: 'static_select', selected_option: f.shift ? { value: f.shift } : null } },
    cover: { value: { type: 'users_select', selected_user: f.cover ?? null } },
  };
}

describe(`/oncall swap (${storeName})`, () => {
  const h = useOncallHarness(sh('2026-11-25T10:00:00'));
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  const counts = async () => {
    const [o] = await h.store.db.select({ n: count() }).from(oncallOverrides);
    const [q] = await h.store.db.select({ n: count() }).from(outbox);
    return { overrides: o!.n, outbox: q!.n };
  };
  const submit = async (user: SlackUser, f: Parameters<typeof swapValues>[0]) => {
    const res = await h.requester.viewSubmission({ user, callbackId: 'oncall.swap', values: swapValues(f), privateMetadata: JSON.stringify({ channel: SUPPORT }), viewId: `V${Math.random().toString(36).slice(2)}` });
    expect(res.status).toBe(200);
    await settle(h);
    return res;
  };
  const status = async (user = users.alice) => {
    await h.requester.command('/oncall', 'schedule primary', user, { channelId: SUPPORT });
    await h.opsdesk.idle();
    return JSON.stringify(h.sink.received.at(-1).blocks);
  };

  it('opens a form with the rotation, the user\'s own next shift preselected and whoever covers; the rotation refreshes the shifts', async () => {
    await h.requester.command('/oncall', 'swap', carl, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe('oncall.swap');
    const shift = view.blocks.find((b: any) => b.block_id === 'shift');
    expect(shift.element.initial_option.value).toBe(ms('2026-11-26T09:00:00')); // carl's next shift
    expect(shift.element.initial_option.text.text).toBe('Thu 11-26 09:00–21:00');
    expect(view.blocks.find((b: any) => b.block_id === 'rotation').element.initial_option.value).toBe('primary');
    // Choosing another rotation updates the form in place with that rotation's shifts.
    const opened = h.slack.callsTo('views.open').at(-1)!.response.view;
    await h.requester.blockAction({ user: carl, actionId: 'oncall.swap.rotation', selectedOption: { value: 'network' }, view: opened });
    await h.opsdesk.idle();
    const updated = h.slack.callsTo('views.update').at(-1)!.args;
    expect(updated.view_id).toBe(opened.id);
    expect(updated.view.blocks.find((b: any) => b.block_id === 'rotation').element.initial_option.value).toBe('network');
    expect(updated.view.blocks.find((b: any) => b.block_id === 'shift').element.options[0].text.text).toBe('Wed 11-25 08:00–08:00 +1');
  });

  it.each([
    ['no one to cover', { rotation: 'primary', shift: ms('2026-11-26T21:00:00') }, 'cover', 'This field is required.'],
    ['a shift that is over', { rotation: 'primary', shift: ms('2026-11-24T21:00:00'), cover: users.bob.id }, 'shift', 'That shift is already over.'],
    ['a time that is no shift', { rotation: 'primary', shift: ms('2026-11-26T22:00:00'), cover: users.bob.id }, 'shift', 'Choose one of the listed shifts.'],
    ['the person already on call', { rotation: 'primary', shift: ms('2026-11-26T21:00:00'), cover: users.alice.id }, 'cover', 'That person is already on call for this shift.'],
    ['someone outside the team', { rotation: 'primary', shift: ms('2026-11-26T21:00:00'), cover: users.olga.id }, 'cover', 'Only engineers of the team can cover a shift.'],
    ['no rotation', { shift: ms('2026-11-26T21:00:00'), cover: users.bob.id }, 'rotation', 'Choose a rotation.'],
  ])('refuses %s with a field error and changes nothing', async (_name, form, field, message) => {
    const before = await counts();
    const res = await submit(users.alice, form);
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors[field]).toBe(message);
    expect(await counts()).toEqual(before);
  });

  it("refuses cover for someone else's shift, explains it in the form and audits it", async () => {
    const before = await counts();
    const res = await submit(users.alice, { rotation: 'primary', shift: ms('2026-11-25T21:00:00'), cover: carl.id }); // bob's shift
    expect(res.json.errors.shift).toMatch(/only ask cover for your own shifts/);
    expect(await counts()).toEqual(before);
    expect((await auditRows(h, 'oncall.cover.request', 'refused')).map((r) => r.actor)).toContain(users.alice.id);
  });

  it('asks the covering person in a DM; once they accept, the shift is theirs and the requester is told', async () => {
    await submit(users.alice, { rotation: 'primary', shift: ms('2026-11-26T21:00:00'), cover: users.bob.id });
    const [ask] = dmsTo(h, users.bob);
    expect(textOf(ask!)).toContain(`<@${users.alice.id}> asks you to cover their *primary* shift`);
    expect(await status()).not.toContain(`(covering for <@${users.alice.id}>)`);
    // Someone else pressing Accept is refused and audited.
    await click(h, carl, ask!, 'oncall.cover.accept');
    expect(lastEphemeral(h)).toBe(`Only <@${users.bob.id}> can answer this cover request.`);
    expect((await auditRows(h, 'oncall.cover.accept', 'refused')).map((r) => r.actor)).toEqual([carl.id]);
    await click(h, users.bob, ask!, 'oncall.cover.accept');
    expect(lastEphemeral(h)).toMatch(/the shift is yours/);
    expect(textOf(dmsTo(h, users.alice).at(-1)!)).toContain(`<@${users.bob.id}> accepted`);
    expect(await status()).toContain(`<@${users.bob.id}> (covering for <@${users.alice.id}>)`);
    const [row] = await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.coveringUser, users.bob.id));
    expect(row).toMatchObject({ status: 'active', forced: false, requestedBy: users.alice.id, replacedUser: users.alice.id, decidedBy: users.bob.id });
    expect(await auditRows(h, 'oncall.cover.accept', 'ok')).toHaveLength(1);
    // A second click changes nothing.
    const before = await counts();
    await click(h, users.bob, ask!, 'oncall.cover.accept');
    expect(lastEphemeral(h)).toBe('This cover request is already accepted.');
    expect(await counts()).toEqual(before);
  });

  it('leaves the shift as it was when the covering person declines', async () => {
    await submit(carl, { rotation: 'primary', shift: ms('2026-11-29T09:00:00'), cover: users.alice.id }); // k=56: carl
    const ask = dmsTo(h, users.alice).at(-1)!;
    await click(h, users.alice, ask, 'oncall.cover.decline');
    expect(lastEphemeral(h)).toMatch(/^Declined/);
    expect(textOf(dmsTo(h, carl).at(-1)!)).toContain(`<@${users.alice.id}> declined`);
    const [row] = await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.requestedBy, carl.id));
    expect(row).toMatchObject({ status: 'declined', decidedBy: users.alice.id, decidedAt: new Date(h.clock.now()) });
    expect(await status()).not.toContain(`(covering for <@${carl.id}>)`);
    const declines = await auditRows(h, 'oncall.cover.decline', 'ok');
    expect(declines).toHaveLength(1);
    expect(declines[0]).toMatchObject({ actor: users.alice.id, subject: `oncall:primary:${sh('2026-11-29T09:00:00')}`, detail: { override: row!.id } });
    expect(await auditRows(h, 'oncall.cover.decline', 'refused')).toHaveLength(0);
  });

  it('lets a supervisor set cover for anyone at once, tells both people and audits it', async () => {
    await submit(users.sam, { rotation: 'primary', shift: ms('2026-11-25T21:00:00'), cover: carl.id }); // bob's night
    const [row] = await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.requestedBy, users.sam.id));
    expect(row).toMatchObject({ status: 'active', forced: true, coveringUser: carl.id, replacedUser: users.bob.id });
    expect(textOf(dmsTo(h, carl).at(-1)!)).toContain(`<@${users.sam.id}> set you to cover`);
    expect(textOf(dmsTo(h, users.bob).at(-1)!)).toContain(`set <@${carl.id}> to cover your *primary* shift`);
    expect(await auditRows(h, 'oncall.cover.force', 'ok')).toHaveLength(1);
    // /oncall shows the override.
    await h.requester.command('/oncall', '', users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const answer = JSON.stringify(h.sink.received.at(-1).blocks);
    expect(answer).toContain(`Next: <@${carl.id}> (covering for <@${users.bob.id}>)`);
    expect(answer).toContain('Cover:');
    // A second supervisor override of the same shift replaces the first.
    await submit(users.sam, { rotation: 'primary', shift: ms('2026-11-25T21:00:00'), cover: users.bob.id });
    expect(await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.status, 'active'))).toHaveLength(2); // this one + alice's accepted cover
    const rows = await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.requestedBy, users.sam.id));
    expect(rows.map((r) => r.status).sort()).toEqual(['active', 'superseded']);
  });

  it('treats a repeated submission of the same form as one request', async () => {
    const values = swapValues({ rotation: 'primary', shift: ms('2026-12-02T21:00:00'), cover: carl.id }); // k=63: alice's
    for (let i = 0; i < 2; i++) {
      await h.requester.viewSubmission({ user: users.sam, callbackId: 'oncall.swap', values, viewId: 'VREPEAT1' });
      await settle(h);
    }
    const rows = await h.store.db.select().from(oncallOverrides).where(eq(oncallOverrides.requestKey, 'view:VREPEAT1'));
    expect(rows).toHaveLength(1);
    expect(dmsTo(h, carl).filter((c) => textOf(c).includes('set you to cover'))).toHaveLength(1);
  });
});
