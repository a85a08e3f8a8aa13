// `npm run opsdesk -- job sla-sweep --at <ISO>` as an external scheduler runs it: a separate process
// against the app's store and the fake Slack, with the same once-only guarantees as the scheduler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { openTicket, takeTicket } from '../../src/modules/tickets/tickets.service.js';
import type { TicketWithCustomer } from '../../src/modules/tickets/tickets.store.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openStore } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { lockDataDir } from '../../src/platform/store-lock.js';
import { buildServices } from '../../src/services.js';
import { runCli, startCliBench, type CliBench } from '../support/cli.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml, ESCALATION, users } from '../support/harness.js';

const at = (local: string) => `${local}+08:00`;
/** True when a message names this ticket (OPS-2026-1 must not match OPS-2026-12). */
const names = (text: unknown, key: string) => new RegExp(`${key}(?!\\d)`).test(String(text));

describe(`sla-sweep from the command line (${storeName})`, () => {
  let bench: CliBench;
  let unassigned: TicketWithCustomer;
  let taken: TicketWithCustomer;

  /** Opens two tickets through the services, in the store the CLI uses (then lets go of it). */
  async function seedTickets() {
    const embedded = !bench.store;
    const release = embedded ? lockDataDir(bench.env.DATA_DIR!, 'the sla cli test') : () => {};
    const store = bench.store ?? (await openStore({ dataDir: bench.env.DATA_DIR! }));
    try {
      await store.migrate();
      const config = parseConfig(baseConfigYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });
      const clock = new ManualClock(at('2026-11-25T04:30:00'));
      const services = buildServices({ db: store.db, config, clock, logger: silentLogger, queued: () => {} });
      const draft = { newCustomerName: '杭州百货集团', category: 'network', description: 'from the cli test' };
      // 24×7 P2 (30m / 8h), taken at once: its resolution warning comes at 10:30 (6 h of 8 h).
      taken = await openTicket(services.tickets, { ...draft, title: 'Scale drifts', priority: 'P2' }, users.alice.id);
      await takeTicket(services.tickets, taken.id, users.bob.id);
      // 24×7 P3 (2h / 24h), left unassigned: response warning at 10:30, breach at 11:00.
      clock.set(at('2026-11-25T09:00:00'));
      unassigned = await openTicket(services.tickets, { ...draft, title: 'Till offline', priority: 'P3' }, users.alice.id);
    } finally {
      if (embedded) await store.close();
      release();
    }
  }

  const sweep = async (time: string) => {
    const res = await runCli(['job', 'sla-sweep', '--at', time], bench.env);
    const line = /^sla-sweep at (\S+): (\{.*\})$/m.exec(res.stdout);
    return { ...res, slot: line?.[1], counts: line ? (JSON.parse(line[2]!) as Record<string, number>) : undefined };
  };
  const about = (key: string) => bench.slack.posted().filter((c) => names(c.args.text, key) || JSON.stringify(c.args.blocks ?? '').includes(key));

  beforeAll(async () => {
    bench = await startCliBench(baseConfigYaml);
    await seedTickets();
  }, 180_000);
  afterAll(async () => bench?.close());

  it('refuses a bad --at with a clear message, and runs nothing', async () => {
    const bad = await runCli(['job', 'sla-sweep', '--at', 'tomorrow 9am'], bench.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--at expects an ISO time');
    expect(bad.stdout).not.toContain('sla-sweep at');
    expect(bench.slack.calls).toHaveLength(0); // not even the queued ticket messages were sent
  }, 120_000);

  it('warns, then breaches, as of the given times, and delivers the messages before exiting', async () => {
    const warning = await sweep(at('2026-11-25T10:30:00'));
    expect(warning.code).toBe(0);
    expect(warning.slot).toBe('2026-11-25T02:30:00.000Z');
    expect(warning.counts).toMatchObject({ warnings: 2, breaches: 0 });
    expect(warning.stdout).toMatch(/delivered [1-9]\d* Slack message/);
    // The tickets' own messages, queued when they were opened, went out with this run.
    expect(bench.slack.posted().filter((c) => !c.args.thread_ts && names(JSON.stringify(c.args.blocks ?? ''), unassigned.key))).toHaveLength(1);
    const dmTo = (user: { id: string }, key: string) => bench.slack.posted().filter((c) => c.args.channel === bench.slack.dmChannelFor(user.id) && names(c.args.text, key));
    expect(dmTo(users.sam, unassigned.key)).toHaveLength(1); // unassigned: the supervisor
    expect(dmTo(users.bob, taken.key)).toHaveLength(1); // assigned: the assignee
    expect(dmTo(users.sam, taken.key)).toHaveLength(0);
    expect(bench.slack.posted().filter((c) => c.args.thread_ts && String(c.args.text).includes('75%'))).toHaveLength(2);
    bench.slack.reset();

    const breach = await sweep(at('2026-11-25T11:00:00'));
    expect(breach.code).toBe(0);
    expect(breach.counts).toMatchObject({ warnings: 0, breaches: 1 });
    const escalation = bench.slack.posted().filter((c) => c.args.channel === ESCALATION);
    expect(escalation).toHaveLength(1);
    expect(names(escalation[0]!.args.text, unassigned.key)).toBe(true);
    expect(escalation[0]!.args.text).toContain('breached its response target');
  }, 240_000);

  it('posts nothing new when run again for the same time or an older one', async () => {
    bench.slack.reset();
    for (const time of [at('2026-11-25T11:00:00'), at('2026-11-25T10:30:00')]) {
      const again = await sweep(time);
      expect(again.code).toBe(0);
      expect(again.counts).toMatchObject({ warnings: 0, breaches: 0 });
    }
    expect(about(unassigned.key)).toHaveLength(0);
    expect(about(taken.key)).toHaveLength(0);
    expect(bench.slack.posted()).toHaveLength(0);
  }, 240_000);
});
