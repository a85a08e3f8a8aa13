// Scheduled jobs: each slot once across replicas, failures recorded and survived.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/services.js';
import { claimSlot, recentRuns, runJob } from '../../src/jobs/runner.js';
import { postgresRunCoordinator, startScheduler } from '../../src/jobs/scheduler.js';
import { parseConfig } from '../../src/config/config.js';
import { ManualClock, systemClock } from '../../src/platform/clock.js';
import { openStore } from '../../src/platform/db.js';
import { createLogger, silentLogger } from '../../src/platform/logger.js';
import { buildServices, type Services } from '../../src/services.js';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';

describe(`scheduler and job runs (${storeName})`, () => {
  let store: TestStore;
  let services: Services;
  const config = parseConfig('', { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });

  beforeAll(async () => {
    store = await openTestStore();
    services = buildServices({ db: store.db, config, clock: new ManualClock('2026-11-25T01:00:00Z'), logger: silentLogger, queued: () => {} });
  });
  afterAll(async () => {
    delete JOBS['test-boom'];
    delete JOBS['test-tick'];
    await store?.dispose();
  });

  it('lets exactly one claimant run a slot, whatever its arguments', async () => {
    const slot = new Date('2026-11-25T01:00:00Z');
    expect(await claimSlot(services, 'patrol', slot, { name: 'morning' })).toBe(true);
    expect(await claimSlot(services, 'patrol', slot, { name: 'morning' })).toBe(false);
    expect(await claimSlot(services, 'patrol', slot, { name: 'evening' })).toBe(true);
    expect(await claimSlot(services, 'patrol', new Date('2026-11-25T01:01:00Z'), { name: 'morning' })).toBe(true);
  });

  it('gives a slot to one of many replicas claiming it at the same moment', async () => {
    const others = usingPostgres ? await Promise.all([1, 2, 3].map(() => openStore({ databaseUrl: store.url, poolSize: 2 }))) : [];
    try {
      const contenders = [services, ...others.map((o) => ({ ...services, db: o.db }))];
      const slot = new Date('2026-11-25T02:00:00Z');
      const results = await Promise.all(contenders.flatMap((s) => [claimSlot(s, 'sla-sweep', slot), claimSlot(s, 'sla-sweep', slot)]));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('records a job that throws with its slot, and does not throw itself', async () => {
    JOBS['test-boom'] = { description: 'fails', schedules: () => [], run: async () => { throw new Error('disk on fire'); } };
    const slot = new Date('2026-11-25T03:00:00Z');
    const result = await runJob(services, 'test-boom', slot, 'manual');
    expect(result).toMatchObject({ outcome: 'failed', error: 'disk on fire' });
    const [run] = await recentRuns(services, 'test-boom');
    expect(run).toMatchObject({ outcome: 'failed', error: 'disk on fire', trigger: 'manual' });
    expect(run!.slot.toISOString()).toBe(slot.toISOString());
    expect(run!.finishedAt).not.toBeNull();
  });

  it('records a scheduled job that throws as failed, and runs it again at its next slot', async () => {
    let attempts = 0;
    JOBS['test-flaky'] = {
      description: 'fails once',
      schedules: () => [{ cron: '* * * * *' }],
      run: async ({ at }) => {
        attempts++;
        if (attempts === 1) throw new Error(`upstream down at ${at.toISOString()}`);
        return { done: 1 };
      },
    };
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) });
    const scheduled = { ...services, logger, clock: new ManualClock('2026-11-25T05:00:00Z') };
    const coordinator = postgresRunCoordinator(scheduled);
    /** One slot as node-cron fires it on one replica: ask the coordinator (key "<task name>:<slot ISO>"), then run. */
    const fire = async (slot: Date) => ((await coordinator.shouldRun(`test-flaky|{}:${slot.toISOString()}`, 30_000)) ? runJob(scheduled, 'test-flaky', slot, 'schedule') : ('not elected' as const));
    try {
      const first = new Date('2026-11-25T05:00:00Z');
      expect(await fire(first)).toMatchObject({ outcome: 'failed', error: 'upstream down at 2026-11-25T05:00:00.000Z' });
      // Logged with its slot; the failure is not retried inside its own slot, by this replica or another.
      expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ job: 'test-flaky', slot: first.toISOString(), trigger: 'schedule', msg: expect.stringContaining('runs again at its next slot') })]);
      expect(await fire(first)).toBe('not elected');
      expect(await runJob(scheduled, 'test-flaky', first, 'schedule')).toEqual({ outcome: 'skipped' });
      expect(attempts).toBe(1);

      const next = new Date('2026-11-25T05:01:00Z');
      scheduled.clock.set(next);
      expect(await fire(next)).toMatchObject({ outcome: 'ok', counts: { done: 1 } });
      expect(attempts).toBe(2);
      const runs = await recentRuns(services, 'test-flaky');
      expect(runs.map((r) => [r.slot.toISOString(), r.trigger, r.outcome, r.error])).toEqual([
        [next.toISOString(), 'schedule', 'ok', null],
        [first.toISOString(), 'schedule', 'failed', 'upstream down at 2026-11-25T05:00:00.000Z'],
      ]);
      expect(runs.every((r) => r.finishedAt !== null)).toBe(true);
    } finally {
      delete JOBS['test-flaky'];
    }
  });

  it('runs a scheduled job at its slots, once per slot, with two schedulers on one store', async () => {
    const calls: string[] = [];
    JOBS['test-tick'] = {
      description: 'every second',
      schedules: () => [{ cron: '* * * * * *' }],
      run: async ({ at }) => {
        calls.push(at.toISOString());
        return { ticks: 1 };
      },
    };
    const live = { ...services, clock: systemClock };
    const second = usingPostgres ? await openStore({ databaseUrl: store.url, poolSize: 2 }) : undefined;
    const a = startScheduler(live, { only: ['test-tick'] });
    const b = startScheduler({ ...live, db: second?.db ?? live.db }, { only: ['test-tick'] });
    try {
      for (let i = 0; i < 80 && new Set(calls).size < 2; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await a.stop();
      await b.stop();
      await second?.close();
    }
    expect(new Set(calls).size).toBeGreaterThanOrEqual(2);
    expect(calls).toHaveLength(new Set(calls).size); // no slot ran twice
    const runs = await recentRuns(services, 'test-tick', 100);
    expect(runs.filter((r) => r.outcome === 'ok').map((r) => r.slot.toISOString()).sort()).toEqual([...calls].sort());
  });
});
