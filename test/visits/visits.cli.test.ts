// `npm run opsdesk -- job sla-sweep --at <ISO>` covers visit orders: the same sweep, run as a user
// runs it, posts an order's breach once and nothing when run again for the same or an older time.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openStore, type Store } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { buildServices } from '../../src/services.js';
import { openTicket } from '../../src/modules/tickets/tickets.service.js';
import { createVisitOrder } from '../../src/modules/visits/visits.service.js';
import { storeName, usingPostgres } from '../support/db.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import { baseConfigYaml, ESCALATION, users } from '../support/harness.js';

describe(`job sla-sweep from the command line, for visit orders (${storeName})`, () => {
  let bench: CliBench;
  let orderKey: string;

  beforeAll(async () => {
    bench = await startCliBench(baseConfigYaml);
    expect((await runCli(['migrate'], bench.env)).code).toBe(0);
    // An order posted at 10:00 Shanghai that nobody accepts: its accept target is 10:30.
    const store: Store = usingPostgres ? bench.store! : await openStore({ dataDir: join(bench.dir, 'data') });
    try {
      const config = parseConfig(baseConfigYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });
      const services = buildServices({ db: store.db, config, clock: new ManualClock('2026-11-25T02:00:00Z'), logger: silentLogger, queued: () => {} });
      const ticket = await openTicket(services.tickets, { newCustomerName: '徐汇店', title: 'Till broken', priority: 'P3', category: config.tickets.categories[0] }, users.alice.id);
      const order = await createVisitOrder(services.visits, ticket.id, { address: '漕溪北路 88 号', contactName: '王经理', contactPhone: '13812345678', need: 'POS', requestedStart: new Date('2026-11-26T06:00:00Z') }, users.alice.id);
      orderKey = order.key;
    } finally {
      if (!usingPostgres) await store.close();
    }
  }, 120_000);
  afterAll(async () => bench?.close());

  it('posts the breach of an order nobody accepted once, and nothing for the same or an older time', async () => {
    const breaches = () => bench.slack.posted().filter((c) => c.args.channel === ESCALATION && new RegExp(`${orderKey}(?!\\d)`).test(String(c.args.text)));
    const first = await runCli(['job', 'sla-sweep', '--at', '2026-11-25T10:30:00+08:00'], bench.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('"visit_breaches":1');
    expect(breaches()).toHaveLength(1);
    expect(breaches()[0]!.args.text).toContain('breached its accept target');
    for (const at of ['2026-11-25T10:30:00+08:00', '2026-11-25T10:25:00+08:00']) {
      const again = await runCli(['job', 'sla-sweep', '--at', at], bench.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('"visit_warnings":0,"visit_breaches":0');
    }
    expect(breaches()).toHaveLength(1);
  }, 180_000);
});
