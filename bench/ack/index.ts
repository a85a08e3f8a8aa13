// The ack benchmark (SPEC §7), measured as a user runs it: opsdesk started as `npm start` does (its
// own process, Postgres, logs to a file) beside a bare Bolt app doing the unavoidable minimum (ack,
// then one Web API call) started the same way, both against a fake Slack Web API in this process;
// 50 concurrent signed requests from a separate load process, one keep-alive socket per caller; the
// two apps alternate over several rounds of the same run. Two scenarios: the `/ticket` form path
// alone (ack + views.open of the ticket form) and the mix of commands and button clicks.
//
// Env: BENCH_ROUNDS (rounds per app and scenario, default 10), BENCH_REQUESTS (measured per round,
// default 800), BENCH_WARMUP (per round, default 100), BENCH_WARM_ROUND (the requests of the
// throw-away round each app gets per scenario before the measured rounds, default 3000), BENCH_CONCURRENCY (default 50),
// BENCH_TICKETS (seeded, default 200), BENCH_DATABASE_URL (the Postgres server; default the local
// one), BENCH_SCENARIOS (comma-separated, default form,mix; also help — only `/ticket help` — and
// only:<label>[+<label>…], a part of the mix, e.g. only:btn take), BENCH_PACE_MS (a probe: each
// caller pauses this long between requests), BENCH_LOG_LEVEL (opsdesk's LOG_LEVEL, default info),
// BENCH_CPU_PROFILE=<dir> (V8 CPU profiles of both apps per measured round; summarise one with
// `npx tsx bench/tools/cpuprofile.ts <file>`), BENCH_HEAP_PROFILE=1 (with it, allocation profiles too),
// BENCH_NODE_OPTIONS (added to both apps' NODE_OPTIONS, e.g. --max-semi-space-size=32),
// BENCH_OPSDESK_DIR (start opsdesk from another checkout of it, for an A/B run).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMix, isMixKind, SIGNING_SECRET, type LoadJob, type LoadResult, type MixKind, type SeededTicket } from './mix.js';
import { ROOT } from './procs.js';
import { logProblems, startServers, workDone, type Servers, type Target } from './servers.js';

const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

/** SPEC §7. */
export const TARGET = { medianRatio: 1.3, p90Ratio: 1.3, throughputRatio: 0.8, p99Ms: 300 } as const;

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

/** A load result plus what the app's process and this process (fake Slack, sink) spent meanwhile. */
interface Measured extends LoadResult {
  /** CPU time of the app's process per measured request (user + system), ms. */
  appCpuMsPerReq: number;
  /** The part of it on the app's main thread. */
  appMainCpuMsPerReq: number;
  /** CPU time of this process (the fake Slack and the response_url sink) per measured request, ms. */
  fakeCpuMsPerReq: number;
}

/**
 * The load process, one for the whole run (its start-up is paid once): each job is a line on its
 * stdin; it answers a {"phase":"measure"} line when the warm-up is over, then the result.
 */
class LoadProcess {
  private readonly child = spawn(process.execPath, ['--import', 'tsx', LOAD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  private buffered = '';
  private err = '';
  private waiting: { onLine: (msg: { phase: 'measure' } | LoadResult) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.child.stdout.on('data', (c: Buffer) => {
      this.buffered += c.toString('utf8');
      let nl;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl).trim();
        this.buffered = this.buffered.slice(nl + 1);
        if (line) this.waiting?.onLine(JSON.parse(line) as { phase: 'measure' } | LoadResult);
      }
    });
    this.child.stderr.on('data', (c: Buffer) => (this.err += c.toString('utf8')));
    this.child.on('close', (code) => this.waiting?.reject(new Error(`load process exited with ${code}: ${this.err.trim().slice(-2000)}`)));
  }

