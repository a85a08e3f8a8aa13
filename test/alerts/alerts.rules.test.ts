// The pure rules of tickets from monitoring: the three payloads, route matching (exact, regex,
// order, default) and the fingerprint of a generic alert. No database.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { AlertPayloadError, deriveFingerprint, noteDue, parseAlertPayload, routeAlert } from '../../src/modules/alerts/index.js';
import { describeAlert } from '../../src/modules/alerts/alerts.rules.js';
import { translator } from '../../src/platform/i18n.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const env = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };
const routesOf = (yaml: string) => parseConfig(yaml, env).alerts.routes;

describe('alert payloads', () => {
  it('reads an Alertmanager v4 payload into one alert per entry, fingerprints namespaced', () => {
    const alerts = parseAlertPayload('alertmanager', fixture('alertmanager-v4.json'));
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      source: 'alertmanager',
      fingerprint: 'am:5c1f0ad2f6e7b3a1',
      status: 'firing',
      title: 'Store router unreachable',
      description: '10.12.0.1 has not answered ICMP for 5 minutes.',
      links: { generator: expect.stringContaining('prometheus.example.internal'), runbook: 'https://wiki.example.internal/runbooks/store-router' },
    });
    expect(alerts[0]!.startsAt?.toISOString()).toBe('2026-11-25T01:55:00.123Z');
    expect(alerts[0]!.endsAt).toBeUndefined(); // Go's zero time
    expect(alerts[0]!.labels).toMatchObject({ customer: '上海示例连锁超市', site: '12号门店', severity: 'critical' });
  });

  it('reads a Grafana payload with its values and links', () => {
    const [a] = parseAlertPayload('grafana', fixture('grafana.json'));
    expect(a).toMatchObject({
      source: 'grafana',
      fingerprint: 'grafana:3f7a1c9e0b2d4e58',
      title: 'POS disk above 90%',
      values: { B: '93.2', C: '1' },
      links: { dashboard: expect.stringContaining('/d/pos-hosts'), panel: expect.stringContaining('viewPanel=4'), silence: expect.stringContaining('/alerting/silence/new') },
    });
    expect(a!.startsAt?.toISOString()).toBe('2026-11-24T17:50:00.000Z');
  });

  it('takes unknown extra fields and refuses missing ones with a one-line reason', () => {
    expect(parseAlertPayload('generic', { title: 'Backup failed', status: 'firing', extra: { nested: true } })).toHaveLength(1);
    const reason = (endpoint: 'alertmanager' | 'grafana' | 'generic', body: unknown) => {
      try {
        parseAlertPayload(endpoint, body);
      } catch (err) {
        expect(err).toBeInstanceOf(AlertPayloadError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(reason('generic', { status: 'firing' })).toBe('title: is required (expected string)');
    expect(reason('generic', { title: 'x', status: 'burning' })).toBe('status: status "firing" or "resolved"');
    expect(reason('alertmanager', { version: '4', alerts: [] })).toBe('alerts: at least one alert');
    expect(reason('alertmanager', { version: '4', alerts: [{ status: 'firing', labels: {} }] })).toBe('alerts.0.startsAt: is required (expected string)');
    expect(reason('alertmanager', { version: '4', alerts: [{ status: 'firing', labels: {}, startsAt: 'yesterday' }] })).toMatch(/^alerts\.0\.startsAt: an RFC 3339 time/);
    expect(reason('alertmanager', { ...fixture('alertmanager-v4.json'), version: '3' })).toMatch(/^version: payload version "4"/);
    expect(reason('grafana', [1, 2])).toBe('expected a JSON object');
    expect(reason('generic', null)).toBe('expected a JSON object');
    for (const r of [reason('generic', { title: 'x\ny', status: 'nope' })]) expect(r).not.toContain('\n');
  });
});

describe('generic fingerprints', () => {
  it('is stable whatever the label order, and differs with the title or a label', () => {
    const a = deriveFingerprint('Disk full', { host: 'db1', mount: '/data' });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(deriveFingerprint('Disk full', { mount: '/data', host: 'db1' })).toBe(a);
    expect(deriveFingerprint(' Disk full ', { host: 'db1', mount: '/data' })).toBe(a);
    expect(deriveFingerprint('Disk full', { host: 'db2', mount: '/data' })).not.toBe(a);
    expect(deriveFingerprint('Disk nearly full', { host: 'db1', mount: '/data' })).not.toBe(a);
    expect(deriveFingerprint('Disk full', { host: 'db1' })).not.toBe(a);
  });

  it('derives the generic alert fingerprint from title, labels and customer/site/product, not severity', () => {
    const one = (body: Record<string, unknown>) => parseAlertPayload('generic', { title: 'Backup failed', status: 'firing', ...body })[0]!.fingerprint;
    const base = one({ labels: { job: 'nightly', host: 'nas1' } });
    expect(base).toMatch(/^generic:[0-9a-f]{16}$/);
    expect(one({ labels: { host: 'nas1', job: 'nightly' } })).toBe(base);
    expect(one({ labels: { host: 'nas1', job: 'nightly' }, severity: 'critical' })).toBe(base);
    expect(one({ labels: { host: 'nas1', job: 'nightly' }, customer: 'ACME' })).not.toBe(base);
    expect(one({ fingerprint: 'zbx-1234' })).toBe('generic:zbx-1234');
    // Alertmanager without a fingerprint: derived from the alert name and labels, stable too.
    const am = (labels: Record<string, string>) => parseAlertPayload('alertmanager', { alerts: [{ status: 'firing', labels, startsAt: '2026-11-25T00:00:00Z' }] })[0]!.fingerprint;
    expect(am({ alertname: 'X', a: '1', b: '2' })).toBe(am({ b: '2', alertname: 'X', a: '1' }));
  });
});

describe('alert routes', () => {
  const routes = routesOf(`
alerts:
  routes:
    - match: { severity: critical, env: prod }
      priority: P1
      channel: C0NOC
    - match: { job: "/pos-.*|till/" }
      priority: P2
      customer: 上海示例连锁超市
    - match: { severity: critical }
      priority: P2
    - match: { instance: "/10\\\\.12\\\\..*/" }
      priority: P4
`);

  it('matches exact values: every label of the route must match', () => {
    expect(routeAlert(routes, { severity: 'critical', env: 'prod' })).toEqual({ priority: 'P1', channel: 'C0NOC', customer: undefined, route: 0 });
    expect(routeAlert(routes, { severity: 'critical', env: 'staging' }).priority).toBe('P2'); // falls to the third
    expect(routeAlert(routes, { severity: 'Critical', env: 'prod' }).priority).toBe('P3'); // case matters, as in Alertmanager
  });

  it('matches /regex/ against the whole label value', () => {
    expect(routeAlert(routes, { job: 'pos-12' })).toMatchObject({ priority: 'P2', customer: '上海示例连锁超市', route: 1 });
    expect(routeAlert(routes, { job: 'till' }).route).toBe(1);
    expect(routeAlert(routes, { job: 'xpos-12' }).priority).toBe('P3'); // anchored at the start…
    expect(routeAlert(routes, { job: 'tills' }).priority).toBe('P3'); // …and at the end
    expect(routeAlert(routes, { instance: '10.12.0.1' }).priority).toBe('P4');
    expect(routeAlert(routes, { instance: '10x12.0.1' }).priority).toBe('P3');
  });

  it('takes the first route that matches, in the order written', () => {
    expect(routeAlert(routes, { severity: 'critical', env: 'prod', job: 'pos-1' }).route).toBe(0);
    expect(routeAlert(routes, { severity: 'critical', job: 'pos-1' }).route).toBe(1);
  });

  it('defaults to P3, and a label that is absent matches only an empty matcher', () => {
    expect(routeAlert(routes, {})).toEqual({ priority: 'P3' });
    expect(routeAlert([], { severity: 'critical' })).toEqual({ priority: 'P3' });
    expect(routeAlert(routesOf('alerts:\n  routes:\n    - match: { team: "" }\n      priority: P4\n'), {}).priority).toBe('P4');
    expect(routeAlert(routesOf('alerts:\n  routes:\n    - match: {}\n      priority: P2\n'), { any: 'thing' }).priority).toBe('P2');
  });

  it('refuses a bad regex at load, naming the route and the label', () => {
    expect(() => routesOf('alerts:\n  routes:\n    - match: { severity: critical }\n      priority: P1\n    - match: { job: "/pos-(.*/" }\n      priority: P2\n')).toThrow(
      'opsdesk.yml:5: alerts.routes.1.match.job: not a valid regular expression /pos-(.*/ (Unterminated group)',
    );
    expect(() => routesOf('alerts:\n  routes:\n    - match: { severity: critical }\n      priority: P0\n')).toThrow(/alerts\.routes\.0\.priority/);
    expect(() => routesOf('alerts:\n  routes:\n    - match: { severity: critical }\n      priority: P1\n      channel: general\n')).toThrow(/alerts\.routes\.0\.channel: a Slack channel id/);
    expect(() => routesOf('alerts:\n  repeat_note: soon\n')).toThrow(/alerts\.repeat_note: a duration/);
    expect(parseConfig('', env).alerts).toEqual({ repeat_note: 60, customer: 'Monitoring', routes: [] });
  });
});

describe('repeat notes and descriptions', () => {
  it('notes the first repeat at once, then at most once per repeat_note', () => {
    const t0 = new Date('2026-11-25T02:00:00Z');
    expect(noteDue(null, t0, 60)).toBe(true);
    expect(noteDue(t0, new Date(t0.getTime() + 59 * 60_000), 60)).toBe(false);
    expect(noteDue(t0, new Date(t0.getTime() + 60 * 60_000), 60)).toBe(true);
  });

  it('describes an alert with its labels, values and links, in the workspace language', () => {
    const [a] = parseAlertPayload('grafana', fixture('grafana.json'));
    const en = describeAlert(a!, translator('en'), { previousKey: 'OPS-2026-3', max: 3000 });
    expect(en.split('\n')[0]).toBe('Fired again after OPS-2026-3 was resolved.');
    expect(en).toContain("The POS server's data disk is 93% full.");
    expect(en).toContain('Labels: alertname=POS disk almost full, grafana_folder=Stores, severity=warning, host=pos-12-01');
    expect(en).not.toContain('product='); // product has its own field on the ticket
    expect(en).toContain('Values: B=93.2, C=1');
    expect(en).toContain('Dashboard: https://grafana.example.internal/d/pos-hosts?orgId=1');
    expect(en).toContain('Silence: https://grafana.example.internal/alerting/silence/new');
    expect(describeAlert(a!, translator('zh-CN'), { max: 3000 })).toContain('仪表盘: https://grafana.example.internal/d/pos-hosts');
    expect(describeAlert(a!, translator('en'), { max: 50 })).toHaveLength(50);
  });
});
