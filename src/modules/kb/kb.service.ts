// Knowledge-base use cases (SPEC §3.7): publish an article (from a resolved ticket or from
// scratch), edit it in versions, retire it, share it, find it, and the fault table.
import type { Config } from '../../config/config.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { nextSeq } from '../../platform/counters.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { rolesOf } from '../../platform/roles.js';
import { getTicketById, remoteStepsOf, type RemoteStep, type TicketWithCustomer } from '../tickets/index.js';
import {
  articleSearchText,
  articleTitleText,
  diffArticle,
  initialChanges,
  rank,
  SEARCH_LIMIT,
  SEARCH_THRESHOLD,
  searchForm,
  validateArticle,
  type ArticleDraft,
} from './kb.rules.js';
import * as store from './kb.store.js';
import type { Article, ArticleVersion, FaultRow, SimilarTicket } from './kb.store.js';

/** How the domain tells Slack: implementations queue outbox rows in the given transaction. */
export interface KbNotifier {
  /** An article was published from a ticket: say so in the ticket's thread. */
  published(tx: Db, article: Article, ticket: Pick<TicketWithCustomer, 'id' | 'key' | 'slackChannel'>): Promise<void>;
  /** Someone shared an article in a channel: post it there under `messageKey` (once per key). */
  shared(tx: Db, article: Article, channel: string, actor: string, messageKey: string): Promise<void>;
  /** An article was edited or retired: bring the messages it was shared as up to date. */
  changed(tx: Db, article: Article, messageKeys: string[]): Promise<void>;
  /** Similar articles and past tickets for a new ticket, in its thread. */
  hinted(tx: Db, ticket: Pick<TicketWithCustomer, 'id' | 'key' | 'slackChannel'>, articles: Article[], past: SimilarTicket[]): Promise<void>;
}

export interface KbDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  readonly logger: Logger;
  readonly notify: KbNotifier;
  /** Called after a commit that queued messages, to wake the outbox worker. */
  readonly queued: () => void;
}

/** The fault table looks this far back (SPEC §3.7: the last 90 days). */
export const FAULT_TABLE_DAYS = 90;

const isSupervisor = (config: Config, user: string) => rolesOf(config.roles, user).has('supervisor');
/** Edit and retire: the author or a supervisor. */
export const mayManage = (config: Config, article: Pick<Article, 'author'>, user: string) => article.author === user || isSupervisor(config, user);
/** Write articles: anyone on the team (engineers, and everyone when no engineers are listed). */
const mayWrite = (config: Config, user: string) => rolesOf(config.roles, user).has('engineer');

const clean = (s: string | null | undefined) => (s ?? '').trim();
function normalized(d: ArticleDraft): ArticleDraft {
  return { title: clean(d.title), symptom: clean(d.symptom), cause: clean(d.cause), fix: clean(d.fix), product: clean(d.product) || null, faultCategory: d.faultCategory || null, tags: d.tags };
}
const searchColumns = (d: ArticleDraft) => ({ titleSearch: articleTitleText(d), searchText: articleSearchText(d) });

async function refuse(deps: KbDeps, actor: string, action: string, subject: string, key: ConstructorParameters<typeof DomainError>[1], params: Record<string, string | number> = {}): Promise<never> {
  await audit(deps.db, { at: deps.clock.now(), actor, action: `kb.${action}`, subject, outcome: 'refused' });
  throw new DomainError('refused', key, params);
}

/** What the Publish to KB form starts from: the resolved ticket and its remote steps, or the article it already has. */
export type PublishStart = { kind: 'published'; article: Article } | { kind: 'draft'; ticket: TicketWithCustomer; steps: RemoteStep[] };

/** Checks a ticket may be published by `actor` and returns what the form is prefilled from. */
export async function startPublish(deps: KbDeps, ticketId: number, actor: string): Promise<PublishStart> {
  const ticket = await getTicketById(deps, ticketId);
  if (!ticket) throw new DomainError('not_found', 'kb.ticket_not_found', { key: String(ticketId) });
  const existing = await store.liveArticleOfTicket(deps.db, ticket.id);
  if (existing) return { kind: 'published', article: existing };
  if (ticket.state !== 'resolved' && ticket.state !== 'closed') throw new DomainError('invalid', 'kb.ticket_not_resolved', { key: ticket.key });
  if (!mayWrite(deps.config, actor)) await refuse(deps, actor, 'publish', `ticket:${ticket.id}`, 'kb.not_allowed_write');
  return { kind: 'draft', ticket, steps: await remoteStepsOf(deps, ticket.id) };
}

