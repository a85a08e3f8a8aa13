// The review chart's labels, titles and legends, English and 简体中文 side by side.
import { defineMessages } from '../../platform/i18n.js';

const en = {
  'review.chart.title': 'opsdesk monthly review · {month}',
  'review.chart.per_day': 'Tickets opened per day',
  'review.chart.per_week': 'SLA compliance per week',
  'review.chart.working_day': 'Working day',
  'review.chart.weekend': 'Weekend',
  'review.chart.holiday': 'Holiday',
  'review.chart.response': 'Response',
  'review.chart.resolution': 'Resolution',
  'review.chart.no_tickets': 'No tickets this month',
  'review.chart.no_targets': 'No SLA targets fell due this month',
  'review.chart.footnote': 'Weeks start on Monday; a target counts in the week it was met or fell due.',
} as const;

const zhCN: Record<keyof typeof en, string> = {
  'review.chart.title': 'opsdesk 月度回顾 · {month}',
  'review.chart.per_day': '每日新建工单数',
  'review.chart.per_week': '每周 SLA 达标率',
  'review.chart.working_day': '工作日',
  'review.chart.weekend': '周末',
  'review.chart.holiday': '节假日',
  'review.chart.response': '响应',
  'review.chart.resolution': '解决',
  'review.chart.no_tickets': '本月没有工单',
  'review.chart.no_targets': '本月没有到期的 SLA 目标',
  'review.chart.footnote': '每周从周一开始；目标计入其达成或到期的那一周。',
};

defineMessages('reviews-chart', en, zhCN);

declare module '../../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
