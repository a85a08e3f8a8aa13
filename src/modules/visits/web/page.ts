// The customer's sign-off page (SPEC §3.2): small, mobile-first, en and zh-CN. Pure HTML rendering;
// every value that came from a person is escaped.
import { DateTime } from 'luxon';
import { t, type Locale, type MessageKey, type Params } from '../../../platform/i18n.js';
import type { SignoffProblem } from '../signoff.rules.js';
import type { VisitOrderView } from '../visits.service.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#eef1f4;color:#1f2a36}
main{max-width:560px;margin:0 auto;padding:16px}
.top{display:flex;justify-content:space-between;align-items:center;gap:12px;margin-bottom:12px}
.brand{font-weight:700;letter-spacing:.02em;color:#1f2a36}
.lang{white-space:nowrap;flex-shrink:0}
.lang a{color:#2b6cb0;text-decoration:none;margin-left:12px;padding:6px 0;display:inline-block}
.lang a[aria-current]{font-weight:700;color:#1f2a36}
.card{background:#fff;border-radius:14px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:16px}
h1{font-size:1.35rem;margin:0 0 8px}
p{margin:0 0 12px}
dl{margin:0;display:grid;grid-template-columns:1fr;gap:2px}
dt{font-size:.8rem;color:#5a6b7b;margin-top:10px;text-transform:uppercase;letter-spacing:.04em}
dd{margin:0;white-space:pre-wrap;word-break:break-word}
label,legend{display:block;font-weight:600;margin:0 0 6px;padding:0}
.field{margin-top:18px}
input[type=hidden]+.field{margin-top:0}
input[type=text],textarea{width:100%;font:inherit;padding:12px;border:1px solid #b8c4cf;border-radius:10px;background:#fff}
textarea{min-height:96px;resize:vertical}
input:focus,textarea:focus{outline:3px solid #90cdf4;border-color:#2b6cb0}
fieldset{border:0;padding:0;margin:0}
.stars{display:flex;gap:8px}
.stars input{position:absolute;opacity:0;width:1px;height:1px}
.stars label{flex:1;margin:0;text-align:center;padding:12px 0;border:1px solid #b8c4cf;border-radius:10px;font-size:1.1rem;cursor:pointer;font-weight:600}
.stars input:checked+label{background:#2b6cb0;border-color:#2b6cb0;color:#fff}
.stars input:focus-visible+label{outline:3px solid #90cdf4}
button{width:100%;margin-top:20px;font:inherit;font-weight:700;font-size:1.1rem;padding:14px;border:0;border-radius:12px;background:#2f855a;color:#fff;cursor:pointer}
.error{color:#c53030;font-weight:600;margin:6px 0 0}
.note{font-size:.9rem;color:#5a6b7b;margin:8px 0 0}
.status{text-align:center;padding:32px 20px}
.status .icon{width:64px;height:64px;line-height:64px;margin:0 auto 16px;border-radius:50%;font-size:2rem;font-weight:700;color:#fff}
.icon.ok{background:#2f855a}.icon.warn{background:#b7791f}.icon.bad{background:#c53030}.icon.info{background:#2b6cb0}
`;

export interface PageContext {
  locale: Locale;
  /** The path of the page without query, for the language links. */
  path: string;
  /** Extra query kept on the language links (e.g. via=code). */
  keep?: Record<string, string>;
}

const tr = (c: PageContext, key: MessageKey, params?: Params) => escapeHtml(t(c.locale, key, params));

function layout(c: PageContext, title: string, body: string): string {
  const link = (locale: Locale, label: string) => {
    const q = new URLSearchParams({ ...c.keep, lang: locale }).toString();
    return `<a href="${escapeHtml(`${c.path}?${q}`)}"${locale === c.locale ? ' aria-current="true"' : ''} lang="${locale}">${label}</a>`;
  };
  return `<!doctype html>
<html lang="${c.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head>
<body><main>
<div class="top"><span class="brand">${tr(c, 'visit.page.brand')}</span><nav class="lang">${link('en', 'English')}${link('zh-CN', '简体中文')}</nav></div>
${body}
</main></body></html>`;
}

const when = (at: Date, zone: string, locale: Locale) =>
  DateTime.fromJSDate(at, { zone }).setLocale(locale === 'zh-CN' ? 'zh-CN' : 'en-GB').toFormat(locale === 'zh-CN' ? 'yyyy年M月d日 HH:mm' : 'd LLL yyyy, HH:mm');

/** The order and the work done, as the customer reads it. */
function orderSummary(c: PageContext, o: VisitOrderView, zone: string): string {
  const row = (label: MessageKey, value: string | null | undefined) => (value ? `<dt>${tr(c, label)}</dt><dd>${escapeHtml(value)}</dd>` : '');
  return `<dl>
${row('visit.page.order', o.key)}
${row('visit.page.customer', o.customerName)}
${row('visit.page.address', o.address)}
${row('visit.page.visited', o.arrivedAt ? when(o.arrivedAt, zone, c.locale) : null)}
${row('visit.page.completed', o.completedAt ? when(o.completedAt, zone, c.locale) : null)}
${row('visit.page.need', o.need)}
${row('visit.page.work_done', o.workDone)}
${row('visit.page.parts', o.partsUsed)}
${row('visit.page.result', o.result ? t(c.locale, `visit.result.${o.result}` as MessageKey) : null)}
${row('visit.page.follow_up', o.followUp ? (o.followUpNote ?? t(c.locale, 'visit.form.yes')) : null)}
</dl>`;
}

export interface FormState {
  name?: string;
  rating?: string;
  comment?: string;
  problems?: Partial<Record<'name' | 'rating' | 'comment', SignoffProblem>>;
  via?: 'link' | 'code';
}

/** The sign-off form. */
export function signoffPage(c: PageContext, o: VisitOrderView, zone: string, expiresAt: Date, action: string, form: FormState = {}): string {
  const error = (field: 'name' | 'rating' | 'comment') =>
    form.problems?.[field] ? `<p class="error" id="${field}-error">${tr(c, `visit.page.error.${form.problems[field]}` as MessageKey)}</p>` : '';
  const invalid = (field: 'name' | 'rating' | 'comment') => (form.problems?.[field] ? ` aria-invalid="true" aria-describedby="${field}-error"` : '');
  const stars = [1, 2, 3, 4, 5]
    .map((n) => `<input type="radio" id="rating-${n}" name="rating" value="${n}"${form.rating === String(n) ? ' checked' : ''} required><label for="rating-${n}" title="${n}">${n}★</label>`)
    .join('');
  const body = `<section class="card">
<h1>${tr(c, 'visit.page.title')}</h1>
<p>${tr(c, 'visit.page.intro')}</p>
${orderSummary(c, o, zone)}
</section>
<section class="card">
<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="via" value="${form.via ?? 'link'}">
<div class="field">
<label for="name">${tr(c, 'visit.page.name')}</label>
<input type="text" id="name" name="name" maxlength="60" autocomplete="name" required value="${escapeHtml(form.name ?? '')}"${invalid('name')}>
${error('name')}
</div>
<fieldset class="field"${invalid('rating')}><legend>${tr(c, 'visit.page.rating')}</legend><div class="stars">${stars}</div>
<p class="note">${tr(c, 'visit.page.rating_hint')}</p>
${error('rating')}
</fieldset>
<div class="field">
<label for="comment">${tr(c, 'visit.page.comment')}</label>
<textarea id="comment" name="comment" maxlength="1000"${invalid('comment')}>${escapeHtml(form.comment ?? '')}</textarea>
${error('comment')}
</div>
<button type="submit">${tr(c, 'visit.page.submit')}</button>
<p class="note">${tr(c, 'visit.page.only_you')}</p>
<p class="note">${tr(c, 'visit.page.valid_until', { at: when(expiresAt, zone, c.locale) })}</p>
</form>
</section>`;
  return layout(c, tr(c, 'visit.page.title'), body);
}

export type StatusPage = 'thanks' | 'invalid' | 'expired' | 'used' | 'replaced' | 'closed' | 'error' | 'too_large';
// Plain characters in a coloured disc: every phone font has them (no emoji font needed).
const ICONS: Record<StatusPage, [string, 'ok' | 'warn' | 'bad' | 'info']> = {
  thanks: ['✓', 'ok'], used: ['✓', 'ok'], invalid: ['!', 'bad'], expired: ['!', 'warn'], replaced: ['i', 'info'], closed: ['i', 'info'], error: ['!', 'bad'], too_large: ['!', 'bad'],
};

/** A page that only tells something: thanks, or why the link cannot be used. */
export function statusPage(c: PageContext, status: StatusPage, order?: VisitOrderView): string {
  const ref = order && status !== 'invalid' ? `<p class="note">${tr(c, 'visit.page.order')}: ${escapeHtml(order.key)}</p>` : '';
  const body = `<section class="card status" data-status="${status}">
<div class="icon ${ICONS[status][1]}" aria-hidden="true">${ICONS[status][0]}</div>
<h1>${tr(c, `visit.page.${status}.title` as MessageKey)}</h1>
<p>${tr(c, `visit.page.${status}.body` as MessageKey)}</p>
${ref}
</section>`;
  return layout(c, tr(c, `visit.page.${status}.title` as MessageKey), body);
}

/** The code page: order number and the 6-digit code the engineer read out. */
export function codePage(c: PageContext, action: string, form: { order?: string; problem?: 'wrong' | 'locked' | 'expired' | 'closed' } = {}): string {
  const problem = form.problem ? `<p class="error" id="code-error">${tr(c, `visit.page.code.${form.problem}` as MessageKey)}</p>` : '';
  const body = `<section class="card">
<h1>${tr(c, 'visit.page.code.title')}</h1>
<p>${tr(c, 'visit.page.code.intro')}</p>
<form method="post" action="${escapeHtml(action)}" novalidate>
<div class="field">
<label for="order">${tr(c, 'visit.page.code.order')}</label>
<input type="text" id="order" name="order" maxlength="20" autocapitalize="characters" placeholder="VO-2026-1" required value="${escapeHtml(form.order ?? '')}">
</div>
<div class="field">
<label for="code">${tr(c, 'visit.page.code.code')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7" placeholder="123456" required${form.problem ? ' aria-invalid="true" aria-describedby="code-error"' : ''}>
${problem}
</div>
<button type="submit">${tr(c, 'visit.page.code.submit')}</button>
</form>
</section>`;
  return layout(c, tr(c, 'visit.page.code.title'), body);
}
