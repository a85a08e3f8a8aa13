// Pure functions: articles, search results, history, hints and the fault table → Block Kit. Every
// text a user typed is escaped before it enters mrkdwn; every label comes from the catalogue.
import type { KnownBlock, ModalView } from '@slack/types';
import type { MessageKey, Translate } from '../../../platform/i18n.js';
import { actions, button, context, divider, header, input, modal, option, section, textInput } from '../../../slack/blocks.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../../slack/mrkdwn.js';
import { categoryLabel, type RemoteStep, type TicketWithCustomer } from '../../tickets/index.js';
import { KB_LIMITS, type ArticleDraft } from '../kb.rules.js';
import type { Article, ArticleVersion, FaultRow, SimilarTicket } from '../kb.store.js';
import { KB_ACTIONS, KB_FORM, KB_VIEWS } from './ids.js';

const esc = (text: string, max: number) => escapeMrkdwn(truncate(text, max));
const articleValue = (a: Pick<Article, 'id'>) => JSON.stringify({ id: a.id });

/** "Product · Fault category · tags" of an article, escaped; empty parts left out. */
function facts(a: Article, tr: Translate): string {
  const parts = [a.product ? esc(a.product, 75) : '', a.faultCategory ? esc(categoryLabel(tr, a.faultCategory), 60) : '', a.tags.length ? a.tags.map((t) => `\`${esc(t, 40)}\``).join(' ') : ''];
  return parts.filter(Boolean).join(' · ');
}

const titleLine = (a: Article, tr: Translate) => `*${a.key}* ${esc(a.title, 150)}${a.retiredAt ? ` ${tr('kb.retired_badge')}` : ''}`;

/** One article in a list: title, facts, symptom and fix in short, and its Share button. */
function articleSummary(a: Article, tr: Translate, share: boolean): KnownBlock[] {
  const lines = [titleLine(a, tr), `*${tr('kb.field.symptom')}* ${esc(a.symptom, 200)}`, `*${tr('kb.field.fix')}* ${esc(a.fix, 300)}`];
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  const about = facts(a, tr);
  if (about) blocks.push(context([about]));
  if (share && !a.retiredAt) blocks.push(actions(`kb.result.${a.id}`, [button(tr('kb.button.share'), KB_ACTIONS.share, articleValue(a))]));
  return blocks;
}

/** `/kb <words>`: at most five articles, each with Share; or a line saying nothing matched. */
export function searchResults(query: string, found: Article[], tr: Translate): { text: string; blocks: KnownBlock[] } {
  const q = esc(query, 100);
  if (found.length === 0) return { text: tr('kb.search.none', { query: q }), blocks: [section(tr('kb.search.none', { query: q }))] };
  const blocks: KnownBlock[] = [section(`*${tr('kb.search.heading', { query: q })}*`)];
  for (const a of found.slice(0, 5)) blocks.push(divider(), ...articleSummary(a, tr, true));
  return { text: tr('kb.search.heading', { query: q }), blocks };
}

/** An article in full: posted where it is shared (with Edit, History, Retire) or shown to one person (with Share). */
export function articleMessage(a: Article, tr: Translate, mode: 'shared' | 'private'): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [header(`${a.key} · ${a.title}`)];
  blocks.push(section(`*${tr('kb.field.symptom')}*\n${esc(a.symptom, 2800)}`));
  if (a.cause) blocks.push(section(`*${tr('kb.field.cause')}*\n${esc(a.cause, 2800)}`));
  blocks.push(section(`*${tr('kb.field.fix')}*\n${esc(a.fix, 2800)}`));
  const about = facts(a, tr);
  const by = a.sourceTicketKey ? tr('kb.by', { user: mention(a.author), ticket: a.sourceTicketKey }) : tr('kb.by_plain', { user: mention(a.author) });
  blocks.push(context([[about, by, slackDate(a.updatedAt), a.retiredAt ? tr('kb.retired_badge') : ''].filter(Boolean).join(' · ')]));
  if (!a.retiredAt) {
    const value = articleValue(a);
    const buttons =
      mode === 'shared'
        ? [button(tr('kb.button.edit'), KB_ACTIONS.edit, value), button(tr('kb.button.history'), KB_ACTIONS.history, value), button(tr('kb.button.retire'), KB_ACTIONS.retire, value, 'danger')]
        : [button(tr('kb.button.share'), KB_ACTIONS.share, value), button(tr('kb.button.history'), KB_ACTIONS.history, value)];
    blocks.push(actions(`kb.article.${a.id}`, buttons));
  }
  return { text: `${a.key} ${escapeMrkdwn(truncate(a.title, 150))}`, blocks };
}

/** Who changed what, version by version. */
export function historyBlocks(a: Article, versions: ArticleVersion[], tr: Translate): KnownBlock[] {
  const lines = versions.slice(-40).map((v) => {
    const params = { version: v.version, user: mention(v.actor), fields: v.changes.map((c) => tr(`kb.fieldname.${c.field}` as MessageKey)).join(', ') };
    return `• ${slackDate(v.at)} ${tr(`kb.history.${v.kind}`, params)}`;
  });
  return [section(`*${tr('kb.history.heading', { key: a.key })}* ${esc(a.title, 150)}`), section(lines.join('\n'))];
}

