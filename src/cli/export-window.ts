// The time window of an export: --month YYYY-MM, or --from/--to (ISO; in the team's zone when no
// offset is given). A bad value is an ExportFlagError naming the flag and the form it expects.
import { DateTime } from 'luxon';
import { DomainError } from '../platform/errors.js';
import type { MessageKey, Params } from '../platform/i18n.js';
import { t } from '../platform/i18n.js';
import './export.i18n.js';

/** A bad export flag: its sentence (translated where it is shown) names the flag and the form it expects. */
export class ExportFlagError extends DomainError {
  constructor(key: MessageKey, params: Params = {}) {
    super('invalid', key, params);
    this.message = t('en', key, params);
  }
}

/** [from, to): either end may be open; `month` when the window came from --month. */
export interface ExportWindow {
  from?: Date;
  to?: Date;
  month?: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
// A date, or a date and time (minutes, seconds and fractions optional), with an optional offset.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function instant(flag: 'from' | 'to', value: string, zone: string): Date {
  const text = value.trim();
  const parsed = ISO.test(text) ? DateTime.fromISO(text.replace(' ', 'T'), { zone }) : undefined;
  if (!parsed?.isValid) {
    throw new ExportFlagError('export.bad_time', { flag, value, zone });
  }
  return parsed.toJSDate();
}

/** Reads --month/--from/--to into a window in `zone`; throws ExportFlagError on a bad or contradictory value. */
export function parseExportWindow(flags: { month?: string; from?: string; to?: string }, zone: string): ExportWindow {
  const { month, from, to } = flags;
  if (month !== undefined) {
    if (!MONTH.test(month.trim())) throw new ExportFlagError('export.bad_month', { value: month });
    if (from !== undefined || to !== undefined) throw new ExportFlagError('export.month_or_range');
    const start = DateTime.fromISO(`${month.trim()}-01`, { zone });
    return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate(), month: month.trim() };
  }
  const window: ExportWindow = {};
  if (from !== undefined) window.from = instant('from', from, zone);
  if (to !== undefined) window.to = instant('to', to, zone);
  if (window.from && window.to && window.from >= window.to) throw new ExportFlagError('export.range_order', { from: from!, to: to! });
  return window;
}

/** The window's bounds as SQL can compare them ('-infinity'/'infinity' for an open end). */
export function sqlBounds(window: ExportWindow): { from: string; to: string } {
  return { from: window.from?.toISOString() ?? '-infinity', to: window.to?.toISOString() ?? 'infinity' };
}

/** The months (YYYY-MM in `zone`) the window overlaps, for exports computed per month. */
export function monthsOf(window: ExportWindow, zone: string, now: Date, max = 120): string[] {
  if (window.month) return [window.month];
  if (!window.from) throw new ExportFlagError('export.review_needs_from');
  const last = DateTime.fromJSDate(new Date((window.to ?? now).getTime() - 1), { zone }).startOf('month');
  const months: string[] = [];
  for (let m = DateTime.fromJSDate(window.from, { zone }).startOf('month'); m <= last; m = m.plus({ months: 1 })) {
    months.push(m.toFormat('yyyy-MM'));
    if (months.length > max) throw new ExportFlagError('export.review_too_long', { max });
  }
  return months;
}
