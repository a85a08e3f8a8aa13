// Ticket numbering and health against a real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { startOpsdesk } from '../../src/app.js';
import { openTicket } from '../../src/modules/tickets/tickets.service.js';
import { ManualClock } from '../../src/platform/clock.js';
import { silentLogger } from '../../src/platform/logger.js';
import { buildServices, type Services } from '../../src/services.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';
import { startFakeSlack } from '../support/fake-slack.js';

describe(`ticket store (${storeName})`, () => {
  let store: TestStore;
  let services: Services;
  const config = parseConfig('channels: { support: C0SUPPORT }', { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });

  beforeAll(async () => {
    store = await openTestStore();
    services = buildServices({ db: store.db, config, clock: new ManualClock('2026-12-31T15:30:00Z'), logger: silentLogger, queued: () => {} });
  });
  afterAll(async () => store?.dispose());

  const draft = (title: string) => ({ newCustomerName: 'Counter Co', title, category: 'network', priority: 'P3' });

  it('numbers concurrent tickets without a gap or a repeat', async () => {
    const created = await Promise.all(Array.from({ length: 25 }, (_, i) => openTicket(services.tickets, draft(`concurrent ${i}`), 'U0ALICE')));
    const seqs = created.map((t) => Number(t.key.split('-')[2])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('starts a new sequence in a new year of the team zone', async () => {
    // 2026-12-31T16:00Z is already 2027-01-01 00:00 in Shanghai.
    const clock = new ManualClock('2026-12-31T16:00:00Z');
    const t = await openTicket({ ...services.tickets, clock }, draft('new year'), 'U0ALICE');
    expect(t.key).toBe('OPS-2027-1');
  });

  it('answers /healthz with 503 when the database does not answer', async () => {
    const slack = await startFakeSlack();
    const opsdesk = await startOpsdesk({
      config,
      store: { ...store, ping: async () => false },
      logger: silentLogger,
      port: 0,
      scheduler: false,
      slack: { botToken: slack.token, signingSecret: 'secret-secret-secret', apiUrl: slack.url },
    });
    try {
      const res = await fetch(`http://127.0.0.1:${opsdesk.port}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ok: false });
      const metrics = await (await fetch(`http://127.0.0.1:${opsdesk.port}/metrics`)).text();
      expect(metrics).toMatch(/opsdesk_outbox_pending \d+/);
    } finally {
      await opsdesk.stop();
      await slack.close();
    }
  });
});
