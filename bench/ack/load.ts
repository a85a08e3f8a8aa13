// The load process of the ack benchmark. Reads LoadJobs (JSON lines) on stdin and, for each, keeps exactly
// `concurrency` signed Slack requests in flight against 127.0.0.1 — one caller per request in
// flight, each with its own keep-alive socket (an http.Agent with keepAlive and maxSockets 1 per
// caller, as Slack's callers are independent; a shared pool starves sockets and turns queueing in
// the pool into seconds-long p99 artefacts) — and prints one LoadResult (JSON) line on stdout, after
// a {"phase":"measure"} line when the warm-up is over. The time measured per request is from sending
// it to the end of the HTTP response: with Bolt's HTTP receiver that is the ack.
//
//   node --import tsx bench/ack/load.ts < jobs.jsonl   (one LoadJob per line, run in turn)
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SlackRequester, signature, type SignOptions, type SlackResponse } from '../../test/support/slack-client.js';
import type { LatencySummary, LoadJob, LoadResult, RequestSpec } from './mix.js';

interface Timed extends SlackResponse {
  ms: number;
}

/**
 * SlackRequester builds the bodies exactly as Slack does; this one sends them over a keep-alive
 * node:http agent (cheaper than fetch, so the load process steals less CPU from the apps) and
 * times only the HTTP exchange.
 */
class TimedRequester extends SlackRequester {
  private readonly url: URL;
  constructor(
    private readonly job: LoadJob,
    private readonly agent: Agent,
  ) {
    super({ baseUrl: job.baseUrl, signingSecret: job.signingSecret, responseUrl: job.responseUrl });
    this.url = new URL('/slack/events', job.baseUrl);
    if (this.url.hostname !== '127.0.0.1') throw new Error(`the load process only talks to 127.0.0.1, not ${this.url.hostname}`);
  }

  override post(body: string, contentType: string, _opts: SignOptions = {}): Promise<SlackResponse> {
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(this.job.signingSecret, ts, body),
    };
    return new Promise<Timed>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        { agent: this.agent, host: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST', headers, timeout: this.job.requestTimeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, text, json: undefined, headers: {}, ms });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${this.job.requestTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function send(r: TimedRequester, spec: RequestSpec): Promise<Timed> {
  const p =
    spec.kind === 'command'
      ? r.command('/ticket', spec.text, spec.user, { channelId: spec.channelId, channelName: 'support' })
      : r.blockAction({ user: spec.user, actionId: spec.actionId, value: spec.value, channelId: spec.channelId, messageTs: spec.messageTs });
  return p as Promise<Timed>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summarize(latencies: number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean };
}

async function runPhase(callers: TimedRequester[], specs: RequestSpec[], job: LoadJob, deadline: number, record: boolean) {
  const latencies: number[] = [];
  const byLabel = new Map<string, number[]>();
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  let timedOut = false;
  const started = performance.now();
  const worker = async (r: TimedRequester) => {
    for (;;) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      const i = next++;
      if (i >= specs.length) return;
      const spec = specs[i]!;
      try {
        const res = await send(r, spec);
        if (res.status !== 200) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${spec.label}: HTTP ${res.status} ${res.text.slice(0, 120)}`);
        }
        if (record) {
          latencies.push(res.ms);
          let l = byLabel.get(spec.label);
          if (!l) byLabel.set(spec.label, (l = []));
          l.push(res.ms);
        }
      } catch (err) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${spec.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (job.paceMs) await new Promise((resolve) => setTimeout(resolve, job.paceMs));
    }
  };
  await Promise.all(callers.map(worker));
  const wallMs = performance.now() - started;
  return { latencies, byLabel, errors, errorSamples, timedOut, wallMs };
}

/** Runs one job: its warm-up, then the measured requests; prints the measure line, then the result. */
async function runJob(job: LoadJob): Promise<void> {
  const agents = Array.from({ length: job.concurrency }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const callers = agents.map((agent) => new TimedRequester(job, agent));
  const deadline = performance.now() + job.deadlineMs;
  const hardStop = setTimeout(() => {
    process.stderr.write('load: hard deadline passed; giving up\n');
    process.exit(2);
  }, job.deadlineMs + job.requestTimeoutMs + 1000);

  await runPhase(callers, job.warmup, job, deadline, false);
  // Tells the parent the measured phase starts now (it samples CPU time from here).
  process.stdout.write(`${JSON.stringify({ phase: 'measure' })}\n`);
  const m = await runPhase(callers, job.measured, job, deadline, true);
  clearTimeout(hardStop);

  const count = m.latencies.length;
  const byLabel: LoadResult['byLabel'] = {};
  for (const [label, l] of [...m.byLabel].sort(([a], [b]) => a.localeCompare(b))) {
    const s = summarize(l);
    byLabel[label] = { count: l.length, p50: s.p50, p90: s.p90, p99: s.p99 };
  }
  const result: LoadResult = {
    count,
    errors: m.errors,
    errorSamples: m.errorSamples,
    timedOut: m.timedOut,
    latencyMs: summarize(m.latencies),
    throughput: count / (m.wallMs / 1000),
    wallMs: m.wallMs,
    byLabel,
  };
  for (const agent of agents) agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** One job per stdin line, one after another, until stdin ends: one process serves a whole run. */
async function main(): Promise<void> {
  let buffered = '';
  let queue = Promise.resolve();
  for await (const chunk of process.stdin) {
    buffered += (chunk as Buffer).toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) queue = queue.then(() => runJob(JSON.parse(line) as LoadJob));
    }
  }
  await queue;
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
