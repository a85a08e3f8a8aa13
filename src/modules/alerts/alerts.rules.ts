// Pure rules of tickets from monitoring (SPEC §3.10): the three payloads (Alertmanager v4, Grafana
// Alerting's webhook, the generic JSON) checked with zod and turned into one alert shape, the
// fingerprint of a generic alert, the first matching route of `alerts.routes`, and the ticket's
// title and description. No I/O.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config, Priority } from '../../config/config.js';
import type { Translate } from '../../platform/i18n.js';
import type { AlertSource, AlertStatus } from './alerts.table.js';

/** Most alerts one payload may carry (Alertmanager's `max_alerts` can keep groups under it). */
export const MAX_ALERTS_PER_PAYLOAD = 1000;
/** Largest body taken; the rest is not read (413). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The category of every ticket monitoring opens (not offered in the form). */
export const MONITORING_CATEGORY = 'monitoring';

/** One alert as all three endpoints deliver it. */
export interface IncomingAlert {
  source: AlertSource;
  /** Namespaced by source ("am:…", "grafana:…", "generic:…"), so two systems never share one. */
  fingerprint: string;
  status: AlertStatus;
  /** When this firing started; the generic endpoint may leave it out. */
  startsAt?: Date;
  /** When monitoring says it ended (resolved alerts). */
  endsAt?: Date;
  /** What the ticket calls it: summary/title annotation, else the alert name. */
  title: string;
  description?: string;
  labels: Record<string, string>;
  values?: Record<string, string>;
  links: Partial<Record<AlertLink, string>>;
}
export type AlertLink = 'generator' | 'dashboard' | 'panel' | 'silence' | 'runbook';

const text = z.string();
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? '' : String(v))));
/** RFC 3339 as Alertmanager and Grafana write it; Go's zero time ("0001-01-01T00:00:00Z") means unset. */
const time = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'an RFC 3339 time such as 2026-11-25T02:00:00Z')
  .transform((v) => (v.startsWith('0001-01-01') ? undefined : new Date(v)));
const status = z.enum(['firing', 'resolved'], { message: 'status "firing" or "resolved"' });
const optionalUrl = z.string().optional();

const alertmanagerAlert = z.object({
  status,
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: optionalUrl,
  fingerprint: z.string().min(1).max(200).optional(),
});

/** Prometheus Alertmanager's webhook, payload version 4. Extra fields are fine. */
export const alertmanagerPayload = z.object({
  version: z.literal('4', { message: 'payload version "4" (Alertmanager\'s webhook)' }).optional(),
  status: status.optional(),
  receiver: text.optional(),
  groupKey: text.optional(),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: optionalUrl,
  alerts: z.array(alertmanagerAlert).min(1, 'at least one alert').max(MAX_ALERTS_PER_PAYLOAD, `at most ${MAX_ALERTS_PER_PAYLOAD} alerts per payload (set max_alerts)`),
});

/** Grafana Alerting's webhook contact point: Alertmanager's shape plus values and links. */
export const grafanaPayload = z.object({
  status: status.optional(),
  receiver: text.optional(),
  orgId: z.number().optional(),
  alerts: z
    .array(
      alertmanagerAlert.extend({
        values: stringMap.nullish(),
        valueString: text.optional(),
        dashboardURL: optionalUrl,
        panelURL: optionalUrl,
        silenceURL: optionalUrl,
      }),
    )
    .min(1, 'at least one alert')
    .max(MAX_ALERTS_PER_PAYLOAD, `at most ${MAX_ALERTS_PER_PAYLOAD} alerts per payload`),
});

/** The generic endpoint, for anything else (a shell script, a Zabbix media type). */
export const genericPayload = z.object({
  title: z.string().trim().min(1, 'a title').max(500),
  description: z.string().max(20_000).optional(),
  severity: z.string().max(100).optional(),
  status,
  fingerprint: z.string().trim().min(1).max(200).optional(),
  customer: z.string().trim().min(1).max(100).optional(),
  site: z.string().trim().min(1).max(150).optional(),
  product: z.string().trim().min(1).max(75).optional(),
  labels: stringMap.optional(),
  startsAt: time.optional(),
  endsAt: time.optional(),
  url: optionalUrl,
});

export type AlertEndpoint = AlertSource;
const SCHEMAS = { alertmanager: alertmanagerPayload, grafana: grafanaPayload, generic: genericPayload } as const;

/** A payload that cannot be taken: one line saying why (the 400's body). */
export class AlertPayloadError extends Error {}

/** Parses a body of `endpoint` into alerts, or throws AlertPayloadError with a one-line reason. */
export function parseAlertPayload(endpoint: AlertEndpoint, body: unknown): IncomingAlert[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AlertPayloadError('expected a JSON object');
  const parsed = SCHEMAS[endpoint].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.');
    const message = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? `is required (expected ${issue.expected})` : issue.message;
    throw new AlertPayloadError(`${where || 'payload'}: ${message}`.replace(/\s+/g, ' ').slice(0, 300));
  }
  if (endpoint === 'generic') return [fromGeneric(parsed.data as z.infer<typeof genericPayload>)];
  const data = parsed.data as z.infer<typeof grafanaPayload>;
  return data.alerts.map((a) => {
    const labels = a.labels;
    const annotations = a.annotations;
    const links: IncomingAlert['links'] = {
      generator: a.generatorURL || undefined,
      dashboard: a.dashboardURL || undefined,
      panel: a.panelURL || undefined,
      silence: a.silenceURL || undefined,
      runbook: annotations.runbook_url || undefined,
    };
    const prefix = endpoint === 'alertmanager' ? 'am' : 'grafana';
    return {
      source: endpoint,
      fingerprint: `${prefix}:${a.fingerprint ?? deriveFingerprint(labels.alertname ?? '', labels)}`,
      status: a.status,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      title: annotations.summary || annotations.title || labels.alertname || 'alert',
      description: annotations.description || annotations.message || undefined,
      labels,
      values: a.values ?? (a.valueString ? { value: a.valueString } : undefined),
      links: dropEmpty(links),
    };
  });
}

