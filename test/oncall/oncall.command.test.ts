// `/oncall`, `/oncall <rotation>`, `/oncall schedule` and the Home tab, driven as Slack drives the app.
import { beforeEach, describe, expect, it } from 'vitest';
import { storeName } from '../support/db.js';
import { validateMessageBlocks, validateView } from '../support/block-kit.js';
import { SUPPORT, users } from '../support/harness.js';
import { carl, sh, useOncallHarness } from './support.js';

const dateOf = (local: string) => `<!date^${new Date(sh(local)).getTime() / 1000}^`;

describe(`/oncall (${storeName})`, () => {
  const h = useOncallHarness(sh('2026-11-25T10:00:00'));
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  const ask = async (text: string, user = users.alice) => {
    const res = await h.requester.command('/oncall', text, user, { channelId: SUPPORT });
    expect(res.status).toBe(200);
    await h.opsdesk.idle();
    const answer = h.sink.received.at(-1);
    expect(validateMessageBlocks(answer.blocks ?? [])).toEqual([]);
    return { text: answer.text as string, body: JSON.stringify(answer.blocks ?? []) };
  };

  it('says who is on call now and next in every rotation, with shift ends in the reader\'s zone', async () => {
    const { body } = await ask('');
    expect(body).toContain('*primary*');
    expect(body).toContain(`On call now: <@${users.alice.id}> until ${dateOf('2026-11-25T21:00:00')}`);
    expect(body).toContain(`Next: <@${users.bob.id}> from ${dateOf('2026-11-25T21:00:00')}`);
    expect(body).toContain('*network*');
    expect(body).toContain(`<#C0NETWORK>`);
    expect(body).toContain(`On call now: <@${users.bob.id}> until ${dateOf('2026-11-26T08:00:00')}`);
  });

  it('shows one rotation by name, and names the rotations when the name is unknown', async () => {
    const one = await ask('primary');
    expect(one.body).toContain('*primary*');
    expect(one.body).not.toContain('*network*');
    const unknown = await ask('nosuch');
    expect(unknown.text).toBe('There is no rotation named "nosuch". Rotations: primary, network. Use one of these names, or add the rotation under `oncall.rotations` in opsdesk.yml.');
  });

  it('lists the next 14 days of shifts per rotation', async () => {
    const { body } = await ask('schedule');
    const shifts = (body.match(/• <!date\^/g) ?? []).length;
    expect(shifts).toBe(29 + 15); // the running shift and all starting in the 14 days: primary 25 Nov 09:00 … 9 Dec 09:00, network 25 Nov … 9 Dec 08:00
    expect(body).toContain(`${dateOf('2026-11-30T21:00:00')}`);
    expect(body).toContain(`${dateOf('2026-12-01T09:00:00')}`); // across the month end
    const only = await ask('schedule network');
    expect(only.body).not.toContain('primary');
  });

  it('answers help in the user\'s words', async () => {
    expect((await ask('help')).text).toContain('/oncall swap');
  });

  it("shows the user's next on-call shift on the Home tab", async () => {
    const home = async (user: { id: string }) => {
      await h.requester.event({ type: 'app_home_opened', user: user.id, channel: 'D0HOME', tab: 'home', event_ts: '1.000001' });
      await h.opsdesk.idle();
      const view = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user.id).at(-1)!.args.view;
      expect(validateView(view)).toEqual([]);
      return JSON.stringify(view.blocks);
    };
    expect(await home(users.alice)).toContain(`You are on call now in *primary* until ${dateOf('2026-11-25T21:00:00')}`);
    expect(await home(carl)).toContain(`Your next shift: *primary* ${dateOf('2026-11-26T09:00:00')}`);
    expect(await home(users.sam)).toContain('You have no on-call shift in the next 14 days.');
  });
});
