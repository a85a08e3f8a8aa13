// POST /alerts/* against the real app over HTTP, with the fake Slack: the bearer token, bad content
// type, bad JSON, missing fields and bodies over 1 MB are refused with nothing written; 100 alerts
// in one payload are answered 200 within 2 s; a P1 alert takes the urgent path (escalation post,
// on-call page) and an alert's ticket is posted like any other.
import { request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeName } from '../support/db.js';
import { ESCALATION, SUPPORT, useHarness, users, type Harness } from '../support/harness.js';
import { alertsYaml, amPayload, fixture, manyAlerts, TOKEN, textOf, written } from './support.js';

const NOW = '2026-11-25T02:00:00Z'; // 10:00 in Shanghai: alice is on call

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Posts raw bytes to the app (fetch: one request, one answer). */
async function post(h: Harness, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${h.opsdesk.port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const postJson = (h: Harness, path: string, body: unknown, headers: Record<string, string> = {}) => post(h, path, JSON.stringify(body), headers);

/** Streams `size` bytes without a Content-Length (chunked): the app must stop reading at 1 MB. */
function streamBody(h: Harness, path: string, size: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let stop = false;
    const req = request({ host: '127.0.0.1', port: h.opsdesk.port, path, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' } }, (res) => {
      stop = true;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sent }));
    });
    req.on('error', (err) => (stop ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk[0] = 0x7b; // "{" then spaces: JSON that never ends
    const pump = () => {
      while (!stop && sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!stop) req.end();
    };
    pump();
  });
}

