import { and, asc, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { rows, type Db } from '../../platform/db.js';
import { tickets } from '../tickets/index.js';
import { candidateLookups, coverage, phrasePattern, type MatchFigures } from './kb.rules.js';
import { outbox } from '../../outbox/outbox.table.js';
import { kbArticleMessages, kbArticles, kbArticleVersions, kbTicketHints } from './kb.table.js';

export type Article = typeof kbArticles.$inferSelect;
export type NewArticleRow = typeof kbArticles.$inferInsert;
export type ArticleVersion = typeof kbArticleVersions.$inferSelect;

export async function getArticle(db: Db, id: number): Promise<Article | undefined> {
  const [row] = await db.select().from(kbArticles).where(eq(kbArticles.id, id));
  return row;
}

export async function getArticleByKey(db: Db, key: string): Promise<Article | undefined> {
  const [row] = await db.select().from(kbArticles).where(eq(kbArticles.key, key));
  return row;
}

export async function getArticleByRequestKey(db: Db, requestKey: string): Promise<Article | undefined> {
  const [row] = await db.select().from(kbArticles).where(eq(kbArticles.requestKey, requestKey));
  return row;
}

/** The live article published from a ticket, if any. */
export async function liveArticleOfTicket(db: Db, ticketId: number): Promise<Article | undefined> {
  const [row] = await db.select().from(kbArticles).where(and(eq(kbArticles.sourceTicketId, ticketId), isNull(kbArticles.retiredAt)));
  return row;
}

/** Articles written from a ticket (by its key), live ones first. */
export async function articlesOfTicketKey(db: Db, ticketKey: string): Promise<Article[]> {
  return db.select().from(kbArticles).where(eq(kbArticles.sourceTicketKey, ticketKey)).orderBy(sql`${kbArticles.retiredAt} is not null`, desc(kbArticles.id));
}

/** Locks the article row for the rest of the transaction: concurrent edits queue here. */
export async function lockArticle(tx: Db, id: number): Promise<Article | undefined> {
  const [row] = await tx.select().from(kbArticles).where(eq(kbArticles.id, id)).for('update');
  return row;
}

/** Inserts an article; undefined when its request key or its ticket was used already. */
export async function insertArticle(tx: Db, values: NewArticleRow): Promise<Article | undefined> {
  const [row] = await tx.insert(kbArticles).values(values).onConflictDoNothing().returning();
  return row;
}

/** Applies an edit and bumps the version that stale forms are checked against. */
export async function updateArticle(tx: Db, id: number, patch: Partial<NewArticleRow>): Promise<Article> {
  const [row] = await tx
    .update(kbArticles)
    .set({ ...patch, version: sql`${kbArticles.version} + 1` })
    .where(eq(kbArticles.id, id))
    .returning();
  return row!;
}

export async function insertVersion(tx: Db, values: typeof kbArticleVersions.$inferInsert): Promise<void> {
  await tx.insert(kbArticleVersions).values(values);
}

export async function listVersions(db: Db, articleId: number): Promise<ArticleVersion[]> {
  return db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, articleId)).orderBy(asc(kbArticleVersions.version));
}

/**
 * The word arrays that search looks words up in: an article's search form split on spaces (each
 * Chinese pair, each Latin word). The GIN indexes of kb.table.ts are on exactly these expressions.
 */
export const TITLE_WORDS = sql.raw(`string_to_array(btrim(title_search), ' ')`);
export const TEXT_WORDS = sql.raw(`string_to_array(btrim(search_text), ' ')`);

/**
 * Live articles that match the query (its search form), with the figures the ranking needs. One
 * statement in two steps, so the cost follows the best matches and not the table: exact word
 * lookups (`candidateLookups`) in the word indexes, each reading its words' index entries and at
 * most `limit` rows, pick the `limit` articles with the most weight (a lookup of rare words weighs
 * more than one of common words); then pg_trgm's word similarity and similarity, and the phrase
 * matches, are computed for those few only.
 */
export async function searchCandidates(db: Db, form: string, opts: { limit: number }): Promise<(Article & { figures: MatchFigures })[]> {
  if (!form.trim() || candidateLookups(form).length === 0) return [];
  const found = await searchQuery(db, form, opts.limit);
  return found.map(({ article, ...f }) => ({
    ...article,
    figures: {
      titleWord: Number(f.titleWord),
      textWord: Number(f.textWord),
      titleSimilarity: Number(f.titleSimilarity),
      inTitle: !!f.inTitle,
      inText: !!f.inText,
      titleCoverage: coverage(form, article.titleSearch),
      textCoverage: coverage(form, article.searchText),
    },
  }));
}

