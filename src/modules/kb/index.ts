// The knowledge base's front door (SPEC §3.7): articles published from resolved tickets or from
// scratch, kept in versions and retired instead of deleted; /kb search in Chinese, English and
// mixed text (pg_trgm); similar articles in a new ticket's thread after the ack; the fault table.
// Others use kb only through this file.
import './kb.i18n.js';

// Deps and how the domain tells Slack (built in the composition root).
export type { KbDeps, KbNotifier } from './kb.service.js';
export type { Article, ArticleVersion, FaultRow, SimilarTicket } from './kb.store.js';
export { parseKbCommand, searchForm, type ArticleDraft, type FieldChange, type KbCommand } from './kb.rules.js';

// Use cases.
export {
  articleHistory,
  articlesFromTicket,
  editArticle,
  FAULT_CSV_HEADER,
  FAULT_TABLE_DAYS,
  faultCsvRows,
  faultTableOf,
  findArticle,
  publishArticle,
  retireArticle,
  searchArticles,
  shareArticle,
  startPublish,
} from './kb.service.js';
// The new-ticket hint: a TicketCreatedHook (pending row), an after-commit listener, the kb-hints job.
export { computeHint, computePendingHints, hintAfterCommit, pendingHintHook, similarArticles } from './kb.hints.js';

// Tables (for drizzle-kit and the reports' SQL).
export { kbArticleMessages, kbArticles, kbArticleVersions, kbTicketHints } from './kb.table.js';

// The Slack side.
export { KB_ACTIONS, KB_VIEWS } from './slack/ids.js';
export { kbPostedHook, slackKbNotifier } from './slack/notifier.js';
export { registerKbListeners } from './slack/listeners.js';
