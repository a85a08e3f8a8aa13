// The customer's page shows the order with the customer's name and address to whoever holds the link:
// each showing is a read of customer data in the audit log, and each wrong code a refused attempt —
// both in `export audit` under the order's VO- id. An invalid link is neither.
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/cli/export.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { storeName } from '../support/db.js';
import { useHarness } from '../support/harness.js';
import { completedOrder, signoffFromDm } from './support.js';

describe(`the customer page in the audit log (${storeName})`, () => {
  const h = useHarness({ eachTestAt: '2026-11-25T02:00:00Z' });

  it('audits each showing of the page and each wrong code, and exports them under the order', async () => {
    const { order } = await completedOrder(h, '2026-11-26T06:00:00Z', 'page audit');
    const { url, code } = await signoffFromDm(h, order.key);
    const base = `http://127.0.0.1:${h.opsdesk.port}`;
    const pageUrl = url.replace('http://localhost:3000', base);
    const rows = async () => (await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `visit:${order.id}`))).filter((r) => r.action.startsWith('customer.page'));

    expect((await fetch(`${pageUrl}x`)).status).toBe(404); // a tampered link shows nothing: nothing to audit
    expect(await rows()).toEqual([]);
    expect((await fetch(pageUrl)).status).toBe(200);
    const wrong = code === '000000' ? '000001' : '000000';
    const post = await fetch(`${base}/visit/signoff`, { method: 'POST', body: new URLSearchParams({ order: order.key, code: wrong }), redirect: 'manual' });
    expect(post.status).toBe(422);
    expect((await rows()).map((r) => [r.actor, r.action, r.outcome, r.detail])).toEqual([
      ['customer', 'customer.page.read', 'ok', { via: 'link' }],
      ['customer', 'customer.page.code', 'refused', { failures: 1 }],
    ]);

    let text = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    await exportCsv(h.store.db, 'audit', { timezone: h.config.timezone, from: '2026-11-25' }, sink);
    const records: string[][] = parse(text, { bom: true });
    const pageRows = records.filter((r) => r[5]?.startsWith('customer.page')).map((r) => r.slice(1, 7));
    expect(pageRows).toEqual([
      ['visit_order', order.key, 'customer', '', 'customer.page.read', 'ok'],
      ['visit_order', order.key, 'customer', '', 'customer.page.code', 'refused'],
    ]);
  });
});