function fromGeneric(g: z.infer<typeof genericPayload>): IncomingAlert {
  // customer, site and product are part of what the alert is about: they join the labels (and the
  // derived fingerprint); severity does not, so a changed severity is the same alert.
  const labels: Record<string, string> = { ...(g.labels ?? {}) };
  if (g.customer) labels.customer ??= g.customer;
  if (g.site) labels.site ??= g.site;
  if (g.product) labels.product ??= g.product;
  const identity = { ...labels };
  if (g.severity) labels.severity ??= g.severity;
  return {
    source: 'generic',
    fingerprint: `generic:${g.fingerprint ?? deriveFingerprint(g.title, identity)}`,
    status: g.status,
    startsAt: g.startsAt,
    endsAt: g.endsAt,
    title: g.title,
    description: g.description,
    labels,
    links: dropEmpty({ generator: g.url || undefined }),
  };
}

function dropEmpty<T extends Record<string, string | undefined>>(o: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as Partial<Record<keyof T, string>>;
}

/**
 * A stable fingerprint from a title and labels: the same title and label set give the same value
 * whatever the order of the labels, any difference gives another (16 hex digits, as Alertmanager's).
 */
export function deriveFingerprint(title: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify([title.trim(), sorted])).digest('hex').slice(0, 16);
}

export type AlertRoute = Config['alerts']['routes'][number];

/** Does one matcher ("value" or "/regex/", anchored) accept a label value (absent = "")? */
export function matches(matcher: string, value: string | undefined): boolean {
  const v = value ?? '';
  if (matcher.length >= 2 && matcher.startsWith('/') && matcher.endsWith('/')) {
    return regexOf(matcher).test(v);
  }
  return matcher === v;
}
const regexCache = new Map<string, RegExp>();
function regexOf(matcher: string): RegExp {
  let re = regexCache.get(matcher);
  if (!re) regexCache.set(matcher, (re = new RegExp(`^(?:${matcher.slice(1, -1)})$`, 'u')));
  return re;
}

/** What the routes decide for an alert's labels: the first route whose every matcher holds, else P3. */
export function routeAlert(routes: readonly AlertRoute[], labels: Record<string, string>): { priority: Priority; customer?: string; channel?: string; route?: number } {
  for (const [i, r] of routes.entries()) {
    if (Object.entries(r.match).every(([label, m]) => matches(m, labels[label]))) {
      return { priority: r.priority, customer: r.customer, channel: r.channel, route: i };
    }
  }
  return { priority: 'P3' };
}

/** The customer of an alert's ticket: its `customer` label, else the route's, else alerts.customer. */
export function customerOf(alert: IncomingAlert, route: { customer?: string }, fallback: string): string {
  return (alert.labels.customer?.trim() || route.customer || fallback).slice(0, 100);
}

/** Labels shown on the ticket: every label but the ones it has its own fields for. */
const OWN_FIELDS = new Set(['customer', 'site', 'product']);

/** The ticket's description: what monitoring says, the labels, the values and the links. */
export function describeAlert(alert: IncomingAlert, tr: Translate, opts: { previousKey?: string; max: number }): string {
  const lines: string[] = [];
  if (opts.previousKey) lines.push(tr('alert.desc.previous', { key: opts.previousKey }), '');
  if (alert.description) lines.push(alert.description.trim(), '');
  const labels = Object.entries(alert.labels).filter(([k]) => !OWN_FIELDS.has(k));
  if (labels.length) lines.push(`${tr('alert.desc.labels')}: ${labels.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const values = Object.entries(alert.values ?? {});
  if (values.length) lines.push(`${tr('alert.desc.values')}: ${values.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (alert.startsAt) lines.push(`${tr('alert.desc.started')}: ${alert.startsAt.toISOString()}`);
  for (const [kind, url] of Object.entries(alert.links)) lines.push(`${tr(`alert.link.${kind as AlertLink}`)}: ${url}`);
  lines.push(`${tr('alert.desc.fingerprint')}: ${alert.fingerprint}`);
  const out = lines.join('\n').trim();
  return out.length <= opts.max ? out : `${out.slice(0, opts.max - 1)}…`;
}

/** A title within the ticket's limit. */
export function alertTitle(alert: IncomingAlert, max: number): string {
  const t = alert.title.replace(/\s+/g, ' ').trim() || 'alert';
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * Is a repeat note due? The first firing again is noted at once; after that at most one note per
 * `repeatNote` minutes, which then counts every firing since the last note.
 */
export function noteDue(lastNoteAt: Date | null, now: Date, repeatNoteMinutes: number): boolean {
  return lastNoteAt === null || now.getTime() - lastNoteAt.getTime() >= repeatNoteMinutes * 60_000;
}
