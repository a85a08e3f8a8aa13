// The sentences of `export`'s flag errors (SPEC §5): which flag, what form it takes, what was given.
import { defineMessages } from '../platform/i18n.js';

const en = {
  'export.unknown': 'export expects one of: {exports}. Example: npm run opsdesk -- export audit --month 2026-11',
  'export.bad_month': '--month expects YYYY-MM, a month such as 2026-11; got "{value}".',
  'export.bad_time':
    '--{flag} expects an ISO date or time, such as 2026-11-01, 2026-11-01T08:00 (read in {zone}) or 2026-11-01T08:00:00+08:00; got "{value}".',
  'export.month_or_range': 'Give either --month YYYY-MM or --from/--to, not both.',
  'export.range_order': '--to ({to}) must be after --from ({from}).',
  'export.review_needs_from': 'export review takes whole months: give --from (the first month) with --to, or --month YYYY-MM.',
  'export.review_too_long': 'export review covers at most {max} months at a time; narrow --from/--to.',
};

const zhCN: Record<keyof typeof en, string> = {
  'export.unknown': 'export 需要以下之一：{exports}。例如：npm run opsdesk -- export audit --month 2026-11',
  'export.bad_month': '--month 需要 YYYY-MM 格式的月份，例如 2026-11；收到的是“{value}”。',
  'export.bad_time': '--{flag} 需要 ISO 日期或时间，例如 2026-11-01、2026-11-01T08:00（按 {zone} 时间）或 2026-11-01T08:00:00+08:00；收到的是“{value}”。',
  'export.month_or_range': '请只给出 --month YYYY-MM，或只给出 --from/--to，不要同时给出。',
  'export.range_order': '--to（{to}）必须晚于 --from（{from}）。',
  'export.review_needs_from': 'export review 按整月导出：给出 --to 时请同时给出 --from（起始月份），或使用 --month YYYY-MM。',
  'export.review_too_long': 'export review 一次最多导出 {max} 个月；请缩小 --from/--to 的范围。',
};

defineMessages('export', en, zhCN);

declare module '../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
