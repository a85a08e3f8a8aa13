// The i18n machinery (SPEC §5). Each module keeps its own strings in `<module>.i18n.ts`, English and
// 简体中文 side by side, and registers them with `defineMessages`; its keys join `Messages` by
// declaration merging, so a missing or misspelt key is a type error wherever it is used.
// {name} is filled from params; {name|prefix} translates the value through the key "prefix.<value>".

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

/** Every key of every catalogue; modules add theirs (`declare module '…/platform/i18n.js'`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Messages {}
export type MessageKey = keyof Messages & string;
export type Params = Record<string, string | number>;

/** A catalogue that is not complete in both languages, or that redefines another one's key. */
export class CatalogueError extends Error {}

const catalogues: Record<Locale, Map<string, string>> = { en: new Map(), 'zh-CN': new Map() };
const owners = new Map<string, string>();

/**
 * Registers a module's strings. Both languages must have exactly the same keys, and no key may
 * belong to two catalogues: either mistake stops the app at start (and fails the i18n test).
 */
export function defineMessages<K extends string>(name: string, en: Readonly<Record<K, string>>, zhCN: Readonly<Record<K, string>>): void {
  const enKeys = Object.keys(en);
  const zhKeys = new Set(Object.keys(zhCN));
  const missing = [...enKeys.filter((k) => !zhKeys.has(k)).map((k) => `${k} (zh-CN)`), ...[...zhKeys].filter((k) => !(k in en)).map((k) => `${k} (en)`)];
  if (missing.length > 0) throw new CatalogueError(`the ${name} catalogue lacks ${missing.join(', ')}`);
  for (const key of enKeys) {
    const owner = owners.get(key);
    if (owner !== undefined && owner !== name) throw new CatalogueError(`the key ${key} is in both the ${owner} and the ${name} catalogues`);
  }
  for (const key of enKeys) {
    owners.set(key, name);
    catalogues.en.set(key, en[key as K]);
    catalogues['zh-CN'].set(key, zhCN[key as K]);
  }
}

/** The sentence for `key` in `locale`, with {name} placeholders filled from `params`. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale].get(key) ?? catalogues.en.get(key) ?? key;
  return template.replace(/\{(\w+)(?:\|([\w.]+))?\}/g, (whole: string, name: string, prefix?: string) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    if (!prefix) return value;
    return catalogues[locale].get(`${prefix}.${value}`) ?? value;
  });
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, params?: Params) => string;
const translators = new Map<Locale, Translate>();
/** The translator of a locale: one per locale, so what is built from it can be cached by it. */
export function translator(locale: Locale): Translate {
  let tr = translators.get(locale);
  if (!tr) translators.set(locale, (tr = (key, params) => t(locale, key, params)));
  return tr;
}

/** Every registered string of a language, by key (for the completeness test). */
export function catalogue(locale: Locale): ReadonlyMap<string, string> {
  return catalogues[locale];
}

/** Which catalogue registered each key. */
export function catalogueOwners(): ReadonlyMap<string, string> {
  return owners;
}

// The words every module shares.
const sharedEn = {
  'error.required': 'This field is required.',
  'error.too_long': 'Too long: at most {max} characters.',
  'error.unexpected': 'Sorry, something went wrong on our side. Nothing was lost; please try again. (reference {ref})',
  'error.store_busy': 'The embedded store in {dir} is in use by the running opsdesk app (pid {pid}).',

  'modal.cancel': 'Cancel',
  'app.not_built': '{command} is not available in this version of opsdesk yet.',
  'error.no_trigger': 'Slack did not send what opsdesk needs to open this form, so nothing was done. Please try again.',
} as const;

const sharedZh: Record<keyof typeof sharedEn, string> = {
  'error.required': '此项必填。',
  'error.too_long': '内容过长：最多 {max} 个字符。',
  'error.unexpected': '抱歉，系统出错了。数据没有丢失，请重试。（参考编号 {ref}）',
  'error.store_busy': '内置数据库 {dir} 正被运行中的 opsdesk 应用使用（进程 {pid}）。',

  'modal.cancel': '取消',
  'app.not_built': '当前版本的 opsdesk 尚未提供 {command}。',
  'error.no_trigger': 'Slack 没有发来打开此表单所需的信息，因此未做任何操作。请重试。',
};

defineMessages('shared', sharedEn, sharedZh);

export interface Messages extends Record<keyof typeof sharedEn, string> {}
