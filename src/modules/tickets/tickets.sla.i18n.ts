// The tickets' SLA catalogue (clocks, warnings, breaches, the urgent path, Extend): English first,
// then 简体中文 with the same keys (checked at start and in a test).
import { defineMessages } from '../../platform/i18n.js';

const en = {
  'sla.target.response': 'response',
  'sla.target.resolution': 'resolution',
  'sla.warning.thread': ':warning: {key} has used 75% of its {target} time: due {due}.',
  'sla.warning.dm': ':warning: {link} {title} has used 75% of its {target} time: due {due}.',
  'sla.breach.post': ':rotating_light: {supervisors} {link} {title} breached its {target} target by {late} (due {due}). Assignee: {assignee}.',
  'sla.breach.thread': ':rotating_light: {target} target breached by {late} (was due {due}). Escalated to the supervisors.',
  'sla.urgent.post': ':rotating_light: P1 {supervisors} {link} {title} ({customer}) — urgent path: resolve by {due}.',
  'sla.urgent.dm': ':rotating_light: New P1 {link} {title} ({customer}): resolve by {due}.',
  'sla.no_supervisors': '(no supervisors configured)',
  'sla.business_hours': '(business hours: {calendar})',
  'sla.paused': 'paused — waiting on customer',
  'sla.warned': ':warning:',
  'sla.breached': ':rotating_light: breached',
  'sla.error.committed_in_past': 'The new committed time must be in the future.',
  'sla.explain.title': 'SLA',
  'sla.explain.policy': '{priority} policy{customer}: respond within {response}, resolve within {resolution}, on {calendar}.',
  'sla.explain.customer_policy': ' of {customer}',
  'sla.explain.paused': 'Paused {minutes} min of working time while waiting on the customer; the due time moved by that much.',
  'sla.explain.paused_extended': 'Paused {minutes} min of working time in all while waiting on the customer; waiting before an extension is in its committed time, waiting after it moved the due time.',
  'sla.explain.extension': 'Extended {at} by {user}: was due {from}, now {to}; consent: {name} ({method}). Plan: {plan}',
  'sla.explain.breach': 'Breached: {target} target (due {due}).',
  'sla.calendar.24x7': '24×7',
  'form.extend_title': 'Extend resolution',
  'form.extend_submit': 'Extend',
  'form.extend_intro': '*{key}* cannot be resolved in time? Record the technical plan and the new time the customer agreed to (须客户同意).',
  'form.plan': 'Technical plan',
  'form.committed_at': 'New committed time',
} as const;

const zhCN: Record<keyof typeof en, string> = {
  'sla.target.response': '响应',
  'sla.target.resolution': '解决',
  'sla.warning.thread': ':warning: {key} 的{target}时限已用去 75%：截止 {due}。',
  'sla.warning.dm': ':warning: {link} {title} 的{target}时限已用去 75%：截止 {due}。',
  'sla.breach.post': ':rotating_light: {supervisors} {link} {title} 已超出{target}时限 {late}（截止 {due}）。处理人：{assignee}。',
  'sla.breach.thread': ':rotating_light: 已超出{target}时限 {late}（原截止 {due}），已升级给主管。',
  'sla.urgent.post': ':rotating_light: P1 {supervisors} {link} {title}（{customer}）— 特殊流程：须于 {due} 前解决。',
  'sla.urgent.dm': ':rotating_light: 新 P1 工单 {link} {title}（{customer}）：须于 {due} 前解决。',
  'sla.no_supervisors': '（未配置主管）',
  'sla.business_hours': '（工作时间：{calendar}）',
  'sla.paused': '已暂停 — 等待客户',
  'sla.warned': ':warning:',
  'sla.breached': ':rotating_light: 已超时',
  'sla.error.committed_in_past': '新的承诺时间必须晚于现在。',
  'sla.explain.title': '服务时限',
  'sla.explain.policy': '{priority} 策略{customer}：{response} 内响应，{resolution} 内解决，按{calendar}计时。',
  'sla.explain.customer_policy': '（{customer}）',
  'sla.explain.paused': '等待客户期间暂停了 {minutes} 分钟工作时间，截止时间相应顺延。',
  'sla.explain.paused_extended': '等待客户期间共暂停了 {minutes} 分钟工作时间；延期前的等待已计入新承诺时间，延期后的等待使截止时间相应顺延。',
  'sla.explain.extension': '{at} 由 {user} 延期：原截止 {from}，现为 {to}；客户同意：{name}（{method}）。技术方案：{plan}',
  'sla.explain.breach': '已超时：{target}时限（截止 {due}）。',
  'sla.calendar.24x7': '7×24 小时',
  'form.extend_title': '延长解决时限',
  'form.extend_submit': '延期',
  'form.extend_intro': '*{key}* 无法按时解决？请记录技术方案和客户同意的新承诺时间。',
  'form.plan': '技术方案',
  'form.committed_at': '新承诺时间',
};

defineMessages('tickets.sla', en, zhCN);

declare module '../../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
