// The Home tab catalogue: English first, then 简体中文 with the same keys (checked at start and in a test).
import { defineMessages } from '../../platform/i18n.js';

const en = {
  'home.title': 'opsdesk',
  'home.new_ticket': 'New ticket',
  'home.refresh': 'Refresh',
  'home.language': 'Language',
  'home.language_hint': 'Your language for opsdesk\'s forms and private messages. Channel messages use the team\'s language.',
} as const;

const zhCN: Record<keyof typeof en, string> = {
  'home.title': 'opsdesk 运维台',
  'home.new_ticket': '新建工单',
  'home.refresh': '刷新',
  'home.language': '语言',
  'home.language_hint': '你在 opsdesk 表单和私信中使用的语言。频道消息使用团队语言。',
};

defineMessages('home', en, zhCN);

declare module '../../platform/i18n.js' {
  interface Messages extends Record<keyof typeof en, string> {}
}
