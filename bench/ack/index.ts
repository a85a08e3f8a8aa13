// The ack benchmark (SPEC §7): opsdesk against a bare Bolt app, 50 concurrent signed requests from a
// separate load process, in alternating rounds of the same run.
//
// Env: BENCH_ROUNDS (rounds per app, default 5), BENCH_REQUESTS (measured per round, default 1000),
// BENCH_WARMUP (per round, default 100), BENCH_CONCURRENCY (default 50), BENCH_TICKETS (seeded,
// default 200), BENCH_DATABASE_URL (Postgres server; default embedded PGlite in a temp dir),
// BENCH_MIX=help (a probe: only `/ticket help`, no work behind the ack) or only:<label>[,…] (a
// probe: only those kinds of the ticket mix, e.g. 'only:cmd list'); default the ticket mix,
// BENCH_PACE_MS=<ms> (a probe: each of the load's workers pauses this long between requests),
// BENCH_CPU_PROFILE=<dir> (writes a V8 CPU profile of this process per app and round there).
import { spawn } from 'node:child_process';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMix, isMixKind, SIGNING_SECRET, type LoadJob, type LoadResult, type SeededTicket } from './mix.js';
import { startServers, workDone, type Servers, type Target } from './servers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

/** SPEC §7. */
export const TARGET = { medianRatio: 1.5, p90Ratio: 1.5, throughputRatio: 0.7, p99Ms: 300 } as const;

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${v}`);
  return n;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs the load process once against a target and returns what it measured, with this process's
 * CPU time and event-loop utilisation over the measured phase only.
 */
function runLoad(job: LoadJob): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffered = '';
    let err = '';
    let cpu0: NodeJS.CpuUsage | undefined;
    let elu0: EventLoopUtilization | undefined;
    let result: Measured | undefined;
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { phase: 'measure' } | LoadResult;
        if ('phase' in msg) {
          cpu0 = process.cpuUsage();
          elu0 = performance.eventLoopUtilization();
        } else {
          const cpu = process.cpuUsage(cpu0);
          const elu = performance.eventLoopUtilization(elu0).utilization;
          result = { ...msg, cpuMsPerReq: (cpu.user + cpu.system) / 1000 / Math.max(1, msg.count), elu };
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load process exited with ${code}: ${err.trim()}`));
      if (!result) return reject(new Error(`load process printed no result: ${buffered.slice(0, 300)} ${err.slice(0, 300)}`));
      resolve(result);
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/** One pino line, short: its message and the error's own words (a failed query's cause, not its SQL). */
function logSummary(line: string): string {
  try {
    // pino appends the causes to the message ("Failed query: <sql>: <cause>"): keep the end.
    const j = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
    const m = j.err?.message ?? '';
    const err = j.err ? ` — ${j.err.type ?? 'Error'}: ${m.length > 240 ? `…${m.slice(-200)}` : m}` : '';
    return `${j.msg ?? ''}${err}`;
  } catch {
    return line.slice(0, 300);
  }
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const pad = (s: string, n: number) => s.padStart(n);
const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** A load result plus what this process (the apps, the fake Slack and the sink) spent meanwhile. */
interface Measured extends LoadResult {
  /** CPU time of this process per measured request (user + system), ms. */
  cpuMsPerReq: number;
  /** Event-loop utilisation of this process during the run (1 = never idle). */
  elu: number;
}

interface Round {
  round: number;
  bare: Measured;
  opsdesk: Measured;
}

export async function runAckBench(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 5);
  const requests = envInt('BENCH_REQUESTS', 1000);
  const warmup = envInt('BENCH_WARMUP', 100);
  const concurrency = envInt('BENCH_CONCURRENCY', 50);
  const ticketCount = envInt('BENCH_TICKETS', 200);
  const mix = process.env.BENCH_MIX || 'tickets';
  if (!isMixKind(mix)) throw new Error(`BENCH_MIX must be tickets, help or only:<label>[,<label>], not ${mix}`);
  const started = Date.now();

  let servers: Servers | undefined;
  const onSignal = () => {
    void servers?.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    servers = await startServers({ tickets: ticketCount });
    const s = servers;
    console.log(
      `ack: ${rounds} rounds × ${requests} requests (+${warmup} warm-up) per app at ${concurrency} in flight; mix ${mix}; ${process.env.BENCH_PACE_MS ? `paced ${process.env.BENCH_PACE_MS} ms; ` : ''}` +
        `store ${s.storeLabel}; ${s.seeded.length} tickets seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // Each round's take clicks aim at its own slice of tickets that nobody has taken yet.
    const slice = Math.max(1, Math.floor(s.seeded.length / (rounds + 1)));
    const freshFor = (round: number): SeededTicket[] => s.seeded.slice(round * slice, (round + 1) * slice);

    const load = async (target: Target, round: number, measured: number, warm: number): Promise<Measured> => {
      await s.settle();
      s.forget();
      const specs = buildMix(warm + measured, 1000 + round, freshFor(round), s.seeded, mix);
      const profileDir = process.env.BENCH_CPU_PROFILE;
      const session = profileDir && round > 0 ? new Session() : undefined;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
      }
      const result = await runLoad({
        baseUrl: target.baseUrl,
        signingSecret: SIGNING_SECRET,
        responseUrl: s.sink.url,
        concurrency,
        warmup: specs.slice(0, warm),
        measured: specs.slice(warm),
        paceMs: Number(process.env.BENCH_PACE_MS ?? 0) || 0,
        requestTimeoutMs: 10_000,
        deadlineMs: 60_000,
      });
      if (session && profileDir) {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        mkdirSync(profileDir, { recursive: true });
        writeFileSync(join(profileDir, `ack-${target.name}-round${round}.cpuprofile`), JSON.stringify(profile));
      }
      return result;
    };

    // A throw-away round each, so both apps are JIT-warm before anything counts.
    await load(s.targets.bare, 0, 200, 50);
    await load(s.targets.opsdesk, 0, 200, 50);

    const results: Round[] = [];
    console.log('');
    console.log('latency: send → HTTP response (the ack), at the load process; cpu ms/req and ELU: this process');
    console.log('(the app under test + the fake Slack + the response_url sink) over the measured phase');
    console.log(`round  app        p50 ms   p90 ms   p99 ms   max ms    req/s  errors  cpu ms/req   ELU`);
    for (let r = 1; r <= rounds; r++) {
      const bare = await load(s.targets.bare, r, requests, warmup);
      const ops = await load(s.targets.opsdesk, r, requests, warmup);
      results.push({ round: r, bare, opsdesk: ops });
      for (const [name, x] of [['bare', bare], ['opsdesk', ops]] as const) {
        console.log(
          `${pad(String(r), 5)}  ${name.padEnd(7)} ${pad(f1(x.latencyMs.p50), 8)} ${pad(f1(x.latencyMs.p90), 8)} ${pad(f1(x.latencyMs.p99), 8)} ${pad(f1(x.latencyMs.max), 8)} ${pad(f1(x.throughput), 8)} ${pad(String(x.errors), 7)} ${pad(f2(x.cpuMsPerReq), 11)} ${pad(f2(x.elu), 5)}${x.timedOut ? '  (deadline hit)' : ''}`,
        );
      }
      console.log(
        `${pad('', 5)}  ${'ratio'.padEnd(7)} ${pad(f2(ops.latencyMs.p50 / bare.latencyMs.p50) + '×', 8)} ${pad(f2(ops.latencyMs.p90 / bare.latencyMs.p90) + '×', 8)} ${pad(f2(ops.latencyMs.p99 / bare.latencyMs.p99) + '×', 8)} ${pad('', 8)} ${pad(f2(ops.throughput / bare.throughput) + '×', 8)}`,
      );
    }
    await s.settle();

    const p50r = median(results.map((x) => x.opsdesk.latencyMs.p50 / x.bare.latencyMs.p50));
    const p90r = median(results.map((x) => x.opsdesk.latencyMs.p90 / x.bare.latencyMs.p90));
    const tputr = median(results.map((x) => x.opsdesk.throughput / x.bare.throughput));
    const p99 = median(results.map((x) => x.opsdesk.latencyMs.p99));
    const p99max = Math.max(...results.map((x) => x.opsdesk.latencyMs.p99));
    const errors = results.reduce((n, x) => n + x.bare.errors + x.opsdesk.errors, 0);

    console.log('');
    console.log(`medians over ${rounds} rounds (target, SPEC §7):`);
    console.log(`  p50 ratio opsdesk/bare   ${pad(f2(p50r) + '×', 8)}   ≤ ${TARGET.medianRatio}×   ${mark(p50r <= TARGET.medianRatio)}`);
    console.log(`  p90 ratio opsdesk/bare   ${pad(f2(p90r) + '×', 8)}   ≤ ${TARGET.p90Ratio}×   ${mark(p90r <= TARGET.p90Ratio)}`);
    console.log(`  throughput opsdesk/bare  ${pad(f2(tputr) + '×', 8)}   ≥ ${TARGET.throughputRatio}×   ${mark(tputr >= TARGET.throughputRatio)}`);
    console.log(`  opsdesk p99              ${pad(f1(p99) + ' ms', 8)}   < ${TARGET.p99Ms} ms  ${mark(p99 < TARGET.p99Ms)}   (worst round ${f1(p99max)} ms)`);
    console.log(`  non-200 answers          ${pad(String(errors), 8)}   = 0       ${mark(errors === 0)}`);
    console.log(`  opsdesk warnings/errors  ${pad(String(s.logged.count), 8)}   = 0       ${mark(s.logged.count === 0)}   (work after the ack that failed)`);

    // Per request kind, opsdesk's median over rounds: where the time goes.
    const labels = Object.keys(results[0]?.opsdesk.byLabel ?? {});
    console.log('');
    console.log('opsdesk by request kind (median over rounds; bare app alongside):');
    console.log(`  kind                 share   ops p50  bare p50   ops p90  bare p90`);
    for (const l of labels) {
      const o = (k: 'p50' | 'p90') => median(results.map((x) => x.opsdesk.byLabel[l]?.[k] ?? NaN));
      const b = (k: 'p50' | 'p90') => median(results.map((x) => x.bare.byLabel[l]?.[k] ?? NaN));
      const share = median(results.map((x) => (x.opsdesk.byLabel[l]?.count ?? 0) / x.opsdesk.count)) * 100;
      console.log(`  ${l.padEnd(18)} ${pad(share.toFixed(0) + ' %', 7)} ${pad(f1(o('p50')), 9)} ${pad(f1(b('p50')), 9)} ${pad(f1(o('p90')), 9)} ${pad(f1(b('p90')), 9)}`);
    }

    const done = await workDone(s.store);
    console.log('');
    console.log(`opsdesk's work after the acks: ${Object.entries(done).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    const samples = results.flatMap((x) => [...x.bare.errorSamples, ...x.opsdesk.errorSamples]);
    if (samples.length) console.log(`errors seen: ${samples.slice(0, 5).join(' | ')}`);
    for (const line of s.logged.first.slice(0, 3)) console.log(`opsdesk logged: ${logSummary(line)}`);
    const ok = p50r <= TARGET.medianRatio && p90r <= TARGET.p90Ratio && tputr >= TARGET.throughputRatio && p99 < TARGET.p99Ms && errors === 0 && s.logged.count === 0;
    console.log(`\nack: ${ok ? 'meets' : 'MISSES'} the SPEC §7 target (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    await servers?.close();
  }
}
