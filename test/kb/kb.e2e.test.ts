// The knowledge base driven exactly as Slack drives the app: publish from a resolved ticket, /kb in
// Chinese and English with Share, hints on new tickets, and user text escaped everywhere.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { kbArticles, kbArticleVersions, kbTicketHints } from '../../src/modules/kb/index.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack, ticketButtons } from '../support/tickets.js';
import { select, submit, text, ticketRow } from '../e2e/tickets.support.js';

const GENERAL = 'C0GENERAL1';

/** The values Slack would submit for a modal whose inputs are left as the app prefilled them. */
function prefilledValues(view: any): Record<string, Record<string, any>> {
  const values: Record<string, Record<string, any>> = {};
  for (const b of view.blocks.filter((x: any) => x.type === 'input')) {
    const e = b.element;
    values[b.block_id] = e.type === 'static_select' ? { value: { type: e.type, selected_option: e.initial_option ?? null } } : { value: { type: e.type, value: e.initial_value ?? null } };
  }
  return values;
}

async function resolveWithSteps(h: Harness, title: string, description: string) {
  const t = await openTicketViaSlack(h, users.alice, { title, description, product: 'POS', category: 'pos' });
  await clickTicket(h, users.bob, 'ticket.take', t.id);
  await clickTicket(h, users.bob, 'ticket.remote', t.id);
  await submit(h, users.bob, 'ticket.consent', { consented_by: text('王经理'), consent_method: select('phone'), consented_at: { value: { type: 'datetimepicker', selected_date_time: null } } }, { id: t.id, channel: SUPPORT });
  await submit(h, users.bob, 'ticket.step', { step: text('远程查看 BIOS 自检'), result: text('内存报警') }, { id: t.id, channel: SUPPORT });
  const cur = await ticketRow(h, t.id);
  await submit(h, users.bob, 'ticket.resolve', { cause: text('内存条松动'), fix: text('重新插紧内存条'), fault_category: select('hardware') }, { id: t.id, v: cur.version, channel: SUPPORT });
  await h.deliver();
  return ticketRow(h, t.id);
}