/** The statement of `searchCandidates` (exported for the benchmark's EXPLAIN). */
export function searchQuery(db: Db, form: string, limit: number) {
  const q = form.trim();
  const phrase = phrasePattern(form);
  const perLookup = limit;
  const [all, ...others] = candidateLookups(form).map(({ on, words, weight }) => {
    const list = sql.join(
      words.map((w) => sql`${w}`),
      sql`, `,
    );
    // A lookup that fills its quota is of common words; one with few hits, of rare ones: weigh up to double.
    // A materialized CTE is planned for all its rows (the word index, unless the words are in most
    // articles) and run only as far as the LIMIT reads it. With the LIMIT beside the condition the
    // planner would rather walk the table hoping to meet `perLookup` matches early, which costs a
    // full walk when the words are common apart but rare together (POS · 黑屏).
    return sql`(with m as materialized (select id from ${kbArticles} where retired_at is null and ${on === 'title' ? TITLE_WORDS : TEXT_WORDS} @> array[${list}]::text[])
      select id, ${sql.raw(String(weight))} * (2 - count(*) over () / ${sql.raw(String(perLookup))}.0) as w from (select id from m limit ${perLookup}) h)`;
  });
  // When `limit` articles have every word in their title, the other lookups could only add weaker
  // candidates: they are not run at all (a one-time filter on the first lookup's count).
  const rest = others.map((lookup) => sql`(select id, w from ${lookup} l where (select count(*) from first) < ${limit})`);
  const best = sql`(with first as materialized ${all!} select id from (select id, w from first ${rest.length ? sql` union all ${sql.join(rest, sql` union all `)}` : sql``}) hits group by id order by sum(w) desc, id desc limit ${limit})`;
  return db
    .select({
      article: kbArticles,
      titleWord: sql<number>`word_similarity(${q}, ${kbArticles.titleSearch})::float8`,
      textWord: sql<number>`word_similarity(${q}, ${kbArticles.searchText})::float8`,
      titleSimilarity: sql<number>`similarity(${q}, ${kbArticles.titleSearch})::float8`,
      inTitle: sql<boolean>`${kbArticles.titleSearch} like ${phrase}`,
      inText: sql<boolean>`${kbArticles.searchText} like ${phrase}`,
    })
    .from(kbArticles)
    .where(sql`${kbArticles.id} in ${best}`);
}

// ── where articles were shared ────────────────────────────────────────────────────────────────

/** Records a shared message of an article (its outbox post's key); a repeated share records nothing. */
export async function recordSharedMessage(tx: Db, articleId: number, messageKey: string, channel: string, at: Date): Promise<void> {
  await tx.insert(kbArticleMessages).values({ articleId, messageKey, channel, createdAt: at }).onConflictDoNothing();
}

/**
 * The keys of an article's shared messages to bring up to date: the newest `limit`, leaving out
 * posts Slack refused for good (an update of those would wait for ever).
 */
export async function sharedMessageKeys(db: Db, articleId: number, limit = 50): Promise<string[]> {
  const list = await db
    .select({ key: kbArticleMessages.messageKey })
    .from(kbArticleMessages)
    .where(
      and(
        eq(kbArticleMessages.articleId, articleId),
        sql`not exists (select 1 from ${outbox} o where o.kind = 'post' and o.message_key = ${kbArticleMessages.messageKey} and o.status = 'failed')`,
      ),
    )
    .orderBy(desc(kbArticleMessages.createdAt), desc(kbArticleMessages.messageKey))
    .limit(limit);
  return list.map((r) => r.key);
}

/** Keeps where a shared message landed (the outbox's posted hook). */
export async function setSharedMessageTs(tx: Db, messageKey: string, channel: string, ts: string): Promise<void> {
  await tx.update(kbArticleMessages).set({ channel, slackTs: ts }).where(eq(kbArticleMessages.messageKey, messageKey));
}

export interface SimilarTicket {
  id: number;
  key: string;
  title: string;
  fix: string | null;
  similarity: number;
}

/**
 * Resolved tickets of the last `days` whose title is at least `threshold` like `title` (pg_trgm
 * similarity), without a live article (an article says it better), best first.
 */
export async function similarResolvedTickets(db: Db, title: string, opts: { excludeId: number; since: Date; threshold: number; limit: number }): Promise<SimilarTicket[]> {
  const q = title.toLowerCase();
  return rows<SimilarTicket>(
    db,
    sql`select t.id, t.key, t.title, t.fix, similarity(lower(t.title), ${q})::float8 as similarity
        from ${tickets} t
        where t.state in ('resolved', 'closed') and t.id <> ${opts.excludeId}
          and t.created_at >= ${opts.since.toISOString()}::timestamptz
          and similarity(lower(t.title), ${q}) >= ${opts.threshold}
          and not exists (select 1 from ${kbArticles} a where a.source_ticket_id = t.id and a.retired_at is null)
        order by similarity desc, t.id desc
        limit ${opts.limit}`,
  ).then((list) => list.map((t) => ({ ...t, similarity: Number(t.similarity) })));
}

