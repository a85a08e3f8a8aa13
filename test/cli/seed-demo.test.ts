// seed-demo (issue 15): the whole product, loaded once. With opsdesk.demo.yml the demo has tickets in
// every state, each with the customer's expected time, SLA warnings and breaches, visit orders in
// every state (a late notice, an order signed off on the customer page), change requests, KB
// articles, a patrol run with an abnormal item and its ticket, an acknowledged on-call handover; a
// second run adds nothing and says when the demo was loaded.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_TEAM, type SeedResult } from '../../src/cli/seed-demo.js';
import { parseConfig } from '../../src/config/config.js';
import { TICKET_STATES } from '../../src/modules/tickets/index.js';
import { VISIT_STATES } from '../../src/modules/visits/index.js';
import { rows } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';

const NOW = new Date('2026-12-03T02:00:00Z'); // a Thursday, 10:00 in Shanghai
const demoYaml = readFileSync(new URL('../../opsdesk.demo.yml', import.meta.url), 'utf8');
const config = parseConfig(demoYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });

const TABLES = ['customers', 'tickets', 'ticket_events', 'sla_alerts', 'visit_orders', 'visit_events', 'visit_signoffs', 'changes', 'change_events', 'kb_articles', 'patrol_runs', 'patrol_items', 'oncall_handovers', 'outbox', 'audit_log', 'id_counters'];

async function counts(store: TestStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = Number((await rows<{ n: number }>(store.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
  return out;
}

const values = async (store: TestStore, query: string) => (await rows<{ v: string }>(store.db, sql.raw(query))).map((r) => r.v);

describe(`seed-demo (${storeName})`, () => {
  let store: TestStore;
  let first: SeedResult;

  beforeAll(async () => {
    store = await openTestStore();
    first = await seedDemo({ db: store.db, config, logger: silentLogger, now: NOW });
  }, 300_000); // about 25 s on an idle machine: a hundred use cases, each in its own savepoint
  afterAll(async () => store?.dispose());

  it('loads the demo and says what it loaded, as the team opsdesk.demo.yml lists', () => {
    expect(first.status).toBe('loaded');
    if (first.status !== 'loaded') return;
    expect(first.counts).toMatchObject({ customers: 5, alerts: 1, 'visit orders': VISIT_STATES.length, 'change requests': 3, 'KB articles': 2, 'patrol runs': 1, handovers: 1 });
    expect(first.counts.tickets).toBeGreaterThanOrEqual(TICKET_STATES.length + VISIT_STATES.length);
    expect(first.team.map((p) => p.id).sort()).toEqual(DEMO_TEAM.map((p) => p.id).sort());
    expect(first.skipped).toEqual([]);
  });

  it('has tickets in every state, each with the expected time, and SLA warnings and breaches recorded', async () => {
    expect((await values(store, 'select distinct state as v from tickets')).sort()).toEqual([...TICKET_STATES].sort());
    expect(await values(store, 'select key as v from tickets where expected_at is null')).toEqual([]);
    const stages = await values(store, 'select distinct stage as v from sla_alerts');
    expect(stages.sort()).toEqual(['breach', 'warning']);
    // …and at least one open ticket still within its targets.
    expect(await values(store, `select t.key as v from tickets t where t.state = 'new' and not exists (select 1 from sla_alerts a where a.ticket_id = t.id)`)).not.toEqual([]);
  });

  it('has visit orders in every state, a late notice, and one the customer signed off on the page', async () => {
    expect((await values(store, 'select distinct state as v from visit_orders')).sort()).toEqual([...VISIT_STATES].sort());
    expect(await values(store, `select key as v from visit_orders where state = 'late' and late_notices = 1`)).toHaveLength(1);
    expect(await values(store, `select confirmed_via as v from visit_orders where state = 'archived'`)).toEqual(['link']);
    expect(await values(store, 'select id::text as v from visit_signoffs where used_at is not null')).toHaveLength(1);
    expect(await values(store, `select confirmed_via as v from visit_orders where state = 'confirmed'`)).toEqual(['callback']);
  });

  it('has change requests waiting, scheduled and done; KB articles; a patrol run with its abnormal ticket; an acknowledged handover', async () => {
    expect((await values(store, 'select state as v from changes')).sort()).toEqual(['done', 'scheduled', 'submitted']);
    expect(await values(store, 'select source_ticket_key as v from kb_articles where source_ticket_key is not null')).toHaveLength(1);
    expect(await values(store, `select state as v from patrol_runs`)).toEqual(['submitted']);
    expect(await values(store, `select label as v from patrol_items where status = 'abnormal' and ticket_id is not null`)).toEqual(['服务器磁盘空间']);
    expect(await values(store, `select incoming as v from oncall_handovers where acknowledged_at is not null and handover_at < '${NOW.toISOString()}'`)).toHaveLength(1);
  });

  it('has a ticket opened by a monitoring alert, with the SLA\'s time as its expected time', async () => {
    const [row] = await rows<{ key: string; origin: string; expected: boolean }>(
      store.db,
      sql.raw(`select t.key, t.origin, t.expected_at = t.resolution_due_at as expected from tickets t join alert_episodes e on e.ticket_id = t.id`),
    );
    expect(row).toMatchObject({ origin: 'alert', expected: true });
  });

  it('is the work of people, not of the system: every ticket event is by a demo team member', async () => {
    const actors = await values(store, "select distinct actor as v from ticket_events where actor not like 'system%' and actor <> 'opsdesk'");
    const team = new Set(DEMO_TEAM.map((p) => p.id));
    expect(actors.filter((a) => !team.has(a))).toEqual([]);
    expect(DEMO_TEAM.every((p) => p.name.en && p.name['zh-CN'] && p.name.en !== p.name['zh-CN'])).toBe(true);
  });

  it('adds nothing when run again, and says since when the demo is loaded', async () => {
    const before = await counts(store);
    const again = await seedDemo({ db: store.db, config, logger: silentLogger, now: new Date(NOW.getTime() + 3_600_000) });
    expect(again).toEqual({ status: 'already', since: NOW });
    expect(await counts(store)).toEqual(before);
  });
});

describe(`seed-demo run twice at the same time (${storeName})`, () => {
  it('loads the demo once: the other run waits, then finds it loaded', async () => {
    const store = await openTestStore();
    try {
      const results = await Promise.all([0, 1].map(() => seedDemo({ db: store.db, config, logger: silentLogger, now: NOW })));
      expect(results.map((r) => r.status).sort()).toEqual(['already', 'loaded']);
      const loaded = results.find((r) => r.status === 'loaded');
      expect(await values(store, `select count(*)::text as v from tickets`)).toEqual([String(loaded?.status === 'loaded' && loaded.counts.tickets)]);
      expect(await values(store, `select count(*)::text as v from audit_log where action = 'demo.load'`)).toEqual(['1']);
    } finally {
      await store.dispose();
    }
  }, 300_000);
});