describe(`alert endpoints over HTTP (${storeName})`, () => {
  const h = useHarness({ yaml: alertsYaml, now: NOW, eachTestAt: NOW, alertsToken: TOKEN });
  beforeEach(() => h.slack.reset());

  it('refuses a missing or wrong token with 401 and writes nothing', async () => {
    const before = await written(h);
    const body = JSON.stringify(fixture('alertmanager-v4.json'));
    for (const authorization of ['', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer  ${TOKEN} extra`]) {
      const res = await post(h, '/alerts/alertmanager', body, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: 'unauthorized' });
    }
    const bare = await fetch(`http://127.0.0.1:${h.opsdesk.port}/alerts/grafana`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(bare.status).toBe(401);
    expect(await written(h)).toEqual(before);
  });

  it('refuses bad JSON, a wrong content type and missing fields with 400 and a one-line reason, writing nothing', async () => {
    const before = await written(h);
    const cases: [string, string | Buffer, Record<string, string>, RegExp][] = [
      ['/alerts/alertmanager', '{"version": "4", "alerts": [', {}, /^the body is not JSON/],
      ['/alerts/alertmanager', JSON.stringify(fixture('alertmanager-v4.json')), { 'content-type': 'text/plain' }, /^expected Content-Type: application\/json, got text\/plain$/],
      ['/alerts/grafana', 'alerts=1', { 'content-type': 'application/x-www-form-urlencoded' }, /^expected Content-Type: application\/json/],
      ['/alerts/generic', JSON.stringify({ status: 'firing' }), {}, /^title: is required/],
      ['/alerts/generic', JSON.stringify({ title: 'x', status: 'on fire' }), {}, /^status: status "firing" or "resolved"$/],
      ['/alerts/alertmanager', JSON.stringify({ version: '4', alerts: [{ status: 'firing', labels: { alertname: 'X' } }] }), {}, /^alerts\.0\.startsAt: is required/],
      ['/alerts/grafana', JSON.stringify({ alerts: 'none' }), {}, /^alerts: /],
      ['/alerts/generic', 'null', {}, /^expected a JSON object$/],
      ['/alerts/generic', '', {}, /^the body is not JSON/],
    ];
    for (const [path, body, headers, reason] of cases) {
      const res = await post(h, path, body, headers);
      expect(res.status, `${path} ${String(body).slice(0, 40)}`).toBe(400);
      expect(res.body.reason).toMatch(reason);
      expect(String(res.body.reason)).not.toContain('\n');
    }
    expect(await written(h)).toEqual(before);
  });

  it('refuses a body over 1 MB with 413, declared or streamed, and stops reading at the limit', async () => {
    const before = await written(h);
    const big = JSON.stringify(amPayload(manyAlerts(1, NOW, { padding: 'x'.repeat(1024 * 1024) })));
    expect((await post(h, '/alerts/alertmanager', big)).status).toBe(413);
    const streamed = await streamBody(h, '/alerts/generic', 8 * 1024 * 1024);
    expect(streamed.status).toBe(413);
    expect(streamed.sent).toBeLessThan(8 * 1024 * 1024); // answered before the sender was done
    expect(await written(h)).toEqual(before);
    // The app keeps serving.
    expect((await fetch(`http://127.0.0.1:${h.opsdesk.port}/healthz`)).status).toBe(200);
  });

  it('answers a payload of 100 alerts with 200 within 2 s: 100 tickets, one transaction, posts through the outbox', async () => {
    const before = await written(h);
    const body = amPayload(manyAlerts(100, '2026-11-25T01:59:00Z', { job: 'node-100' }));
    const started = performance.now();
    const res = await postJson(h, '/alerts/alertmanager', body);
    const ms = performance.now() - started;
    expect(res.status).toBe(200);
    // SPEC §7: within 2 s (npm run bench -- alerts measures it on Postgres). On a shared machine
    // whose CPUs are oversubscribed the bound stretches by the oversubscription, never below 2 s.
    const oversubscribed = Math.max(1, loadavg()[0]! / availableParallelism());
    expect(ms).toBeLessThan(2000 * oversubscribed);
    expect(res.body).toMatchObject({ ok: true, received: 100, repeated: 0, duplicates: 0 });
    expect(res.body.opened as string[]).toHaveLength(100);
    const after = await written(h);
    expect(after.tickets - before.tickets).toBe(100);
    expect(after.episodes - before.episodes).toBe(100);
    // Sent again (Alertmanager retries, HA peers): 200, nothing new.
    const again = await postJson(h, '/alerts/alertmanager', body);
    expect(again.body).toMatchObject({ ok: true, opened: [], duplicates: 100 });
    expect(await written(h)).toEqual(after);
    await h.deliver(20_000);
    expect(h.slack.posted().filter((c) => c.args.channel === SUPPORT && !c.args.thread_ts)).toHaveLength(100);
  });

  it('takes a P1 alert down the urgent path: escalation post and the on-call engineer paged', async () => {
    const res = await postJson(h, '/alerts/alertmanager', amPayload([{ labels: { alertname: 'CoreSwitchDown', instance: 'core-1', severity: 'critical', env: 'prod' }, startsAt: '2026-11-25T01:59:30Z', fingerprint: 'p100000000000001' }]));
    expect(res.status).toBe(200);
    const [key] = res.body.opened as string[];
    await h.deliver();
    const escalation = h.slack.posted().filter((c) => c.args.channel === ESCALATION && textOf(c).includes(key!));
    expect(escalation).toHaveLength(1);
    expect(textOf(escalation[0]!)).toContain('urgent path');
    const page = h.slack.posted().filter((c) => c.args.channel === h.slack.dmChannelFor(users.alice.id) && textOf(c).includes(key!));
    expect(page.length).toBeGreaterThanOrEqual(1);
    expect(h.slack.posted().filter((c) => c.args.channel === h.slack.dmChannelFor(users.bob.id) && textOf(c).includes(key!) && textOf(c).includes('oncall.page'))).toHaveLength(0);
  });

  it('takes Grafana and generic payloads end to end, and a resolved alert replies in the thread', async () => {
    const g = await postJson(h, '/alerts/grafana', fixture('grafana.json'));
    expect(g).toMatchObject({ status: 200, body: { ok: true } });
    const generic = { title: 'Nightly backup failed', description: 'rsync exit 23', status: 'firing', customer: 'HQ', labels: { host: 'nas-1' } };
    const first = await postJson(h, '/alerts/generic', generic);
    expect(first.body.opened as string[]).toHaveLength(1);
    await h.deliver();
    const resolved = await postJson(h, '/alerts/generic', { ...generic, status: 'resolved' });
    expect(resolved.body).toMatchObject({ resolved: 1 });
    await h.deliver();
    const replies = h.slack.posted().filter((c) => c.args.thread_ts && textOf(c).includes('Monitoring reports resolved'));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args.channel).toBe(SUPPORT);
  });

  it('answers other methods with 405', async () => {
    expect((await fetch(`http://127.0.0.1:${h.opsdesk.port}/alerts/generic`)).status).toBe(405);
  });
});

describe(`alert endpoints without ALERTS_TOKEN (${storeName})`, () => {
  const h = useHarness({ yaml: alertsYaml, now: NOW });

  it('do not exist: 404 with or without a token, nothing written', async () => {
    const before = await written(h);
    for (const path of ['/alerts/alertmanager', '/alerts/grafana', '/alerts/generic']) {
      expect((await postJson(h, path, fixture('alertmanager-v4.json'))).status).toBe(404);
      expect((await postJson(h, path, fixture('alertmanager-v4.json'), { authorization: '' })).status).toBe(404);
    }
    expect(await written(h)).toEqual(before);
  });
});
