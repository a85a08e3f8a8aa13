// HTTP routes of the customer's sign-off page, served by the app next to /slack/events:
//   GET/POST /visit/signoff/:token — the signed link: show the order, take name + rating + comment
//   GET/POST /visit/signoff        — the phone read-out: order number + 6-digit code → the same page
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Locale } from '../../../platform/i18n.js';
import type { Logger } from '../../../platform/logger.js';
import { confirmBySignoff, lookupSignoff, openSignoffPage, redeemCode, signoffPath } from '../signoff.service.js';
import type { VisitDeps } from '../visits.service.js';
import { codePage, signoffPage, statusPage, type PageContext, type StatusPage } from './page.js';

const MAX_BODY = 16 * 1024;
const STATUS_CODE: Record<StatusPage, number> = { thanks: 200, invalid: 404, expired: 410, used: 410, replaced: 410, closed: 409, error: 500, too_large: 413 };

/** The page's language: `?lang=`, else the browser's Accept-Language, else the workspace default. */
export function pageLocale(query: URLSearchParams, acceptLanguage: string | undefined, fallback: Locale): Locale {
  const asked = query.get('lang')?.toLowerCase();
  if (asked === 'en') return 'en';
  if (asked === 'zh-cn' || asked === 'zh') return 'zh-CN';
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => /^q=([\d.]+)$/.exec(r.trim())?.[1]).find(Boolean);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}

class BodyTooLarge extends Error {}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The token is in the path: never send it on as a referrer, never let another site frame the page.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  });
  res.end(html);
}

/** The sign-off routes for the app's `routes` (Bolt customRoutes). */
export function visitRoutes(deps: VisitDeps, logger: Logger): CustomRoute[] {
  const zone = deps.config.timezone;

  const context = (req: IncomingMessage, path: string, keep?: Record<string, string>) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const locale = pageLocale(url.searchParams, req.headers['accept-language'], deps.config.locale);
    return { c: { locale, path, keep } satisfies PageContext };
  };

  /** Runs a page handler: one log line per request (never the token), errors as a page, never a crash. */
  const guarded = (route: string, handler: (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => Promise<void>) =>
    (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => {
      const started = performance.now();
      res.on('finish', () => logger.info({ route, method: req.method, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'customer page'));
      handler(req, res).catch((err: unknown) => {
        const { c } = context(req, req.url?.split('?')[0] ?? '/');
        if (err instanceof BodyTooLarge) return send(res, 413, statusPage(c, 'too_large'));
        logger.error({ err, route }, 'sign-off page failed');
        if (!res.headersSent) send(res, 500, statusPage(c, 'error'));
      });
    };

  const tokenPage = guarded('/visit/signoff/:token', async (req, res) => {
    const raw = req.params?.token;
    const token = typeof raw === 'string' ? raw : '';
    const path = signoffPath(token);
    const viaCode = new URL(req.url ?? '/', 'http://localhost').searchParams.get('via') === 'code';
    const { c } = context(req, path, viaCode ? { via: 'code' } : undefined);
    const action = `${path}?lang=${c.locale}`;
    if (req.method === 'POST') {
      const form = await readForm(req);
      const via = form.get('via') === 'code' ? 'code' : 'link';
      const result = await confirmBySignoff(deps, token, { name: form.get('name') ?? '', rating: form.get('rating') ?? '', comment: form.get('comment') ?? '' }, via);
      if (result.status === 'confirmed') return send(res, 200, statusPage(c, 'thanks', result.order));
      if (result.status === 'form') {
        const looked = await lookupSignoff(deps, token);
        const expiresAt = looked.status === 'ok' ? looked.expiresAt : new Date();
        return send(res, 422, signoffPage(c, result.order, zone, expiresAt, action, { name: form.get('name') ?? '', rating: form.get('rating') ?? '', comment: form.get('comment') ?? '', problems: result.problems, via }));
      }
      return send(res, STATUS_CODE[result.status], statusPage(c, result.status, result.order));
    }
    const looked = await openSignoffPage(deps, token, viaCode ? 'code' : 'link');
    if (looked.status !== 'ok') return send(res, STATUS_CODE[looked.status], statusPage(c, looked.status, looked.order));
    return send(res, 200, signoffPage(c, looked.order, zone, looked.expiresAt, action, { via: viaCode ? 'code' : 'link' }));
  });

  const codeRoute = guarded('/visit/signoff', async (req, res) => {
    const path = '/visit/signoff';
    const { c } = context(req, path);
    const action = `${path}?lang=${c.locale}`;
    if (req.method !== 'POST') return send(res, 200, codePage(c, action));
    const form = await readForm(req);
    const result = await redeemCode(deps, form.get('order') ?? '', form.get('code') ?? '');
    if (result.status === 'ok') {
      res.writeHead(303, { location: `${signoffPath(result.token)}?lang=${c.locale}&via=code`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      return void res.end();
    }
    return send(res, result.status === 'locked' ? 429 : 422, codePage(c, action, { order: form.get('order') ?? '', problem: result.status }));
  });

  return [
    { path: '/visit/signoff/:token', method: ['GET', 'POST'], handler: tokenPage },
    { path: '/visit/signoff', method: ['GET', 'POST'], handler: codeRoute },
  ];
}

