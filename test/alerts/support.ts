// Shared set-up of the alerts tests: a team with routes and an on-call rotation, payload builders
// in the real formats (from test/fixtures/alerts), and readers of what was written and sent.
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { alertDeliveries, alertEpisodes } from '../../src/modules/alerts/alerts.table.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { rows } from '../../src/platform/db.js';
import type { SlackCall } from '../support/fake-slack.js';
import { teamConfigYaml, users, type Harness } from '../support/harness.js';

export const NOC = 'C0NOC';
export const TOKEN = 'test-alerts-token-0123456789abcdef';

/** The team, on call alice → bob from 1 Nov, and routes: critical+prod → P1, pos jobs → P2 in #noc. */
export const alertsYaml = `${teamConfigYaml()}
oncall:
  rotations:
    - name: primary
      members: [${users.alice.id}, ${users.bob.id}]
      handover: ["09:00", "21:00"]
      start: "2026-11-01"
alerts:
  repeat_note: 1h
  routes:
    - match: { severity: critical, env: prod }
      priority: P1
    - match: { job: "/pos-.*/" }
      priority: P2
      channel: ${NOC}
      customer: 上海示例连锁超市
`;

export const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

export interface AmAlert {
  status?: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint?: string;
}

/** An Alertmanager v4 payload (the fixture's group fields) around `alerts`. */
export function amPayload(alerts: AmAlert[], status: 'firing' | 'resolved' = 'firing'): Record<string, unknown> {
  const base = fixture('alertmanager-v4.json');
  return {
    ...base,
    status,
    alerts: alerts.map((a) => ({
      status: a.status ?? status,
      labels: a.labels,
      annotations: a.annotations ?? { summary: `${a.labels.alertname} on ${a.labels.instance ?? '?'}` },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.internal:9090/graph?g0.expr=up+%3D%3D+0',
      fingerprint: a.fingerprint,
    })),
  };
}

/** `n` distinct firing alerts ("NodeDown" on host-0 … host-(n-1)). */
export const manyAlerts = (n: number, startsAt = '2026-11-25T01:59:00Z', extra: Record<string, string> = {}, prefix = 'f'): AmAlert[] =>
  Array.from({ length: n }, (_, i) => ({ labels: { alertname: 'NodeDown', instance: `host-${i}`, job: 'node', ...extra }, startsAt, fingerprint: `${prefix}${String(i).padStart(15, '0')}` }));

export const count = async (h: Harness, table: 'tickets' | 'alert_episodes' | 'alert_deliveries' | 'outbox') =>
  (await rows<{ n: number }>(h.store.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

/** Everything the alerts tests write: counts of every table they touch. */
export async function written(h: Harness): Promise<{ tickets: number; episodes: number; deliveries: number; outbox: number }> {
  return { tickets: await count(h, 'tickets'), episodes: await count(h, 'alert_episodes'), deliveries: await count(h, 'alert_deliveries'), outbox: await count(h, 'outbox') };
}

export const ticketsByTitle = (h: Harness, title: string) => h.store.db.select().from(tickets).where(eq(tickets.title, title)).orderBy(tickets.id);
export const episodesOfFingerprint = (h: Harness, fp: string) => h.store.db.select().from(alertEpisodes).where(eq(alertEpisodes.fingerprint, fp)).orderBy(alertEpisodes.id);
export const deliveriesOf = (h: Harness, fp: string) => h.store.db.select().from(alertDeliveries).where(eq(alertDeliveries.fingerprint, fp));
export const outboxReplies = (h: Harness, ticketId: number) =>
  h.store.db.select().from(outbox).where(sql`${outbox.kind} = 'reply' and ${outbox.targetKey} = ${`ticket:${ticketId}`}`).orderBy(outbox.id);

/** Everything of a message a reader sees: its text and blocks. */
export const textOf = (c: SlackCall) => `${c.args.text ?? ''} ${JSON.stringify(c.args.blocks ?? [])}`;
