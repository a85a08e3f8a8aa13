// A shared article's message follows the article: an Edit updates it in place (chat.update of the
// ts the outbox recorded) to the new version, a Retire marks it retired and takes its buttons away.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { kbArticleMessages, kbArticles } from '../../src/modules/kb/index.js';
import { storeName } from '../support/db.js';
import { useHarness, users, type Harness } from '../support/harness.js';
import { ticketButtons } from '../support/tickets.js';
import { select, submit, text } from '../e2e/tickets.support.js';

const GENERAL = 'C0GENERAL1';
const OPS = 'C0OPSROOM1';

const form = (title: string, fix: string) => ({
  title: text(title),
  symptom: text('小票打印机不出纸，指示灯闪烁'),
  cause: text('纸卷装反'),
  fix: text(fix),
  product: text('POS'),
  fault_category: select('printer'),
  tags: text('卡纸, paper jam'),
});

async function publish(h: Harness, title: string): Promise<typeof kbArticles.$inferSelect> {
  await h.requester.command('/kb', 'new', users.alice, { channelId: GENERAL });
  await h.opsdesk.idle();
  const view = h.slack.callsTo('views.open').at(-1)!.args.view;
  await submit(h, users.alice, 'kb.article', form(title, '重新装纸'), JSON.parse(view.private_metadata));
  const [article] = await h.store.db.select().from(kbArticles).where(eq(kbArticles.title, title));
  return article!;
}

const click = async (h: Harness, user: typeof users.alice, actionId: string, id: number, channelId: string, messageTs?: string) => {
  const res = await h.requester.blockAction({ user, actionId, value: JSON.stringify({ id }), channelId, messageTs, triggerId: `trig-${Date.now()}` });
  expect(res.status).toBe(200);
  await h.opsdesk.idle();
};

describe(`a shared article's messages follow its edits and retirement (${storeName})`, () => {
  const h = useHarness();
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('updates every message it was shared as to the new version, then marks them retired', async () => {
    const article = await publish(h, '小票打印机卡纸（共享）');
    await click(h, users.bob, 'kb.share', article.id, GENERAL);
    await click(h, users.alice, 'kb.share', article.id, OPS);
    await click(h, users.alice, 'kb.share', article.id, OPS); // the same person, channel and version: one post
    await h.deliver();
    const posts = h.slack.posted().filter((c) => JSON.stringify(c.args.blocks ?? []).includes(article.key));
    expect(posts.map((c) => c.args.channel).sort()).toEqual([GENERAL, OPS].sort());
    const tsOf = new Map(posts.map((c) => [c.args.channel as string, c.response.ts as string]));
    // The outbox's posted hook kept where each landed.
    const recorded = await h.store.db.select().from(kbArticleMessages).where(eq(kbArticleMessages.articleId, article.id));
    expect(recorded.map((m) => [m.channel, m.slackTs]).sort()).toEqual([...tsOf].sort());

    // Edit from the shared message: both messages show the new version.
    await click(h, users.alice, 'kb.edit', article.id, GENERAL, tsOf.get(GENERAL));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    await submit(h, users.alice, 'kb.article', form('小票打印机卡纸（共享）', '重新装纸，纸卷光面朝外 <!here>'), JSON.parse(view.private_metadata));
    await h.deliver();
    const edited = h.slack.callsTo('chat.update').filter((c) => JSON.stringify(c.args.blocks).includes(article.key));
    expect(edited.map((c) => [c.args.channel, c.args.ts]).sort()).toEqual([...tsOf].sort());
    for (const c of edited) {
      const shown = JSON.stringify(c.args.blocks);
      expect(shown).toContain('纸卷光面朝外');
      expect(shown).toContain('&lt;!here&gt;');
      expect(shown).not.toContain('<!here>');
      expect(ticketButtons(c.args.blocks)).toEqual(['kb.edit', 'kb.history', 'kb.retire']);
    }

    // An edit that changes nothing updates nothing.
    h.slack.reset();
    await click(h, users.alice, 'kb.edit', article.id, GENERAL, tsOf.get(GENERAL));
    const again = h.slack.callsTo('views.open').at(-1)!.args.view;
    await submit(h, users.alice, 'kb.article', form('小票打印机卡纸（共享）', '重新装纸，纸卷光面朝外 <!here>'), JSON.parse(again.private_metadata));
    await h.deliver();
    expect(h.slack.callsTo('chat.update')).toEqual([]);

    // Retire: both messages say so and lose their buttons.
    await click(h, users.sam, 'kb.retire', article.id, OPS, tsOf.get(OPS));
    await h.deliver();
    const retired = h.slack.callsTo('chat.update').filter((c) => JSON.stringify(c.args.blocks).includes(article.key));
    expect(retired.map((c) => [c.args.channel, c.args.ts]).sort()).toEqual([...tsOf].sort());
    for (const c of retired) {
      expect(JSON.stringify(c.args.blocks)).toContain('(retired)');
      expect(ticketButtons(c.args.blocks)).toEqual([]);
    }
  });

  it('refuses an edit by someone else and leaves the shared message as it was', async () => {
    const article = await publish(h, '扫码枪无法识别条码（共享）');
    await click(h, users.alice, 'kb.share', article.id, GENERAL);
    await h.deliver();
    const before = h.slack.callsTo('views.open').length;
    await click(h, users.bob, 'kb.edit', article.id, GENERAL);
    expect(h.slack.callsTo('views.open')).toHaveLength(before); // no form for bob
    await click(h, users.bob, 'kb.retire', article.id, GENERAL);
    await h.deliver();
    expect(h.slack.callsTo('chat.update')).toEqual([]);
    const [row] = await h.store.db.select().from(kbArticles).where(eq(kbArticles.id, article.id));
    expect(row!.retiredAt).toBeNull();
    expect(row!.version).toBe(1);
  });
});
