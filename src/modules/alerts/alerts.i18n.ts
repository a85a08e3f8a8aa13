// The alerts catalogue (系统告警): English first, then 简体中文 with the same keys.
import { defineMessages } from '../../platform/i18n.js';

const en = {
  'category.monitoring': 'Monitoring',
  'alert.desc.previous': 'Fired again after {key} was resolved.',
  'alert.desc.labels': 'Labels',
  'alert.desc.values': 'Values',
  'alert.desc.started': 'Firing since',
  'alert.desc.fingerprint': 'Alert fingerprint',
  'alert.link.generator': 'Source',
  'alert.link.dashboard': 'Dashboard',
  'alert.link.panel': 'Panel',
  'alert.link.silence': 'Silence',
  'alert.link.runbook': 'Runbook',
  'alert.note.repeated': ':repeat: Monitoring: *{title}* fired again — {count} time(s) since {since}.',
  'alert.note.resolved': ':white_check_mark: Monitoring reports resolved at {at}. Resolve the ticket with its cause and fix once you have checked.',
  'alert.note.refired': ':rotating_light: *{title}* fired again after this ticket was resolved: {key} opened.',
};

const zhCN: Record<keyof typeof en, string> = {
  'category.monitoring': '系统告警',
  'alert.desc.previous': '{key} 已解决后再次告警。',
  'alert.desc.labels': '标签',
  'alert.desc.values': '数值',
  'alert.desc.started': '告警开始',
  'alert.desc.fingerprint': '告警指纹',
  'alert.link.generator': '来源',
  'alert.link.dashboard': '仪表盘',
  'alert.link.panel': '面板',
  'alert.link.silence': '静默',
  'alert.link.runbook': '处理手册',
  'alert.note.repeated': ':repeat: 监控：*{title}* 再次告警 — 自 {since} 起共 {count} 次。',
  'alert.note.resolved': ':white_check_mark: 监控报告已于 {at} 恢复。核实后请填写原因和解决办法来解决工单。',
  'alert.note.refired': ':rotating_light: 本工单解决后 *{title}* 再次告警：已新建 {key}。',
};

defineMessages('alerts', en, zhCN);

declare module '../../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
