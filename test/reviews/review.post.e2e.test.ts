// The monthly review end to end (SPEC §3.8): the job, /review, the Post button, the chart upload and
// the CSV export, against the fake Slack with an injected clock.
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { exportCsv } from '../../src/cli/export.js';
import { claimSlot, runJob } from '../../src/jobs/runner.js';
import { figureRows, type Review } from '../../src/modules/reviews/reviews.figures.js';
import { reviewPosts } from '../../src/modules/reviews/reviews.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml, REVIEW, useHarness, users, type Harness } from '../support/harness.js';
import { settle } from '../patrols/support.js';
import { loadFixture, reviewCalendarYaml } from './fixture.js';
import { colours, decodePng } from './png.js';

const textOf = (c: { args: Record<string, any> }) => `${c.args.text ?? ''} ${JSON.stringify(c.args.blocks ?? [])}`;
const reviewPostsIn = (h: Harness, month: string) => h.slack.posted().filter((c) => c.args.channel === REVIEW && !c.args.thread_ts && textOf(c).includes(`Monthly review · ${month}`));

/** Parses our CSV (quoted cells, CRLF lines). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  return out;
}

async function csvOf(h: Harness, month: string): Promise<string[][]> {
  let text = '';
  const sink = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  await exportCsv(h.store.db, 'review', { month, timezone: h.config.timezone, config: h.config, now: h.clock.now() }, sink);
  expect(text.startsWith('\uFEFF')).toBe(true); // UTF-8 with a BOM, so Excel reads Chinese right
  return parseCsv(text.slice(1));
}

async function runAt(h: Harness, job: string, at: string) {
  h.clock.set(at);
  const result = await runJob(h.opsdesk.services, job, new Date(at), 'manual');
  await settle(h);
  return result;
}

describe(`monthly review end to end (${storeName})`, () => {
  const h = useHarness({ yaml: `${baseConfigYaml}${reviewCalendarYaml}`, now: '2026-11-01T01:00:00Z', setup: ({ store }) => loadFixture(store.db) });
  beforeEach(() => {
    h.sink.received.length = 0;
  });

  it('posts last month\'s review with its chart to the review channel, once however often the job runs', async () => {
    const first = await runAt(h, 'monthly-review', '2026-11-01T01:00:00Z'); // 09:00 on the 1st in Shanghai
    expect(first).toMatchObject({ outcome: 'ok', counts: { posted: 1, already: 0 } });
    const again = await runAt(h, 'monthly-review', '2026-11-01T01:00:00Z');
    expect(again).toMatchObject({ outcome: 'ok', counts: { posted: 0, already: 1 } });
    const slot = new Date('2026-11-01T01:00:00Z');
    if (await claimSlot(h.opsdesk.services, 'monthly-review', slot)) await runJob(h.opsdesk.services, 'monthly-review', slot, 'schedule');
    await settle(h);

    const posts = reviewPostsIn(h, '2026-10');
    expect(posts).toHaveLength(1);
    const text = textOf(posts[0]!);
    expect(text).toContain('66.7%'); // response SLA
    expect(text).toContain('OPS-G');
    expect(text).toContain('replace disk');
    expect(text).toContain('18 working days');
    expect(text).not.toContain('review.'); // no catalogue key left untranslated
    const uploads = h.slack.completedUploads.filter((u) => u.channel_id === REVIEW);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.initial_comment).toContain('2026-10');
    // The chart comes first, the text right after it.
    const order = h.slack.calls.map((c) => c.method);
    expect(order.indexOf('files.completeUploadExternal')).toBeLessThan(order.lastIndexOf('chat.postMessage'));
    const [row] = await h.store.db.select().from(reviewPosts).where(eq(reviewPosts.month, '2026-10'));
    expect(row).toMatchObject({ channel: REVIEW, requestedBy: 'opsdesk', chartFileId: uploads[0]!.files[0]!.id });
    expect(row!.postedAt).not.toBeNull();
  });

  it('uploads a valid PNG chart of non-trivial size', () => {
    const upload = h.slack.completedUploads.find((u) => u.channel_id === REVIEW)!;
    const bytes = h.slack.uploads.get(upload.files[0]!.id)!;
    expect(bytes.length).toBeGreaterThan(5_000);
    const png = decodePng(bytes);
    expect(png).toMatchObject({ width: 960, height: 640, colorType: 6, chunks: ['IHDR', 'IDAT', 'IEND'] });
    expect(colours(png)).toBeGreaterThanOrEqual(6);
  });

  it('exports the same figures as CSV that were posted', async () => {
    const csv = await csvOf(h, '2026-10');
    expect(csv[0]).toEqual(['month', 'section', 'metric', 'key', 'value', 'previous_month', 'change']);
    const [row] = await h.store.db.select().from(reviewPosts).where(eq(reviewPosts.month, '2026-10'));
    const posted = figureRows(row!.figures as unknown as Review).map((r) => ['2026-10', r.section, r.metric, r.key, r.current ?? '', r.previous ?? '', r.change ?? ''].map(String));
    expect(csv.slice(1)).toEqual(posted);
    const find = (section: string, metric: string) => csv.find((r) => r[1] === section && r[2] === metric)!;
    expect(find('sla', 'response_compliance_pct').slice(4)).toEqual(['66.7', '50', '16.7']);
    expect(find('tickets', 'opened').slice(4)).toEqual(['4', '2', '2']);
    const text = textOf(reviewPostsIn(h, '2026-10')[0]!);
    expect(text).toContain(`${find('sla', 'resolution_compliance_pct')[4]}%`);

    // The CSV's cells against the posted message itself (its text and blocks; "\n" is JSON-escaped).
    const cells = (section: string, metric: string, key = '') => {
      const row = csv.find((r) => r[1] === section && r[2] === metric && r[3] === key);
      if (!row) throw new Error(`no CSV row ${section},${metric},${key}`);
      return { value: row[4]!, previous: row[5]!, change: row[6]! };
    };
    const signed = (c: string, unit = '') => (c === '0' ? `±0${unit}` : c.startsWith('-') ? `−${c.slice(1)}${unit}` : `+${c}${unit}`);
    const figure = (section: string, metric: string, unit = '', changeUnit = unit) => {
      const c = cells(section, metric);
      return c.change === '' ? `${c.value}${unit}` : `${c.value}${unit} (${signed(c.change, changeUnit)})`; // no change when last month is unknown
    };
    const v = (metric: string) => cells('visits', metric).value;
    expect(text).toContain(`*Orders*\\n${figure('visits', 'orders')}`);
    expect(text).toContain(`*Arrived on time*\\n${figure('visits', 'onTimePct', '%', 'pp')} · ${v('onTime')}/${v('arrived')}`);
    expect(text).toContain(`*Arrived 5–10 min early (target)*\\n${figure('visits', 'arrivedInTargetPct', '%', 'pp')} · ${v('arrivedInTarget')}/${v('arrived')}`);
    expect(text).toContain(`*Late notices given in time*\\n${figure('visits', 'lateNoticesInTimePct', '%', 'pp')} · ${v('lateNoticesInTime')}/${v('lateNotices')}`);
    expect(text).toContain(`*Customer not reached*\\n${figure('visits', 'noContact')}`);
    expect(text).toContain(`*Average rating*\\n${figure('visits', 'avgRating')} · ${v('rated')} rated`);
    const pt = (metric: string) => cells('patrols', metric).value;
    expect(text).toContain(`*Completed on time*\\n${figure('patrols', 'completionPct', '%', 'pp')} · ${pt('onTime')} of ${pt('runs')} runs (${pt('submitted')} submitted)`);
    expect(text).toContain(`*Abnormal items*\\n${figure('patrols', 'abnormalItems')}`);
    const faults = csv.filter((r) => r[1] === 'top_fault_categories');
    expect(faults.map((r) => r[2])).toEqual(['rank_1', 'rank_2']);
    const label: Record<string, string> = { network: 'Network', hardware: 'Hardware' };
    expect(text).toContain(faults.map((r, i) => `${i + 1}. ${label[r[3]!]} — ${r[4]} (${signed(r[6]!)})`).join('\\n'));
    const breachKeys = [...new Set(csv.filter((r) => r[1] === 'breaches').map((r) => r[3]!))];
    expect(breachKeys).toEqual(['OPS-G', 'OPS-C']);
    for (const key of breachKeys) {
      const reason = cells('breaches', 'reason', key).value;
      const kind = cells('breaches', 'reason_kind', key).value;
      expect(text).toContain(kind === 'plan' ? `Reason (technical plan): ${reason}` : `Cause: ${reason}`);
      expect(text).toContain(`• *${key}* `);
    }
    const extension = (metric: string) => cells('extensions', metric, 'OPS-G').value;
    const committed = Date.parse(extension('committed_at')) / 1000;
    expect(text).toContain(`• *OPS-G* ${extension('plan')} — agreed by ${extension('consented_by')} (${extension('consent_method')}), new time <!date^${committed}^`);
    // And a few by hand, so a figure wrong in both places still fails.
    expect([v('orders'), v('onTime'), v('arrivedInTarget'), pt('completionPct'), faults[0]![4]]).toEqual(['2', '1', '1', '33.3', '3']);
  });

  it('answers /review 2026-10 only to the asker, with a button to post it', async () => {
    const posted = h.slack.posted().length;
    await h.requester.command('/review', '2026-10', users.alice, { channelId: 'C0GENERAL1' });
    await h.sink.waitFor((r) => r.length >= 1);
    const answer = h.sink.received.at(-1);
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.blocks)).toContain('Monthly review · 2026-10');
    expect(JSON.stringify(answer.blocks)).toContain('median 35m (+15m) · p90 54m (+34m)');
    const button = answer.blocks.find((b: any) => b.type === 'actions').elements[0];
    expect(button).toMatchObject({ action_id: 'review.post', value: '2026-10' });
    expect(h.slack.posted()).toHaveLength(posted);
  });

  it.each([
    ['2026-13', '"2026-13" is not a month: use YYYY-MM, e.g. `/review 2026-10`.'],
    ['last year', '"last year" is not a month: use YYYY-MM, e.g. `/review 2026-10`.'],
    ['2027-01', '2027-01 has not started yet.'],
  ])('explains a bad month (%s) and posts nothing', async (text, message) => {
    const posted = h.slack.posted().length;
    await h.requester.command('/review', text, users.alice, { channelId: 'C0GENERAL1' });
    await h.sink.waitFor((r) => r.length >= 1);
    expect(h.sink.received.at(-1).text).toBe(message);
    expect(h.slack.posted()).toHaveLength(posted);
  });

  it('refuses Post to an engineer (explained and audited); a supervisor posts another month once', async () => {
    await h.requester.blockAction({ user: users.alice, actionId: 'review.post', value: '2026-09', channelId: 'C0GENERAL1', ephemeral: true });
    await h.sink.waitFor((r) => r.length >= 1);
    expect(h.sink.received.at(-1).text).toBe('Only supervisors and dispatchers can post the review of 2026-09 to the channel.');
    const refused = await h.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'review.post'), eq(auditLog.actor, users.alice.id)));
    expect(refused).toMatchObject([{ outcome: 'refused', subject: 'review:2026-09' }]);
    expect(reviewPostsIn(h, '2026-09')).toHaveLength(0);

    await h.requester.blockAction({ user: users.sam, actionId: 'review.post', value: '2026-09', channelId: 'C0GENERAL1', ephemeral: true });
    await h.sink.waitFor((r) => r.length >= 2);
    await settle(h);
    expect(h.sink.received.at(-1).text).toBe(`The review of 2026-09 is being posted to <#${REVIEW}>.`);
    await h.requester.blockAction({ user: users.sam, actionId: 'review.post', value: '2026-09', channelId: 'C0GENERAL1', ephemeral: true });
    await h.sink.waitFor((r) => r.length >= 3);
    await settle(h);
    expect(h.sink.received.at(-1).text).toBe(`The review of 2026-09 has already been posted to <#${REVIEW}>.`);
    expect(reviewPostsIn(h, '2026-09')).toHaveLength(1);
    expect(h.slack.completedUploads.filter((u) => String(u.initial_comment).includes('2026-09'))).toHaveLength(1);
  });

  it('posts the text when the chart upload fails, and the review-charts job puts the chart in its thread later', async () => {
    h.slack.failNext('files.getUploadURLExternal', { status: 500 });
    await h.requester.blockAction({ user: users.sam, actionId: 'review.post', value: '2026-08', channelId: 'C0GENERAL1', ephemeral: true });
    await h.sink.waitFor((r) => r.length >= 1);
    await settle(h);
    const post = reviewPostsIn(h, '2026-08');
    expect(post).toHaveLength(1);
    expect(h.slack.completedUploads.filter((u) => String(u.initial_comment).includes('2026-08'))).toHaveLength(0);
    const [pending] = await h.store.db.select().from(reviewPosts).where(eq(reviewPosts.month, '2026-08'));
    expect(pending!.chartFileId).toBeNull();

    expect(await runAt(h, 'review-charts', '2026-11-01T01:10:00Z')).toMatchObject({ outcome: 'ok', counts: { charts: 1 } });
    expect(await runAt(h, 'review-charts', '2026-11-01T01:20:00Z')).toMatchObject({ outcome: 'ok', counts: { charts: 0 } });
    const late = h.slack.completedUploads.filter((u) => String(u.initial_comment).includes('2026-08'));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ channel_id: REVIEW, thread_ts: post[0]!.response.ts });
  });
});