/**
 * Publishes an article (version 1). With `sourceTicketId` it is the ticket's article: a ticket that
 * has one already gets that one back. `requestKey` (the form's view id) makes a repeated submission
 * return the article the first one wrote. Throws ValidationError and writes nothing when invalid.
 */
export async function publishArticle(
  deps: KbDeps,
  input: ArticleDraft,
  actor: string,
  opts: { requestKey?: string; sourceTicketId?: number } = {},
): Promise<{ article: Article; created: boolean }> {
  const draft = normalized(input);
  const problems = validateArticle(draft, deps.config.tickets.categories);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  if (!mayWrite(deps.config, actor)) await refuse(deps, actor, 'publish', 'kb', 'kb.not_allowed_write');
  if (opts.requestKey) {
    const repeated = await store.getArticleByRequestKey(deps.db, opts.requestKey);
    if (repeated) return { article: repeated, created: false };
  }
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    let ticket: TicketWithCustomer | undefined;
    if (opts.sourceTicketId !== undefined) {
      ticket = await getTicketById(deps, opts.sourceTicketId, tx);
      if (!ticket) throw new DomainError('not_found', 'kb.ticket_not_found', { key: String(opts.sourceTicketId) });
      const existing = await store.liveArticleOfTicket(tx, ticket.id);
      if (existing) return { article: existing, created: false };
    }
    const seq = await nextSeq(tx, 'KB', 0);
    const article = await store.insertArticle(tx, {
      key: `KB-${seq}`,
      ...draft,
      ...searchColumns(draft),
      sourceTicketId: ticket?.id ?? null,
      sourceTicketKey: ticket?.key ?? null,
      author: actor,
      requestKey: opts.requestKey ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (!article) return undefined; // the same submission or the same ticket won a race: roll back
    await store.insertVersion(tx, { articleId: article.id, version: 1, kind: 'created', actor, at: now, changes: initialChanges(draft) });
    if (ticket) await deps.notify.published(tx, article, ticket);
    return { article, created: true };
  });
  if (!result) {
    // The same submission or the same ticket won a race: its article is the answer.
    const winner = (opts.requestKey ? await store.getArticleByRequestKey(deps.db, opts.requestKey) : undefined) ?? (await store.liveArticleOfTicket(deps.db, opts.sourceTicketId ?? -1));
    if (!winner) throw new Error('an article insert conflicted but no article holds its key');
    return { article: winner, created: false };
  }
  if (result.created) deps.queued();
  return result;
}

/** An article `actor` may edit or retire (checked before the form opens; refusals audited). */
export async function articleToManage(deps: KbDeps, id: number, actor: string, action: 'edit' | 'retire'): Promise<Article> {
  const article = await store.getArticle(deps.db, id);
  if (!article) throw new DomainError('not_found', 'kb.not_found', { key: String(id) });
  if (article.retiredAt) throw new DomainError('conflict', 'kb.retired', { key: article.key });
  if (!mayManage(deps.config, article, actor)) await refuse(deps, actor, action, `kb:${id}`, 'kb.not_allowed_manage', { key: article.key });
  return article;
}

/**
 * Saves an edit as a new version recording what changed. `version` is the one the form showed: a
 * form older than the article is refused (someone else saved meanwhile). Nothing changed → nothing
 * written. The messages the article was shared as are updated to the new version.
 */
export async function editArticle(deps: KbDeps, id: number, input: ArticleDraft, actor: string, version: number): Promise<{ article: Article; changed: boolean }> {
  const draft = normalized(input);
  const problems = validateArticle(draft, deps.config.tickets.categories);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  await articleToManage(deps, id, actor, 'edit');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const before = await store.lockArticle(tx, id);
    if (!before) throw new DomainError('not_found', 'kb.not_found', { key: String(id) });
    if (before.retiredAt) throw new DomainError('conflict', 'kb.retired', { key: before.key });
    if (before.version !== version) throw new DomainError('conflict', 'kb.stale', { key: before.key });
    const changes = diffArticle(before, draft);
    if (changes.length === 0) return { article: before, changed: false, shared: 0 };
    const article = await store.updateArticle(tx, id, { ...draft, ...searchColumns(draft), updatedAt: now });
    await store.insertVersion(tx, { articleId: id, version: article.version, kind: 'edited', actor, at: now, changes });
    const shared = await store.sharedMessageKeys(tx, id);
    if (shared.length > 0) await deps.notify.changed(tx, article, shared);
    return { article, changed: true, shared: shared.length };
  });
  if (result.shared > 0) deps.queued();
  return { article: result.article, changed: result.changed };
}