/** Waits until a ticket's hint was computed (after the ack, in the background); returns what it suggested. */
async function hintOf(h: Harness, ticketId: number): Promise<string[]> {
  const until = Date.now() + 5000;
  for (;;) {
    const [row] = await h.store.db.select().from(kbTicketHints).where(eq(kbTicketHints.ticketId, ticketId));
    if (row?.state === 'done') return row.suggested ?? [];
    if (Date.now() > until) throw new Error(`the hint of ticket ${ticketId} was never computed`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const command = async (h: Harness, words: string, user = users.alice) => {
  const before = h.sink.received.length;
  const res = await h.requester.command('/kb', words, user, { channelId: GENERAL });
  expect(res.status).toBe(200);
  await h.sink.waitFor((r) => r.length > before);
  return h.sink.received.at(-1);
};

describe(`knowledge base end to end (${storeName})`, () => {
  const h = useHarness();
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('publishes a resolved ticket from a form prefilled from it, then links to the article', async () => {
    const t = await resolveWithSteps(h, '收银机开机黑屏', '3 号收银机按电源后屏幕没有显示');
    const resolved = h.slack.callsTo('chat.update').filter((c) => JSON.stringify(c.args.blocks).includes(t.key)).at(-1)!;
    expect(ticketButtons(resolved.args.blocks)).toContain('ticket.publish_kb');

    await clickTicket(h, users.bob, 'ticket.publish_kb', t.id);
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe('kb.article');
    const values = prefilledValues(view);
    expect(values.title!.value.value).toBe('收银机开机黑屏');
    expect(values.symptom!.value.value).toContain('3 号收银机按电源后屏幕没有显示');
    expect(values.cause!.value.value).toBe('内存条松动');
    expect(values.fix!.value.value).toContain('重新插紧内存条');
    expect(values.fix!.value.value).toContain('远程查看 BIOS 自检 → 内存报警');
    expect(values.product!.value.value).toBe('POS');
    expect(values.fault_category!.value.selected_option.value).toBe('hardware');

    values.tags = { value: { type: 'plain_text_input', value: 'POS, 黑屏, black screen' } };
    const res = await submit(h, users.bob, 'kb.article', values, JSON.parse(view.private_metadata));
    expect(res.status).toBe(200);
    await h.deliver();
    const [article] = await h.store.db.select().from(kbArticles).where(eq(kbArticles.sourceTicketId, t.id));
    expect(article).toMatchObject({ title: '收银机开机黑屏', sourceTicketKey: t.key, author: users.bob.id, tags: ['POS', '黑屏', 'black screen'] });
    expect(await h.store.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, article!.id))).toHaveLength(1);
    expect(h.slack.posted().some((c) => c.args.thread_ts && String(c.args.text).includes(article!.key))).toBe(true);

    // Publishing it again shows the article instead of a second form.
    const opened = h.slack.callsTo('views.open').length;
    await clickTicket(h, users.alice, 'ticket.publish_kb', t.id);
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes(article!.key)));
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    expect(await command(h, t.key)).toMatchObject({ text: expect.stringContaining(t.key) });
  });

  it('finds articles in Chinese and in English and shares one in the channel, escaped', async () => {
    await h.requester.command('/kb', 'new', users.alice, { channelId: GENERAL });
    await h.opsdesk.idle();
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(prefilledValues(view).title!.value.value).toBeNull();
    await submit(h, users.alice, 'kb.article', {
      title: text('Receipt printer paper jam 小票打印机卡纸 <!channel>'),
      symptom: text('The receipt printer blinks and no receipt comes out'),
      cause: text('Paper roll loaded backwards'),
      fix: text('Reload the roll <!here> & clean the cutter'),
      product: text('POS'),
      fault_category: select('printer'),
      tags: text('paper jam, 卡纸'),
    }, JSON.parse(view.private_metadata));
    const [article] = await h.store.db.select().from(kbArticles).where(eq(kbArticles.title, 'Receipt printer paper jam 小票打印机卡纸 <!channel>'));
    expect(article).toBeDefined();

    for (const words of ['打印机卡纸', 'printer paper jam', 'POS 卡纸']) {
      const answer = await command(h, words);
      expect(JSON.stringify(answer.blocks)).toContain(article!.key);
      expect(answer.response_type).toBe('ephemeral');
    }
    await h.requester.blockAction({ user: users.bob, actionId: 'kb.share', value: JSON.stringify({ id: article!.id }), channelId: GENERAL, ephemeral: true });
    await h.opsdesk.idle();
    await h.deliver();
    const shared = h.slack.posted().find((c) => c.args.channel === GENERAL)!;
    expect(ticketButtons(shared.args.blocks)).toEqual(['kb.edit', 'kb.history', 'kb.retire']);

    // `<!channel>` and `<!here>` typed into the article never reach Slack as mentions.
    const parsed: string[] = [];
    const walk = (node: any): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        if (node.type === 'mrkdwn') parsed.push(node.text);
        Object.values(node).forEach(walk);
      }
    };
    for (const c of h.slack.calls) {
      if (typeof c.args.text === 'string') parsed.push(c.args.text);
      walk(c.args.blocks);
    }
    for (const r of h.sink.received) {
      parsed.push(String(r.text));
      walk(r.blocks);
    }
    const all = parsed.join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).not.toMatch(/<!channel>|<!here>/);
  });

  it('answers an empty query, one Chinese character or punctuation with a short help', async () => {
    for (const words of ['', '打', '？？！', '...']) expect((await command(h, words)).text).toContain('/kb new');
  });

  it('hints a similar article on a new ticket after the ack, and nothing on an unrelated one', async () => {
    const similar = await openTicketViaSlack(h, users.alice, { title: '收银机又黑屏了' });
    const suggested = await hintOf(h, similar.id);
    expect(suggested.length).toBeGreaterThan(0);
    await h.deliver();
    const hint = h.slack.posted().find((c) => c.args.thread_ts && String(c.args.text).includes(suggested[0]!))!;
    expect(hint).toBeDefined();
    expect(hint.args.thread_ts).toBe((await ticketRow(h, similar.id)).slackTs);

    const unrelated = await openTicketViaSlack(h, users.alice, { title: '会议室空调不制冷' });
    expect(await hintOf(h, unrelated.id)).toEqual([]);
    await h.deliver();
    expect(h.slack.posted().filter((c) => c.args.thread_ts === (unrelated.slackTs ?? '-'))).toEqual([]);
  });

  it('shows the fault table of the last 90 days with the most used fix and its article', async () => {
    const answer = await command(h, 'faults POS');
    const shown = JSON.stringify(answer.blocks);
    expect(shown).toContain('重新插紧内存条');
    expect(shown).toMatch(/KB-\d+/);
  });
});
