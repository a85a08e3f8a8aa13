import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/index.js';
import type { FieldChange } from './kb.rules.js';

/**
 * A knowledge-base article (知识库), SPEC §3.7: `KB-<seq>`, written from a resolved ticket or from
 * scratch, edited in versions, retired instead of deleted. `search_text` and `title_search` are the
 * texts in their search form (kb.rules.ts `searchForm`: Chinese runs as overlapping character
 * pairs), their words indexed for search's candidates; pg_trgm ranks the candidates.
 */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    symptom: text('symptom').notNull(),
    cause: text('cause').notNull().default(''),
    fix: text('fix').notNull(),
    product: text('product'),
    faultCategory: text('fault_category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    sourceTicketId: integer('source_ticket_id').references(() => tickets.id),
    sourceTicketKey: text('source_ticket_key'),
    author: text('author').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    retiredBy: text('retired_by'),
    titleSearch: text('title_search').notNull(),
    searchText: text('search_text').notNull(),
    /** Makes publishing idempotent: the form's view id, so a repeated submission writes one article. */
    requestKey: text('request_key'),
    /** Bumped by every edit; the edit form carries it so a stale form changes nothing. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('kb_articles_key_uq').on(t.key),
    uniqueIndex('kb_articles_request_key_uq').on(t.requestKey),
    // One live article per ticket: publishing a ticket twice links to the first.
    uniqueIndex('kb_articles_source_ticket_uq').on(t.sourceTicketId).where(sql`source_ticket_id is not null and retired_at is null`),
    index('kb_articles_source_key_idx').on(t.sourceTicketKey),
    // The words of the search forms (kb.store.ts TITLE_WORDS, TEXT_WORDS): exact word lookups for
    // search's candidates, and statistics of how common each word is. Not partial, so the planner
    // uses those statistics. Without fastupdate: every search would otherwise read GIN's pending
    // list of recent inserts in full (up to 4 MB until a vacuum: 30 ms a lookup at 100,000
    // articles), and articles are written one at a time by people.
    index('kb_articles_title_words_idx')
      .using('gin', sql`string_to_array(btrim(${t.titleSearch}), ' ')`)
      .with({ fastupdate: false }),
    index('kb_articles_search_words_idx')
      .using('gin', sql`string_to_array(btrim(${t.searchText}), ' ')`)
      .with({ fastupdate: false }),
  ],
);

/**
 * Where an article was shared (its Share button posted it): the outbox post's key, and its channel
 * and ts once delivered (kept by `kbPostedHook`). An edit or a retirement updates these messages.
 */
export const kbArticleMessages = pgTable(
  'kb_article_messages',
  {
    messageKey: text('message_key').primaryKey(),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    channel: text('channel').notNull(),
    slackTs: text('slack_ts'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('kb_article_messages_article_idx').on(t.articleId, t.createdAt)],
);

/** Every version of an article: who, when, and what changed (field → before and after). */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    articleId: integer('article_id').notNull().references(() => kbArticles.id),
    version: integer('version').notNull(),
    kind: text('kind').$type<'created' | 'edited' | 'retired'>().notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    changes: jsonb('changes').$type<FieldChange[]>().notNull(),
  },
  (t) => [uniqueIndex('kb_article_versions_uq').on(t.articleId, t.version)],
);

/**
 * The similar-articles hint of a new ticket: written pending in the ticket's creating transaction,
 * computed after the commit (or by the `kb-hints` job if the process stopped first), posted once.
 */
export const kbTicketHints = pgTable(
  'kb_ticket_hints',
  {
    ticketId: integer('ticket_id').primaryKey().references(() => tickets.id),
    state: text('state').$type<'pending' | 'done'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    /** What was suggested: article keys and ticket keys (empty when nothing was similar enough). */
    suggested: jsonb('suggested').$type<string[]>(),
  },
  (t) => [index('kb_ticket_hints_pending_idx').on(t.createdAt).where(sql`state = 'pending'`)],
);
