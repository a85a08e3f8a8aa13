// bench/outbox: the outbox's pacing in real time. 60 messages are queued for one channel, then a few
// for two other channels (later ids: the worst case for head-of-line blocking), and two workers —
// two replicas, each with its own connection pool — deliver them against the fake Slack with Slack's
// per-channel limit on (about 1 message a second, a burst of 3, 429 with Retry-After beyond it), on
// a real Postgres (BENCH_DATABASE_URL, default the local server). SPEC §7: the 60 arrive in about
// 60 s with at most 2 answered 429, while the other channels arrive within a few seconds.
// This is the one real-time pacing check; the test suite checks the same with an injected clock.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { outboxClient } from '../../src/app.js';
import { enqueue, type OutboxMessage } from '../../src/outbox/outbox.js';
import { CHANNEL_RATE } from '../../src/outbox/pacing.js';
import { OutboxWorker } from '../../src/outbox/worker.js';
import { systemClock } from '../../src/platform/clock.js';
import { openStore, type Store } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { startFakeSlack, type SlackCall } from '../../test/support/fake-slack.js';

const BUSY = 'C0BUSY';
const OTHERS = ['C0CALM', 'C0OTHER'];
const BUSY_COUNT = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 60);
const OTHER_COUNT = 5;
const REPLICAS = Number(process.env.BENCH_OUTBOX_REPLICAS ?? 2);

interface ChannelFigures {
  channel: string;
  queued: number;
  arrived: number;
  firstS: number;
  lastS: number;
  answered429: number;
  minGapS: number;
}

function figures(calls: SlackCall[], channel: string, queued: number, t0: number): ChannelFigures {
  const mine = calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);
  const ok = mine.filter((c) => c.status === 200 && c.response?.ok).map((c) => (c.at - t0) / 1000);
  const gaps = ok.slice(CHANNEL_RATE.burst).map((t, i) => t - ok[i + CHANNEL_RATE.burst - 1]!); // after the burst
  if (process.env.BENCH_OUTBOX_TRACE) process.stdout.write(`${channel}: ${ok.map((t) => t.toFixed(2)).join(' ')}\n`);
  return {
    channel,
    queued,
    arrived: ok.length,
    firstS: ok[0] ?? NaN,
    lastS: ok.at(-1) ?? NaN,
    answered429: mine.filter((c) => c.status === 429).length,
    minGapS: gaps.length ? Math.min(...gaps) : NaN,
  };
}

export async function runOutboxBench(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `opsdesk_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const stores: Store[] = [];
  const fake = await startFakeSlack({ channelLimit: { perSecond: 1, burst: 3 } });
  const workers: OutboxWorker[] = [];
  try {
    for (let i = 0; i < REPLICAS; i++) stores.push(await openStore({ databaseUrl: url.toString(), poolSize: 4 }));
    await stores[0]!.migrate();
    const messages: OutboxMessage[] = [
      ...Array.from({ length: BUSY_COUNT }, (_, i): OutboxMessage => ({ kind: 'post', channel: BUSY, payload: { text: `patrol item ${i + 1}` } })),
      ...OTHERS.flatMap((channel) => Array.from({ length: OTHER_COUNT }, (_, i): OutboxMessage => ({ kind: 'post', channel, payload: { text: `alert ${i + 1}` } }))),
    ];
    await stores[0]!.db.transaction((tx) => enqueue(tx, systemClock.now(), messages));
    const total = messages.length;

    const t0 = Date.now();
    for (const store of stores) {
      const w = new OutboxWorker({ db: store.db, client: outboxClient(fake.token, fake.url), clock: systemClock, logger: silentLogger, pacing: true });
      workers.push(w);
      w.start();
    }
    process.stdout.write(`queued ${BUSY_COUNT} messages for ${BUSY} and ${OTHER_COUNT} each for ${OTHERS.join(' and ')}; ${REPLICAS} workers (replicas) deliver them\n`);
    const delivered = () => fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200 && c.response?.ok).length;
    let shown = 0;
    while (delivered() < total && Date.now() - t0 < (BUSY_COUNT * 1.05 + 60) * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      const s = Math.floor((Date.now() - t0) / 10_000);
      if (s > shown) {
        shown = s;
        process.stdout.write(`  ${s * 10} s: ${delivered()}/${total} delivered\n`);
      }
    }
    await Promise.all(workers.map((w) => w.stop()));

    const rows = [figures(fake.calls, BUSY, BUSY_COUNT, t0), ...OTHERS.map((c) => figures(fake.calls, c, OTHER_COUNT, t0))];
    console.log('\n  channel     queued   arrived   first     last      answered 429   min gap after the burst');
    for (const r of rows) {
      console.log(
        `  ${r.channel.padEnd(10)}  ${String(r.queued).padStart(6)}   ${String(r.arrived).padStart(7)}   ${r.firstS.toFixed(2).padStart(6)} s  ${r.lastS.toFixed(2).padStart(6)} s  ${String(r.answered429).padStart(12)}   ${Number.isNaN(r.minGapS) ? '     -' : `${r.minGapS.toFixed(2)} s`}`,
      );
    }
    const busy = rows[0]!;
    const others = rows.slice(1);
    const othersLast = Math.max(...others.map((r) => r.lastS));
    const all429 = rows.reduce((n, r) => n + r.answered429, 0);
    const aboutMinute = busy.arrived === BUSY_COUNT && busy.lastS >= BUSY_COUNT * 0.9 && busy.lastS <= BUSY_COUNT * 1.15;
    console.log(`\n  ${BUSY}: ${busy.arrived}/${BUSY_COUNT} in ${busy.lastS.toFixed(1)} s   target about ${BUSY_COUNT} s (±15 %)   ${aboutMinute ? '✓' : '✗'}`);
    console.log(`  answered 429: ${all429}            target ≤ 2                    ${all429 <= 2 ? '✓' : '✗'}`);
    const othersOk = others.every((r) => r.arrived === r.queued) && othersLast < 5;
    console.log(`  other channels: all in ${othersLast.toFixed(2)} s   target within a few seconds (< 5 s)   ${othersOk ? '✓' : '✗'}`);
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    for (const store of stores) await store.close();
    await fake.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}