/** Retires an article: it leaves search and hints, its history stays, its shared messages say so. */
export async function retireArticle(deps: KbDeps, id: number, actor: string): Promise<Article> {
  await articleToManage(deps, id, actor, 'retire');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const before = await store.lockArticle(tx, id);
    if (!before) throw new DomainError('not_found', 'kb.not_found', { key: String(id) });
    if (before.retiredAt) throw new DomainError('conflict', 'kb.retired', { key: before.key });
    const article = await store.updateArticle(tx, id, { retiredAt: now, retiredBy: actor, updatedAt: now });
    await store.insertVersion(tx, { articleId: id, version: article.version, kind: 'retired', actor, at: now, changes: [] });
    const shared = await store.sharedMessageKeys(tx, id);
    if (shared.length > 0) await deps.notify.changed(tx, article, shared);
    return { article, shared: shared.length };
  });
  if (result.shared > 0) deps.queued();
  return result.article;
}

/**
 * Posts an article in a channel (once per article version, channel and person, however often
 * clicked) and records the message, so later edits and a retirement update it. The article row is
 * locked meanwhile: an edit either comes first (the post shows it) or sees this message.
 */
export async function shareArticle(deps: KbDeps, id: number, channel: string, actor: string): Promise<Article> {
  const article = await deps.db.transaction(async (tx) => {
    const current = await store.lockArticle(tx, id);
    if (!current) throw new DomainError('not_found', 'kb.not_found', { key: String(id) });
    if (current.retiredAt) throw new DomainError('conflict', 'kb.retired', { key: current.key });
    const messageKey = `kb-share:${current.id}:${current.version}:${channel}:${actor}`;
    await store.recordSharedMessage(tx, current.id, messageKey, channel, deps.clock.now());
    await deps.notify.shared(tx, current, channel, actor, messageKey);
    return current;
  });
  deps.queued();
  return article;
}

/** `/kb <words>`: the live articles that match best, at most five. */
export async function searchArticles(deps: Pick<KbDeps, 'db'>, query: string): Promise<(Article & { score: number })[]> {
  const candidates = await store.searchCandidates(deps.db, searchForm(query), { limit: 30 });
  return rank(candidates, SEARCH_THRESHOLD, SEARCH_LIMIT);
}

/** An article by its key (KB-12), retired ones included; undefined when there is none. */
export function findArticle(deps: Pick<KbDeps, 'db'>, key: string): Promise<Article | undefined> {
  return store.getArticleByKey(deps.db, key);
}

/** An article by its row id. */
export function getArticle(deps: Pick<KbDeps, 'db'>, id: number): Promise<Article | undefined> {
  return store.getArticle(deps.db, id);
}

/** Articles written from a ticket (`/kb OPS-2026-7`). */
export function articlesFromTicket(deps: Pick<KbDeps, 'db'>, ticketKey: string): Promise<Article[]> {
  return store.articlesOfTicketKey(deps.db, ticketKey);
}

/** An article and every version of it. */
export async function articleHistory(deps: Pick<KbDeps, 'db'>, id: number): Promise<{ article: Article; versions: ArticleVersion[] }> {
  const article = await store.getArticle(deps.db, id);
  if (!article) throw new DomainError('not_found', 'kb.not_found', { key: String(id) });
  return { article, versions: await store.listVersions(deps.db, id) };
}

/** The fault table (故障处理表): resolved tickets of the last 90 days by product × fault category. */
export function faultTableOf(deps: Pick<KbDeps, 'db' | 'clock'>, product?: string): Promise<FaultRow[]> {
  const since = new Date(deps.clock.now().getTime() - FAULT_TABLE_DAYS * 86_400_000);
  return store.faultTable(deps.db, since, product);
}

/** The fault table as CSV (`npm run opsdesk -- export kb`). */
export const FAULT_CSV_HEADER = ['product', 'fault_category', 'resolved', 'top_fix', 'top_fix_count', 'article'];

/** The fault table as CSV rows: the last 90 days, or tickets resolved in [from, to) when a window is given. */
export async function faultCsvRows(db: Db, now: Date, window?: { from?: Date; to?: Date }): Promise<unknown[][]> {
  const list = window ? await store.faultTable(db, window.from ?? new Date(0), undefined, window.to) : await faultTableOf({ db, clock: { now: () => now } });
  return list.map((r) => [r.product, r.faultCategory, r.count, r.topFix, r.topFixCount, r.articleKey]);
}