  /** Runs a job against a target, with the CPU time of the app's process and of this one over the measured phase only. */
  run(job: LoadJob, target: Target): Promise<Measured> {
    return new Promise((resolve, reject) => {
      let app0 = NaN;
      let main0 = NaN;
      let own0: NodeJS.CpuUsage | undefined;
      this.waiting = {
        reject,
        onLine: (msg) => {
          if ('phase' in msg) {
            app0 = target.proc.cpuMs();
            main0 = target.proc.mainCpuMs();
            own0 = process.cpuUsage();
            return;
          }
          const own = process.cpuUsage(own0);
          const n = Math.max(1, msg.count);
          this.waiting = undefined;
          resolve({ ...msg, appCpuMsPerReq: (target.proc.cpuMs() - app0) / n, appMainCpuMsPerReq: (target.proc.mainCpuMs() - main0) / n, fakeCpuMsPerReq: (own.user + own.system) / 1000 / n });
        },
      };
      this.child.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** One pino line, short: its message and the error's own words (a failed query's cause, not its SQL). */
function logSummary(line: string): string {
  try {
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The 1, 5 and 15 minute load averages: other work on the machine shares its cores with the run. */
const loadLine = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

interface Round {
  round: number;
  bare: Measured;
  opsdesk: Measured;
}

interface Scenario {
  name: string;
  about: string;
  mix: MixKind;
}

const SCENARIOS: Record<string, Scenario> = {
  form: { name: 'form', about: 'the /ticket form path alone: `/ticket <title>` → ack, then views.open of the ticket form', mix: 'only:cmd form' },
  mix: { name: 'mix', about: 'the mix: /ticket list, mine, <title>, <key>; phone and take buttons', mix: 'tickets' },
  help: { name: 'help', about: 'a probe: `/ticket help` alone (ack, then one respond())', mix: 'help' },
};

function scenarioOf(s: string): Scenario {
  const known = SCENARIOS[s];
  if (known) return known;
  const mix = s.replaceAll('+', ',');
  if (!isMixKind(mix) || !mix.startsWith('only:')) throw new Error(`BENCH_SCENARIOS: ${s} is not one of ${Object.keys(SCENARIOS).join(', ')} or only:<label>[+<label>]`);
  return { name: s, about: `a probe: ${mix.slice(5).split(',').join(' and ')} from the mix`, mix };
}

/** Verdict of one scenario, for the summary at the end. */
interface Verdict {
  scenario: string;
  ok: boolean;
  line: string;
}

export async function runAckBench(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 10);
  const requests = envInt('BENCH_REQUESTS', 800);
  const warmup = envInt('BENCH_WARMUP', 100);
  const warmRound = envInt('BENCH_WARM_ROUND', 3000);
  const concurrency = envInt('BENCH_CONCURRENCY', 50);
  const ticketCount = envInt('BENCH_TICKETS', 200);
  const scenarios = (process.env.BENCH_SCENARIOS || 'form,mix').split(',').map((s) => scenarioOf(s.trim()));
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const paceMs = Number(process.env.BENCH_PACE_MS ?? 0) || 0;
  const started = Date.now();

  let servers: Servers | undefined;
  let loader: LoadProcess | undefined;
  const onSignal = () => {
    loader?.close();
    void servers?.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}; load average ${loadLine()}`);
    servers = await startServers({ tickets: ticketCount, profileDir });
    const s = servers;
    loader = new LoadProcess();
    console.log(
      `ack: ${rounds} rounds × ${requests} requests (+${warmup} warm-up, after a throw-away round of ${warmRound}) per app and scenario at ${concurrency} in flight, one keep-alive socket per caller; ${paceMs ? `paced ${paceMs} ms; ` : ''}` +
        `${s.storeLabel}; ${s.seeded.length} tickets seeded (${s.seeded.filter((t) => t.slackTs).length} posted so far); started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`opsdesk: \`tsx src/main.ts\`${process.env.BENCH_OPSDESK_DIR ? ` in ${process.env.BENCH_OPSDESK_DIR}` : ''} (pid ${s.targets.opsdesk.proc.pid}); bare Bolt app: \`tsx bench/ack/bare.ts\` (pid ${s.targets.bare.proc.pid}); logs in ${s.dir}`);

    // Each round's take clicks aim at their own slice of tickets that nobody has taken yet.
    const slice = Math.max(1, Math.floor(s.seeded.length / (rounds + 1)));
    const freshFor = (round: number): SeededTicket[] => s.seeded.slice(round * slice, (round + 1) * slice);
    const profiles = new Map<number, number>();

    const load = async (scenario: Scenario, target: Target, round: number, measured: number, warm: number): Promise<Measured> => {
      await s.settle();
      s.forget();
      const specs = buildMix(warm + measured, 1000 + round, freshFor(round), s.seeded, scenario.mix);
      const pid = target.proc.pid;
      const profiling = profileDir !== undefined && round > 0 && pid !== undefined;
      if (profiling) process.kill(pid, 'SIGUSR2');
      const result = await loader!.run(
        {
          baseUrl: target.baseUrl,
          signingSecret: SIGNING_SECRET,
          responseUrl: s.sink.url,
          concurrency,
          warmup: specs.slice(0, warm),
          measured: specs.slice(warm),
          paceMs,
          requestTimeoutMs: 10_000,
          deadlineMs: 60_000,
        },
        target,
      );
      if (profiling) {
        process.kill(pid, 'SIGUSR2');
        const n = (profiles.get(pid) ?? 0) + 1;
        profiles.set(pid, n);
        const raw = join(profileDir, 'raw', `${pid}-${n}`);
        for (let i = 0; i < 200 && !existsSync(`${raw}.cpuprofile`); i++) await sleep(50);
        mkdirSync(profileDir, { recursive: true });
        const stem = join(profileDir, `ack-${scenario.name.replace(/[^\w-]+/g, '_')}-${target.name}-round${round}`);
        for (const ext of ['.cpuprofile', '.heapprofile', '.gc.json']) if (existsSync(`${raw}${ext}`)) renameSync(`${raw}${ext}`, `${stem}${ext}`);
      }
      if (target.proc.exited) throw new Error(`${target.proc.name} exited during the run; the end of ${target.proc.logFile}:\n${target.proc.logTail()}`);
      return result;
    };

    const verdicts: Verdict[] = [];
    for (const scenario of scenarios) {
      console.log('');
      console.log(`── scenario ${scenario.name}: ${scenario.about}`);
      // A throw-away round each, so both apps are JIT-warm before anything counts: a long-running
      // replica has compiled its hot paths long ago; a fresh process spends a fifth of its CPU in V8's
      // compilers for its first few thousand requests (the more code on the path, the longer).
      await load(scenario, s.targets.bare, 0, warmRound, 50);
      await load(scenario, s.targets.opsdesk, 0, warmRound, 50);

      const results: Round[] = [];
      console.log('latency: send → HTTP response (the ack), at the load process; cpu ms/req: the app\'s process (all threads;');
      console.log('main: its JavaScript thread), and this process (the fake Slack Web API + the response_url sink), measured phase only');
      console.log('round  app        p50 ms   p90 ms   p99 ms   max ms    req/s  errors  app cpu ms/req (main)  fake cpu ms/req');
      for (let r = 1; r <= rounds; r++) {
        // The order alternates too, so a drift over time (a warming cache, the fake's growing state) is shared.
        const order = r % 2 ? (['bare', 'opsdesk'] as const) : (['opsdesk', 'bare'] as const);
        const got: Partial<Record<'bare' | 'opsdesk', Measured>> = {};
        for (const name of order) got[name] = await load(scenario, s.targets[name], r, requests, warmup);
        const bare = got.bare!;
        const ops = got.opsdesk!;
        results.push({ round: r, bare, opsdesk: ops });
        for (const [name, x] of [['bare', bare], ['opsdesk', ops]] as const) {
          console.log(
            `${pad(String(r), 5)}  ${name.padEnd(7)} ${pad(f1(x.latencyMs.p50), 8)} ${pad(f1(x.latencyMs.p90), 8)} ${pad(f1(x.latencyMs.p99), 8)} ${pad(f1(x.latencyMs.max), 8)} ${pad(f1(x.throughput), 8)} ${pad(String(x.errors), 7)} ${pad(f2(x.appCpuMsPerReq), 15)} ${pad(`(${f2(x.appMainCpuMsPerReq)})`, 6)} ${pad(f2(x.fakeCpuMsPerReq), 16)}${x.timedOut ? '  (deadline hit)' : ''}`,
          );
        }
        console.log(
          `${pad('', 5)}  ${'ratio'.padEnd(7)} ${pad(f2(ops.latencyMs.p50 / bare.latencyMs.p50) + '×', 8)} ${pad(f2(ops.latencyMs.p90 / bare.latencyMs.p90) + '×', 8)} ${pad(f2(ops.latencyMs.p99 / bare.latencyMs.p99) + '×', 8)} ${pad('', 8)} ${pad(f2(ops.throughput / bare.throughput) + '×', 8)}`,
        );
      }
      await s.settle();
      verdicts.push(summarise(scenario, results));
    }

    const done = await workDone(s.store);
    console.log('');
    console.log(`opsdesk's work after the acks: ${Object.entries(done).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    const problems = logProblems(s.targets.opsdesk.proc.logFile);
    console.log(`opsdesk warnings/errors in its log: ${problems.count} ${mark(problems.count === 0)}${problems.count ? ` (${s.targets.opsdesk.proc.logFile})` : ''}`);
    for (const line of problems.first.slice(0, 3)) console.log(`  opsdesk logged: ${logSummary(line)}`);
    console.log('');
    for (const v of verdicts) console.log(`ack ${v.scenario}: ${v.ok ? 'meets' : 'MISSES'} the SPEC §7 target — ${v.line}`);
    console.log(`(${availableParallelism()} cores; load average now ${loadLine()}; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    loader?.close();
    await servers?.close();
  }
}

/** Prints a scenario's medians over rounds against the targets and per request kind; returns its verdict. */
function summarise(scenario: Scenario, results: Round[]): Verdict {
  const med = (f: (x: Round) => number) => median(results.map(f));
  const p50r = med((x) => x.opsdesk.latencyMs.p50 / x.bare.latencyMs.p50);
  const p90r = med((x) => x.opsdesk.latencyMs.p90 / x.bare.latencyMs.p90);
  const tputr = med((x) => x.opsdesk.throughput / x.bare.throughput);
  const p99 = med((x) => x.opsdesk.latencyMs.p99);
  const p99max = Math.max(...results.map((x) => x.opsdesk.latencyMs.p99));
  const errors = results.reduce((n, x) => n + x.bare.errors + x.opsdesk.errors, 0);

  console.log('');
  console.log(`${scenario.name}: medians over ${results.length} rounds`);
  console.log('  app        p50 ms   p90 ms   p99 ms    req/s  app cpu ms/req (main)');
  for (const app of ['bare', 'opsdesk'] as const) {
    const m = (f: (x: Measured) => number) => med((x) => f(x[app]));
    console.log(
      `  ${app.padEnd(8)} ${pad(f1(m((x) => x.latencyMs.p50)), 8)} ${pad(f1(m((x) => x.latencyMs.p90)), 8)} ${pad(f1(m((x) => x.latencyMs.p99)), 8)} ${pad(f1(m((x) => x.throughput)), 8)} ${pad(f2(m((x) => x.appCpuMsPerReq)), 15)} (${f2(m((x) => x.appMainCpuMsPerReq))})`,
    );
  }
  console.log(`  (ratios: the median of the per-round ratios; target SPEC §7)`);
  console.log(`  p50 ratio opsdesk/bare   ${pad(f2(p50r) + '×', 8)}   ≤ ${TARGET.medianRatio}×   ${mark(p50r <= TARGET.medianRatio)}`);
  console.log(`  p90 ratio opsdesk/bare   ${pad(f2(p90r) + '×', 8)}   ≤ ${TARGET.p90Ratio}×   ${mark(p90r <= TARGET.p90Ratio)}`);
  console.log(`  throughput opsdesk/bare  ${pad(f2(tputr) + '×', 8)}   ≥ ${TARGET.throughputRatio}×   ${mark(tputr >= TARGET.throughputRatio)}`);
  console.log(`  opsdesk p99              ${pad(f1(p99) + ' ms', 8)}   < ${TARGET.p99Ms} ms  ${mark(p99 < TARGET.p99Ms)}   (worst round ${f1(p99max)} ms)`);
  console.log(`  non-200 answers          ${pad(String(errors), 8)}   = 0       ${mark(errors === 0)}`);
  const samples = results.flatMap((x) => [...x.bare.errorSamples, ...x.opsdesk.errorSamples]);
  if (samples.length) console.log(`  errors seen: ${samples.slice(0, 5).join(' | ')}`);

  const labels = Object.keys(results[0]?.opsdesk.byLabel ?? {});
  if (labels.length > 1) {
    console.log(`  by request kind (median over rounds; the bare app alongside):`);
    console.log(`    kind                 share   ops p50  bare p50   ops p90  bare p90`);
    for (const l of labels) {
      const o = (k: 'p50' | 'p90') => med((x) => x.opsdesk.byLabel[l]?.[k] ?? NaN);
      const b = (k: 'p50' | 'p90') => med((x) => x.bare.byLabel[l]?.[k] ?? NaN);
      const share = med((x) => (x.opsdesk.byLabel[l]?.count ?? 0) / x.opsdesk.count) * 100;
      console.log(`    ${l.padEnd(18)} ${pad(share.toFixed(0) + ' %', 7)} ${pad(f1(o('p50')), 9)} ${pad(f1(b('p50')), 9)} ${pad(f1(o('p90')), 9)} ${pad(f1(b('p90')), 9)}`);
    }
  }
  const ok = p50r <= TARGET.medianRatio && p90r <= TARGET.p90Ratio && tputr >= TARGET.throughputRatio && p99 < TARGET.p99Ms && errors === 0;
  return { scenario: scenario.name, ok, line: `p50 ${f2(p50r)}×, p90 ${f2(p90r)}×, throughput ${f2(tputr)}×, p99 ${f1(p99)} ms, ${errors} errors` };
}
