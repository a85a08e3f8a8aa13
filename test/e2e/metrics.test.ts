// GET /metrics: prom-client's exposition text, with the default process metrics and opsdesk's own.
import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/jobs/runner.js';
import { storeName } from '../support/db.js';
import { useHarness, users } from '../support/harness.js';
import { openTicketViaSlack } from '../support/tickets.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus' text format strictly enough to fail on anything malformed. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; helps: Set<string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped'], line).toContain(meta[3]);
        types.set(meta[2]!, meta[3]!);
      } else helps.add(meta[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|NaN|\+Inf|-Inf))(?: \d+)?$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return { samples, types, helps };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe(`GET /metrics (${storeName})`, () => {
  const h = useHarness();

  it('serves the text format with the process metrics and opsdesk gauges, counters and histograms', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'metrics: printer jam', priority: 'P2' });
    expect(t.key).toMatch(/^OPS-/);
    await runJob(h.opsdesk.services, 'ticket-autoclose', h.clock.now(), 'manual');

    const res = await fetch(`http://127.0.0.1:${h.opsdesk.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types, helps } = parseExposition(await res.text());

    // Every family is typed and documented.
    for (const name of types.keys()) expect(helps, name).toContain(name);
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('opsdesk_slack_ack_seconds')).toBe('histogram');
    expect(types.get('opsdesk_outbox_deliveries_total')).toBe('counter');
    expect(types.get('opsdesk_outbox_rate_limited_total')).toBe('counter');

    expect(value(samples, 'opsdesk_open_tickets', { priority: 'P2', sla_state: 'ok' })).toBe(1);
    expect(value(samples, 'opsdesk_job_runs_total', { job: 'ticket-autoclose', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'opsdesk_outbox_pending')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'opsdesk_outbox_failed')).toBe(0);
    expect(value(samples, 'opsdesk_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'opsdesk_requests_in_flight')).toBeGreaterThanOrEqual(0);
  });

  it('counts a failed job run and a breached ticket in their own series', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'metrics: breach', priority: 'P1' });
    expect(t.priority).toBe('P1');
    h.clock.advance(5 * 60 * 60_000); // past the P1 response and resolution targets
    await runJob(h.opsdesk.services, 'sla-sweep', h.clock.now(), 'manual');
    await runJob(h.opsdesk.services, 'patrol', h.clock.now(), 'manual', { name: 'no-such-checklist' });

    const { samples } = parseExposition(await (await fetch(`http://127.0.0.1:${h.opsdesk.port}/metrics`)).text());
    expect(value(samples, 'opsdesk_open_tickets', { priority: 'P1', sla_state: 'breached' })).toBe(1);
    expect(value(samples, 'opsdesk_job_runs_total', { job: 'sla-sweep', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'opsdesk_job_runs_total', { job: 'patrol', outcome: 'failed' })).toBe(1);
  });
});