/** The hint in a new ticket's thread: similar articles first, then past resolved tickets. */
export function hintMessage(articles: Article[], past: SimilarTicket[], tr: Translate): { text: string; blocks: KnownBlock[] } {
  const lines = [
    ...articles.map((a) => `• *${a.key}* ${esc(a.title, 150)} — ${esc(a.fix, 200)}`),
    ...past.map((t) => `• ${t.key} (${tr('kb.hint.ticket')}) ${esc(t.title, 150)}${t.fix ? ` — ${esc(t.fix, 200)}` : ''}`),
  ];
  const blocks: KnownBlock[] = [section(`${tr('kb.hint.heading')}\n${lines.join('\n')}`)];
  const shareable = articles.slice(0, 3).map((a) => button(`${tr('kb.button.share')} ${a.key}`, KB_ACTIONS.share, articleValue(a)));
  if (shareable.length) blocks.push(actions('kb.hint', shareable));
  return { text: `${tr('kb.hint.heading')} ${[...articles.map((a) => a.key), ...past.map((t) => t.key)].join(', ')}`, blocks };
}

/** The fault table (故障处理表): one line per product × fault category with its most used fix. */
export function faultTableBlocks(list: FaultRow[], product: string | undefined, days: number, tr: Translate): { text: string; blocks: KnownBlock[] } {
  const heading = product ? tr('kb.faults.heading_product', { product: esc(product, 75), days }) : tr('kb.faults.heading', { days });
  if (list.length === 0) return { text: heading, blocks: [section(`*${heading}*\n${tr('kb.faults.none', { days })}`)] };
  const blocks: KnownBlock[] = [section(`*${heading}*`)];
  for (const r of list.slice(0, 45)) {
    const row = tr('kb.faults.row', { product: r.product ? esc(r.product, 75) : tr('kb.faults.no_product'), category: esc(categoryLabel(tr, r.faultCategory), 60), count: r.count });
    const fix = r.topFix ? `\n${tr('kb.faults.top_fix', { count: r.topFixCount, fix: esc(r.topFix, 300) })}${r.articleKey ? ` → *${r.articleKey}*` : ''}` : '';
    blocks.push(section(row + fix));
  }
  return { text: heading, blocks };
}

// ── the article form ──────────────────────────────────────────────────────────────────────────

/** The form's first values from a resolved ticket: symptom from title and description, its cause and fix, and the remote steps. */
export function draftFromTicket(t: TicketWithCustomer, steps: RemoteStep[], tr: Translate): ArticleDraft {
  const stepLines = steps.map((s, i) => `${i + 1}. ${s.step} → ${s.result}`);
  const fix = [t.fix ?? '', stepLines.length ? `${tr('kb.form.steps')}\n${stepLines.join('\n')}` : ''].filter(Boolean).join('\n\n');
  return {
    title: t.title,
    symptom: t.description ? `${t.title}\n${t.description}` : t.title,
    cause: t.cause ?? '',
    fix,
    product: t.product,
    faultCategory: t.faultCategory ?? t.category,
    tags: [],
  };
}

export interface ArticleModalInput {
  draft?: ArticleDraft;
  /** The article's key when editing. */
  editing?: string;
  /** The ticket's key when publishing from one. */
  fromTicket?: string;
  categories: readonly string[];
  privateMetadata: string;
}

/** The article form: empty (`/kb new`), prefilled from a ticket, or an article to edit. */
export function articleModal(m: ArticleModalInput, tr: Translate): ModalView {
  const d = m.draft;
  const category = d?.faultCategory && m.categories.includes(d.faultCategory) ? { initial_option: option(categoryLabel(tr, d.faultCategory), d.faultCategory) } : {};
  const blocks: KnownBlock[] = [];
  if (m.fromTicket) blocks.push(context([tr('kb.form.from_ticket', { key: m.fromTicket })]));
  blocks.push(
    input(KB_FORM.title, tr('kb.form.title'), textInput(KB_LIMITS.title, { initial: d?.title })),
    input(KB_FORM.symptom, tr('kb.form.symptom'), textInput(KB_LIMITS.symptom, { multiline: true, initial: d?.symptom })),
    input(KB_FORM.cause, tr('kb.form.cause'), textInput(KB_LIMITS.cause, { multiline: true, initial: d?.cause }), true),
    input(KB_FORM.fix, tr('kb.form.fix'), textInput(KB_LIMITS.fix, { multiline: true, initial: d?.fix })),
    input(KB_FORM.product, tr('kb.form.product'), textInput(KB_LIMITS.product, { initial: d?.product ?? undefined }), true),
    input(KB_FORM.faultCategory, tr('kb.form.category'), { type: 'static_select', ...category, options: m.categories.slice(0, 100).map((c) => option(categoryLabel(tr, c), c)) }, true),
    input(KB_FORM.tags, tr('kb.form.tags'), textInput(KB_LIMITS.tags, { initial: d?.tags.join(', ') }), true, tr('kb.form.tags_hint')),
  );
  const title = m.editing ? tr('kb.form.title_edit', { key: m.editing }) : tr('kb.form.title_new');
  return modal(KB_VIEWS.article, title, m.editing ? tr('kb.form.save') : tr('kb.form.submit'), blocks, m.privateMetadata, tr('modal.cancel'));
}

/** The ticket-thread line that says the ticket became an article. */
export function publishedReply(a: Article, actor: string, tr: Translate): string {
  return tr('kb.reply.published', { user: mention(actor), key: a.key, title: esc(a.title, 150) });
}
