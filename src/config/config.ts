import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { withPreset } from './calendar-presets.js';
import type { Env } from './env.js';
import { opsdeskSchema, type OpsdeskFile } from './opsdesk.schema.js';

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];
export type Locale = 'en' | 'zh-CN';

/** A response/resolution pair, in minutes, on a calendar ("24x7" or a name from `calendars`). */
export interface SlaTarget {
  responseMinutes: number;
  resolutionMinutes: number;
  calendar: string;
}
export type SlaPolicy = Record<Priority, SlaTarget>;

/** The handbook's default policy: every fault resolved within 24 hours of the report, P1 faster. */
export const HANDBOOK_SLA: SlaPolicy = {
  P1: { responseMinutes: 15, resolutionMinutes: 4 * 60, calendar: '24x7' },
  P2: { responseMinutes: 30, resolutionMinutes: 8 * 60, calendar: '24x7' },
  P3: { responseMinutes: 2 * 60, resolutionMinutes: 24 * 60, calendar: '24x7' },
  P4: { responseMinutes: 4 * 60, resolutionMinutes: 24 * 60, calendar: '24x7' },
};

/** The whole configuration the app runs with: opsdesk.yml merged over built-in defaults and env. */
export interface Config {
  timezone: string;
  locale: Locale;
  publicUrl: string;
  channels: OpsdeskFile['channels'];
  roles: OpsdeskFile['roles'];
  calendars: OpsdeskFile['calendars'];
  sla: { default: SlaPolicy; customers: Record<string, SlaPolicy> };
  tickets: OpsdeskFile['tickets'];
  oncall: OpsdeskFile['oncall'];
  patrols: OpsdeskFile['patrols'];
  review: OpsdeskFile['review'];
  reports: OpsdeskFile['reports'];
  visits: OpsdeskFile['visits'];
  /** Tickets from monitoring: routes by labels, the repeat-note interval (minutes), the default customer. */
  alerts: OpsdeskFile['alerts'];
  /** Change requests: freeze periods as instants (resolved in `timezone`), durations in minutes. */
  changes: { freeze: FreezePeriod[]; emergency_approval: number; remind_before: number };
  /** Where the file came from, for the start-up log. */
  source: string;
}

/** A change freeze: ordinary changes whose window overlaps [from, to) are refused with `reason`. */
export interface FreezePeriod {
  from: Date;
  to: Date;
  reason: string;
}

/** A bad opsdesk.yml: the message names the key path and line. */
export class ConfigError extends Error {}

/** Reads opsdesk.yml (OPSDESK_CONFIG, else ./opsdesk.yml, else built-in defaults) and validates it. */
export function loadConfig(env: Pick<Env, 'configPath' | 'tzDefault' | 'localeDefault' | 'publicUrl'>): Config {
  const path = env.configPath ?? (existsSync('opsdesk.yml') ? 'opsdesk.yml' : undefined);
  if (env.configPath && !existsSync(env.configPath)) {
    throw new ConfigError(`OPSDESK_CONFIG points at ${env.configPath}, which does not exist`);
  }
  const text = path ? readFileSync(path, 'utf8') : '';
  return parseConfig(text, env, path ?? 'built-in defaults');
}

