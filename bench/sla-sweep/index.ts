// bench/sla-sweep: one SLA sweep over 10k, 100k and 1M open tickets with 100 at risk each time, on a
// real Postgres (BENCH_DATABASE_URL, default the local server). SPEC §7: < 50 ms at 100k; the time
// must follow the tickets at risk, not the table (ratio 1M/10k < 2).
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { parseConfig } from '../../src/config/config.js';
import { sweepTickets as sweep } from '../../src/modules/tickets/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openStore, type Store } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { buildServices } from '../../src/services.js';

const SIZES = [10_000, 100_000, 1_000_000];
const AT_RISK = 100;
const REPEATS = Number(process.env.BENCH_SWEEP_REPEATS ?? 7);
const NOW = new Date('2026-11-25T02:00:00Z');

async function seed(store: Store, from: number, to: number): Promise<void> {
  // Open tickets whose next stage is hours away: the sweep must not even look at them.
  await store.db.execute(sql`
    insert into tickets (key, customer_id, category, priority, title, state, created_by, response_due_at, resolution_due_at,
      response_warn_at, resolution_warn_at, resolution_started_at, response_target_minutes, resolution_target_minutes,
      next_check_at, created_at, updated_at, slack_channel, expected_at)
    select 'OPS-2026-' || g, 1, 'network', 'P3', 'bench ticket ' || g, 'new', 'U0BENCH',
      ${NOW.toISOString()}::timestamptz + interval '2 hours', ${NOW.toISOString()}::timestamptz + interval '24 hours',
      ${NOW.toISOString()}::timestamptz + interval '90 minutes', ${NOW.toISOString()}::timestamptz + interval '18 hours',
      ${NOW.toISOString()}::timestamptz, 120, 1440,
      ${NOW.toISOString()}::timestamptz + interval '90 minutes' + (g % 600) * interval '1 minute',
      ${NOW.toISOString()}::timestamptz, ${NOW.toISOString()}::timestamptz, 'C0SUPPORT',
      ${NOW.toISOString()}::timestamptz + interval '24 hours'
    from generate_series(${from + 1}::int, ${to}::int) g`);
  await store.db.execute(sql`analyze tickets`);
}

/** Puts 100 tickets at risk (response warning due), clearing what an earlier sweep posted. */
async function putAtRisk(store: Store): Promise<void> {
  await store.db.execute(sql`delete from sla_alerts`);
  await store.db.execute(sql`delete from outbox`);
  await store.db.execute(sql`
    update tickets set sla_posted = 0, response_warn_at = ${NOW.toISOString()}::timestamptz - interval '1 minute',
      next_check_at = ${NOW.toISOString()}::timestamptz - interval '1 minute'
    where id in (select id from tickets order by id desc limit ${AT_RISK})`);
}

export async function runSlaSweepBench(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `opsdesk_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), poolSize: 4 });
  try {
    await store.migrate();
    await store.db.execute(sql`insert into customers (name, created_at) values ('Bench customer', now())`);
    const config = parseConfig('channels: { support: C0SUPPORT, escalation: C0ESCALATE }\nroles: { supervisors: [U0SAM] }\n', { publicUrl: 'http://localhost', tzDefault: undefined, localeDefault: undefined });
    const services = buildServices({ db: store.db, config, clock: new ManualClock(NOW), logger: silentLogger, queued: () => {} });
    const results: { size: number; median: number; min: number; warnings: number }[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const started = performance.now();
      await seed(store, seeded, size);
      seeded = size;
      process.stdout.write(`seeded ${size.toLocaleString('en')} open tickets in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      const times: number[] = [];
      let warnings = 0;
      for (let i = 0; i < REPEATS + 1; i++) {
        await putAtRisk(store);
        const t0 = performance.now();
        const counts = await sweep(services.sla, NOW);
        const ms = performance.now() - t0;
        if (i > 0) times.push(ms); // the first run warms the pool and the plan cache
        warnings = counts.warnings;
      }
      times.sort((a, b) => a - b);
      results.push({ size, median: times[Math.floor(times.length / 2)]!, min: times[0]!, warnings });
    }
    console.log('\n  open tickets   at risk   warnings   sweep median   sweep min');
    for (const r of results) {
      console.log(`  ${r.size.toLocaleString('en').padStart(12)}   ${String(AT_RISK).padStart(7)}   ${String(r.warnings).padStart(8)}   ${r.median.toFixed(1).padStart(9)} ms   ${r.min.toFixed(1).padStart(6)} ms`);
    }
    const at100k = results.find((r) => r.size === 100_000)!.median;
    const ratio = results.at(-1)!.median / results[0]!.median;
    console.log(`\n  sweep at 100k: ${at100k.toFixed(1)} ms   target < 50 ms   ${at100k < 50 ? '✓' : '✗'}`);
    console.log(`  ratio 1M/10k:  ${ratio.toFixed(2)}×      target < 2×      ${ratio < 2 ? '✓' : '✗'}`);
  } finally {
    await store.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}