// ── hints of new tickets ──────────────────────────────────────────────────────────────────────

export async function insertPendingHint(tx: Db, ticketId: number, at: Date): Promise<void> {
  await tx.insert(kbTicketHints).values({ ticketId, state: 'pending', createdAt: at }).onConflictDoNothing();
}

/** Locks a pending hint for computing; undefined when it is done or another worker has it. */
export async function claimPendingHint(tx: Db, ticketId: number): Promise<{ ticketId: number } | undefined> {
  const [row] = await tx
    .select({ ticketId: kbTicketHints.ticketId })
    .from(kbTicketHints)
    .where(and(eq(kbTicketHints.ticketId, ticketId), eq(kbTicketHints.state, 'pending')))
    .for('update', { skipLocked: true });
  return row;
}

export async function finishHint(tx: Db, ticketId: number, at: Date, suggested: string[]): Promise<void> {
  await tx.update(kbTicketHints).set({ state: 'done', doneAt: at, suggested }).where(eq(kbTicketHints.ticketId, ticketId));
}

/** Pending hints created before `before` (their after-commit computation never ran), oldest first. */
export async function listPendingHints(db: Db, before: Date, limit: number): Promise<number[]> {
  const list = await db
    .select({ ticketId: kbTicketHints.ticketId })
    .from(kbTicketHints)
    .where(and(eq(kbTicketHints.state, 'pending'), lt(kbTicketHints.createdAt, before)))
    .orderBy(asc(kbTicketHints.createdAt))
    .limit(limit);
  return list.map((r) => r.ticketId);
}

export async function getHint(db: Db, ticketId: number): Promise<typeof kbTicketHints.$inferSelect | undefined> {
  const [row] = await db.select().from(kbTicketHints).where(eq(kbTicketHints.ticketId, ticketId));
  return row;
}

// ── the fault table (故障处理表) ──────────────────────────────────────────────────────────────

export interface FaultRow {
  product: string;
  faultCategory: string;
  count: number;
  topFix: string | null;
  topFixCount: number;
  articleKey: string | null;
}

/**
 * Tickets resolved since `since` by product × fault category: how many, the fix used most (the
 * same text, case and spaces aside) and the live article published from a ticket with that fix.
 */
export async function faultTable(db: Db, since: Date, product?: string, until?: Date): Promise<FaultRow[]> {
  const productFilter = product ? sql`and lower(coalesce(t.product, '')) = lower(${product})` : sql``;
  const untilFilter = until ? sql`and t.resolved_at < ${until.toISOString()}::timestamptz` : sql``;
  const list = await rows<{ product: string; fault_category: string; count: number; top_fix: string | null; top_fix_count: number | null; article_key: string | null }>(
    db,
    sql`with resolved as (
          select t.id, coalesce(t.product, '') as product, coalesce(t.fault_category, t.category) as fault_category,
                 t.fix, lower(regexp_replace(btrim(coalesce(t.fix, '')), '\\s+', ' ', 'g')) as fix_key
          from ${tickets} t
          where t.resolved_at >= ${since.toISOString()}::timestamptz ${untilFilter} and t.state in ('resolved', 'closed') ${productFilter}
        ), groups as (
          select product, fault_category, count(*)::int as count from resolved group by product, fault_category
        ), fixes as (
          select product, fault_category, fix_key, min(fix) as fix, count(*)::int as n, array_agg(id) as ids,
                 row_number() over (partition by product, fault_category order by count(*) desc, min(id)) as rk
          from resolved where fix_key <> '' group by product, fault_category, fix_key
        )
        select g.product, g.fault_category, g.count, f.fix as top_fix, f.n as top_fix_count,
               (select a.key from ${kbArticles} a where a.source_ticket_id = any(f.ids) and a.retired_at is null order by a.id limit 1) as article_key
        from groups g left join fixes f on f.product = g.product and f.fault_category = g.fault_category and f.rk = 1
        order by g.product, g.count desc, g.fault_category`,
  );
  return list.map((r) => ({
    product: r.product,
    faultCategory: r.fault_category,
    count: Number(r.count),
    topFix: r.top_fix,
    topFixCount: Number(r.top_fix_count ?? 0),
    articleKey: r.article_key,
  }));
}