/** Validates the text of an opsdesk.yml; exported for tests. */
export function parseConfig(
  text: string,
  env: Pick<Env, 'tzDefault' | 'localeDefault' | 'publicUrl'>,
  source = 'opsdesk.yml',
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new ConfigError(`${source}${line ? `:${line}` : ''}: not valid YAML (${err.message.split('\n')[0]})`);
  }
  const raw = doc.toJS() ?? {};
  const parsed = opsdeskSchema.safeParse(raw);
  const where = (path: readonly PropertyKey[]) => {
    const node = nodeAt(doc.contents as Node | null, path);
    const offset = node?.range?.[0];
    const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
    return `${source}${line ? `:${line}` : ''}: ${path.map(String).join('.') || '(top level)'}`;
  };
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let path = issue.path;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      path = [...issue.path, issue.keys[0]!];
      message = `unknown key (expected one of the documented keys; see opsdesk.example.yml)`;
    } else if (issue.code === 'invalid_key') {
      message = issue.issues[0]?.message ?? message;
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      message = `is required (expected ${issue.expected})`;
    }
    throw new ConfigError(`${where(path)}: ${message}`);
  }
  const file = parsed.data;
  const calendarNames = new Set(['24x7', ...Object.keys(file.calendars)]);
  const checkPolicy = (policy: OpsdeskFile['sla']['default'], path: string[], base: SlaPolicy): SlaPolicy => {
    const out = { ...base };
    for (const [p, t] of Object.entries(policy) as [Priority, NonNullable<(typeof policy)[Priority]>][]) {
      if (t.calendar && !calendarNames.has(t.calendar)) {
        throw new ConfigError(`${where([...path, p, 'calendar'])}: unknown calendar "${t.calendar}" (expected 24x7 or one of calendars)`);
      }
      if (t.response > t.resolution) {
        throw new ConfigError(`${where([...path, p, 'response'])}: the response target is longer than the resolution target`);
      }
      out[p] = { responseMinutes: t.response, resolutionMinutes: t.resolution, calendar: t.calendar ?? '24x7' };
    }
    return out;
  };
  const slaDefault = checkPolicy(file.sla.default, ['sla', 'default'], HANDBOOK_SLA);
  const customers: Record<string, SlaPolicy> = {};
  for (const [name, policy] of Object.entries(file.sla.customers)) {
    customers[name] = checkPolicy(policy, ['sla', 'customers', name], slaDefault);
  }
  file.patrols.forEach((p, i) => {
    if (p.category !== undefined && !file.tickets.categories.includes(p.category)) {
      throw new ConfigError(`${where(['patrols', i, 'category'])}: unknown category "${p.category}" (expected one of tickets.categories)`);
    }
    if (p.calendar !== undefined && p.calendar !== '24x7' && !(p.calendar in file.calendars)) {
      throw new ConfigError(`${where(['patrols', i, 'calendar'])}: unknown calendar "${p.calendar}" (expected 24x7 or one of calendars)`);
    }
  });
  if (file.reports.calendar !== undefined && !(file.reports.calendar in file.calendars)) {
    throw new ConfigError(`${where(['reports', 'calendar'])}: unknown calendar "${file.reports.calendar}" (expected one of calendars)`);
  }
  const timezone = env.tzDefault ?? file.timezone ?? 'Asia/Shanghai';
  const freeze = file.changes.freeze.map((f, i) => {
    const period = { from: localInstant(f.from, timezone, false), to: localInstant(f.to, timezone, true), reason: f.reason };
    if (period.to.getTime() <= period.from.getTime()) {
      throw new ConfigError(`${where(['changes', 'freeze', i, 'to'])}: the freeze ends before it starts (to "${f.to}" is not after from "${f.from}")`);
    }
    return period;
  });
  return {
    timezone,
    locale: env.localeDefault ?? file.locale ?? 'en',
    publicUrl: env.publicUrl,
    channels: file.channels,
    roles: file.roles,
    calendars: Object.fromEntries(Object.entries(file.calendars).map(([name, def]) => [name, withPreset(def)])),
    sla: { default: slaDefault, customers },
    tickets: file.tickets,
    oncall: file.oncall,
    patrols: file.patrols,
    review: file.review,
    reports: file.reports,
    visits: file.visits,
    alerts: file.alerts,
    changes: { freeze, emergency_approval: file.changes.emergency_approval, remind_before: file.changes.remind_before },
    source,
  };
}

/** "2026-12-20" or "2026-12-20 18:00" in `zone`; a date alone is its start, or with `endOfDay` the next midnight. */
function localInstant(text: string, zone: string, endOfDay: boolean): Date {
  const dateOnly = text.length === 10;
  const at = DateTime.fromISO(text.replace(' ', 'T'), { zone });
  return (dateOnly && endOfDay ? at.plus({ days: 1 }) : at).toJSDate();
}

/** The YAML node at a key path (the key itself for map entries), or the closest ancestor that exists. */
function nodeAt(root: Node | null, path: readonly PropertyKey[]): Node | null {
  let node: Node | null = root;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) return node;
      // Point at the key: a block value starts on the next line, the key is where the reader looks.
      node = i === path.length - 1 ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
