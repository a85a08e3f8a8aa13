// The requests of the ack benchmark: what the load process sends, the same to both apps.
import type { SlackUser } from '../../test/support/slack-client.js';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const SUPPORT = 'C0SUPPORT';
export const ESCALATION = 'C0ESCALATE';

export const users = {
  alice: { id: 'U0ALICE', name: 'alice' }, // engineer
  bob: { id: 'U0BOB', name: 'bob' }, // engineer
  sam: { id: 'U0SAM', name: 'sam' }, // supervisor
  dora: { id: 'U0DORA', name: 'dora' }, // dispatcher
} satisfies Record<string, SlackUser>;

export const configYaml = `
timezone: Asia/Shanghai
locale: en
channels:
  support: ${SUPPORT}
  escalation: ${ESCALATION}
roles:
  supervisors: [${users.sam.id}]
  dispatchers: [${users.dora.id}]
  engineers: [${users.alice.id}, ${users.bob.id}]
`;

/** One request, as the load process sends it (signed afresh each time). */
export type RequestSpec =
  | { kind: 'command'; label: string; text: string; user: SlackUser; channelId: string }
  | { kind: 'action'; label: string; actionId: string; value: string; user: SlackUser; channelId: string; messageTs?: string };

/** What the load process reads on stdin. */
export interface LoadJob {
  /** http://127.0.0.1:<port> of the app under test; requests go to /slack/events. */
  baseUrl: string;
  signingSecret: string;
  /** Base of the response_url sink. */
  responseUrl: string;
  concurrency: number;
  /** Sent first at the same concurrency; not measured. */
  warmup: RequestSpec[];
  measured: RequestSpec[];
  /** Pause after each response before that worker sends again (a probe; 0 = closed loop). */
  paceMs?: number;
  /** Per request; a request slower than this counts as an error. */
  requestTimeoutMs: number;
  /** For the whole job: past it the load process stops sending and reports what it has. */
  deadlineMs: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What the load process prints on stdout (one JSON line). */
export interface LoadResult {
  count: number;
  errors: number;
  /** A few error descriptions, for the report. */
  errorSamples: string[];
  timedOut: boolean;
  latencyMs: LatencySummary;
  throughput: number;
  wallMs: number;
  /** Per request label (command list, button take, …). */
  byLabel: Record<string, { count: number; p50: number; p90: number; p99: number }>;
}

export interface SeededTicket {
  id: number;
  key: string;
  version: number;
  slackTs?: string;
}

/** A small deterministic PRNG, so every run sends the same sequence. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 'tickets' (the benchmark), 'help' (a probe) or 'only:<label>[,<label>]' (a probe: part of the ticket mix). */
export type MixKind = 'tickets' | 'help' | `only:${string}`;
export const isMixKind = (s: string): s is MixKind => s === 'tickets' || s === 'help' || s.startsWith('only:');

/**
 * The request mix, half slash commands and half ticket buttons, all of which ack first and then
 * do real work in opsdesk (reads, audited writes, transactions, a modal, an ephemeral reply):
 *
 *   15 %  /ticket list            (sam)   query the open queue, respond() with 50 rows
 *   10 %  /ticket mine            (alice) query her tickets, respond()
 *   15 %  /ticket <title>         (bob)   views.open with the ticket form
 *   10 %  /ticket OPS-YYYY-n      (dora)  ticket + events + steps, audited phone read, respond()
 *   25 %  ticket.phone            (dora)  load ticket, audit row, respond() with the number
 *    5 %  ticket.phone            (alice) refused: audit row, respond() with the refusal
 *   20 %  ticket.take            (alice/bob) transaction on a fresh ticket (first click wins,
 *                                          repeats are refused as stale/already done), outbox
 *
 * `fresh` are the tickets this round's take clicks aim at; `any` are all seeded tickets.
 */
export function buildMix(n: number, seed: number, fresh: SeededTicket[], any: SeededTicket[], kind: MixKind = 'tickets'): RequestSpec[] {
  if (kind === 'help') {
    // A probe, not the benchmark: opsdesk's whole pipeline with no work behind the ack but one
    // respond(), the same shape as the bare app.
    return Array.from({ length: n }, () => ({ kind: 'command', label: 'cmd help', text: 'help', user: users.alice, channelId: SUPPORT }));
  }
  if (kind.startsWith('only:')) {
    const labels = kind.slice(5).split(',');
    const out: RequestSpec[] = [];
    for (let s = seed; out.length < n; s += 7919) out.push(...buildMix(n, s, fresh, any).filter((r) => labels.includes(r.label)));
    return out.slice(0, n);
  }
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const button = (label: string, actionId: string, user: SlackUser, t: SeededTicket): RequestSpec => ({
    kind: 'action', label, actionId, user, channelId: SUPPORT, value: JSON.stringify({ id: t.id, v: t.version }), messageTs: t.slackTs,
  });
  const out: RequestSpec[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand() * 100;
    if (r < 15) out.push({ kind: 'command', label: 'cmd list', text: 'list', user: users.sam, channelId: SUPPORT });
    else if (r < 25) out.push({ kind: 'command', label: 'cmd mine', text: 'mine', user: users.alice, channelId: SUPPORT });
    else if (r < 40) out.push({ kind: 'command', label: 'cmd form', text: `Printer on floor ${i % 9} jams`, user: users.bob, channelId: SUPPORT });
    else if (r < 50) out.push({ kind: 'command', label: 'cmd details', text: pick(any).key, user: users.dora, channelId: SUPPORT });
    else if (r < 75) out.push(button('btn phone', 'ticket.phone', users.dora, pick(any)));
    else if (r < 80) out.push(button('btn phone refused', 'ticket.phone', users.alice, pick(any)));
    else out.push(button('btn take', 'ticket.take', rand() < 0.5 ? users.alice : users.bob, pick(fresh.length ? fresh : any)));
  }
  return out;
}
