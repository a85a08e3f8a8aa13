// The Home tab (SPEC §3.9): the user's own open tickets — open meaning not resolved, closed or
// cancelled — then their next on-call shift and the changes waiting for their approval.
import { describe, expect, it } from 'vitest';
import { changes } from '../../src/modules/changes/changes.table.js';
import { cancelTicket, closeTicket, openTicket, resolveTicket, takeTicket } from '../../src/modules/tickets/index.js';
import { storeName } from '../support/db.js';
import { validateView } from '../support/block-kit.js';
import { SUPPORT, users } from '../support/harness.js';
import { carl, sh, useOncallHarness } from '../oncall/support.js';

describe(`Home tab sections (${storeName})`, () => {
  const h = useOncallHarness(sh('2026-11-25T10:00:00'));

  const home = async (user: { id: string }) => {
    await h.requester.event({ type: 'app_home_opened', user: user.id, channel: 'D0HOME', tab: 'home', event_ts: '1.000001' });
    await h.opsdesk.idle();
    const view = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user.id).at(-1)!.args.view;
    expect(validateView(view)).toEqual([]);
    return JSON.stringify(view.blocks);
  };
  const open = (title: string) => openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Store 5', category: 'network', priority: 'P3', title }, users.dora.id);

  it('lists only the tickets still open as the user\'s open tickets, not resolved, closed or cancelled ones', async () => {
    const deps = h.opsdesk.services.tickets;
    const working = await open('Still being worked on');
    const resolved = await open('Fixed, waiting for the customer to confirm');
    const closed = await open('Fixed and confirmed');
    const cancelled = await open('Opened twice');
    for (const t of [working, resolved, closed, cancelled]) await takeTicket(deps, t.id, carl.id);
    const resolution = { cause: 'cable', fix: 'replaced', faultCategory: 'network' };
    await resolveTicket(deps, resolved.id, carl.id, resolution);
    await resolveTicket(deps, closed.id, carl.id, resolution);
    await closeTicket(deps, closed.id, carl.id);
    await cancelTicket(deps, cancelled.id, users.sam.id, 'duplicate');

    const blocks = await home(carl);
    expect(blocks).toContain(working.key);
    for (const t of [resolved, closed, cancelled]) expect(blocks).not.toContain(t.key);
    // `/ticket mine` reads the same list.
    await h.requester.command('/ticket', 'mine', carl, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const mine = JSON.stringify(h.sink.received.at(-1));
    expect(mine).toContain(working.key);
    expect(mine).not.toContain(resolved.key);
  });

  it('shows the next on-call shift and the pending approvals after the user\'s tickets', async () => {
    const now = h.clock.now().getTime();
    await h.store.db.insert(changes).values({
      key: 'CHG-2026-31', title: 'Replace the store router', systems: ['router'], systemKeys: ['router'], description: 'd', reason: 'r', risk: 'low', impact: 'i', plan: 'p', rollbackPlan: 'rb',
      windowStart: new Date(now + 86_400_000), windowEnd: new Date(now + 90_000_000), requester: users.alice.id, implementer: users.bob.id, state: 'submitted', createdAt: new Date(now), updatedAt: new Date(now),
    });
    const sam = await home(users.sam); // a supervisor, not on the rotation
    expect(sam).toContain('Changes waiting for your approval');
    expect(sam).toContain('CHG-2026-31');
    expect(sam).toContain('You have no on-call shift in the next 14 days.');
    const carlHome = await home(carl); // on the rotation, not a supervisor
    expect(carlHome).toContain('Your next shift: *primary*');
    expect(carlHome).not.toContain('Changes waiting for your approval');
    expect(carlHome.indexOf('Your next shift')).toBeGreaterThan(carlHome.indexOf('Still being worked on'));
    expect(sam.indexOf('Changes waiting for your approval')).toBeGreaterThan(sam.indexOf('You have no on-call shift'));
  });
});
