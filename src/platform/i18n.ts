import { en } from './i18n/en.js';
import { zhCN } from './i18n/zh-CN.js';

export type Locale = 'en' | 'zh-CN';
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** The sentence for `key` in `locale`, with {name} placeholders filled from `params`. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale][key] ?? en[key];
  return template.replace(/\{(\w+)(?:\|([\w.]+))?\}/g, (whole: string, name: string, prefix?: string) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    if (!prefix) return value;
    const nested = catalogues[locale][`${prefix}.${value}` as MessageKey];
    return nested ?? value;
  });
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, params?: Params) => string;
export const translator = (locale: Locale): Translate => (key, params) => t(locale, key, params);

/** Every key of every catalogue, for the completeness test. */
export const catalogueKeys = { en: Object.keys(en), 'zh-CN': Object.keys(zhCN) } as const;
