// Concurrent Accept clicks: exactly one engineer wins, the others are told who did. On Postgres the
// clicks run on separate connections (and, in the second test, on two separate connection pools).
import { beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openStore } from '../../src/platform/db.js';
import { acceptVisit, type VisitDeps } from '../../src/modules/visits/visits.service.js';
import { visitEvents } from '../../src/modules/visits/visits.table.js';
import { DomainError } from '../../src/platform/errors.js';
import { storeName, usingPostgres } from '../support/db.js';
import { useHarness, users } from '../support/harness.js';
import { clickVisit, newOrder, orderRow } from './support.js';

describe(`concurrent accepts (${storeName})`, () => {
  const h = useHarness();
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  const accepts = async (orderId: number) =>
    (await h.store.db.select().from(visitEvents).where(and(eq(visitEvents.orderId, orderId), eq(visitEvents.kind, 'accept')))).length;

  it('lets exactly one of four simultaneous signed Accept clicks win; the others hear who took it', async () => {
    const { order } = await newOrder(h, {}, 'race');
    const clickers = [users.alice, users.bob, users.dora, users.sam];
    const responses = await Promise.all(clickers.map((u) => clickVisit(h, u, 'visit.accept', order.id, { version: order.version, settle: false })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await h.opsdesk.idle();
    const row = await orderRow(h, order.id);
    expect(row.state).toBe('accepted');
    expect(clickers.map((u) => u.id)).toContain(row.engineer);
    expect(await accepts(order.id)).toBe(1);
    await h.sink.waitFor((r) => r.length >= 3);
    expect(h.sink.received.map((r) => r.text)).toEqual(Array(3).fill(`${order.key} is already taken by <@${row.engineer}>.`));
    // and a click long after changes nothing either
    await clickVisit(h, users.bob.id === row.engineer ? users.alice : users.bob, 'visit.accept', order.id, { version: 1 });
    expect(await accepts(order.id)).toBe(1);
  });

  it('keeps one winner when two services accept at the same instant (separate connection pools on Postgres)', async () => {
    const { order } = await newOrder(h, {}, 'race two pools');
    const other = usingPostgres ? await openStore({ databaseUrl: h.store.url!, poolSize: 2 }) : undefined;
    try {
      const base = h.opsdesk.services.visits;
      const second: VisitDeps = { ...base, db: other?.db ?? base.db };
      const results = await Promise.allSettled([acceptVisit(base, order.id, users.alice.id), acceptVisit(second, order.id, users.bob.id)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect([won.length, lost.length]).toEqual([1, 1]);
      expect(lost[0]!.reason).toBeInstanceOf(DomainError);
      expect((lost[0]!.reason as DomainError).key).toBe('visit.already_taken');
      expect(await accepts(order.id)).toBe(1);
    } finally {
      await other?.close();
    }
  });
});
