// Knowledge-base listeners: /kb, Publish to KB on a resolved ticket, the article form, and an
// article's Share, Edit, History and Retire. Ack first, parse, call one service function.
import { z } from 'zod';
import type { Translate } from '../../../platform/i18n.js';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import { TICKET_ACTIONS } from '../../tickets/index.js';
import { parseKbCommand, parseTags, validateArticle, type ArticleDraft } from '../kb.rules.js';
import * as service from '../kb.service.js';
import type { KbDeps } from '../kb.service.js';
import { KB_ACTIONS, KB_FORM, KB_VIEWS } from './ids.js';
import * as views from './views.js';

const articleButton = z.object({ id: z.number().int() });
const ticketButton = z.object({ id: z.number().int(), v: z.number().int().optional() });
const formMeta = z.object({ id: z.number().int().optional(), v: z.number().int().optional(), ticketId: z.number().int().optional(), channel: z.string().optional() });

/** Registers /kb, the Publish to KB button of tickets, the article form and the article buttons. */
export function registerKbListeners(app: BoltApp, deps: ListenerDeps, kb: KbDeps): void {
  const { logger, config } = deps;
  const categories = config.tickets.categories;

  app.command('/kb', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const target: ReplyTarget = { respond, client, user: command.user_id, channel: command.channel_id };
    try {
      const asked = parseKbCommand(command.text ?? '');
      switch (asked.kind) {
        case 'help':
          return await tellUser(target, tr('kb.help'));
        case 'new':
          return void (await client.views.open({ trigger_id: requireTrigger(command.trigger_id), view: views.articleModal({ categories, privateMetadata: writeMetadata({ channel: command.channel_id }) }, tr) }));
        case 'faults': {
          const table = views.faultTableBlocks(await service.faultTableOf(kb, asked.product), asked.product, service.FAULT_TABLE_DAYS, tr);
          return await tellUser(target, table.text, table.blocks);
        }
        case 'article': {
          const article = await service.findArticle(kb, asked.key);
          if (!article) return await tellUser(target, tr('kb.not_found', { key: asked.key }));
          const shown = views.articleMessage(article, tr, 'private');
          return await tellUser(target, shown.text, shown.blocks);
        }
        case 'ticket': {
          const found = await service.articlesFromTicket(kb, asked.key);
          if (found.length === 0) return await tellUser(target, tr('kb.ticket.none', { key: asked.key }));
          const shown = views.searchResults(asked.key, found, tr);
          return await tellUser(target, shown.text, shown.blocks);
        }
        case 'search': {
          const shown = views.searchResults(asked.query, await service.searchArticles(kb, asked.query), tr);
          return await tellUser(target, shown.text, shown.blocks);
        }
      }
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  // Publish to KB on a resolved ticket's message or thread: the form prefilled from the ticket, or its article.
  onButton(app, deps, TICKET_ACTIONS.publishKb, ticketButton, async ({ value: { id }, user, tr, target, channel, triggerId, client }) => {
    requireTrigger(triggerId);
    const start = await service.startPublish(kb, id, user);
    if (start.kind === 'published') {
      const shown = views.articleMessage(start.article, tr, 'private');
      return tellUser(target, tr('kb.already_published', { key: start.article.key }), [{ type: 'section', text: { type: 'mrkdwn', text: tr('kb.already_published', { key: start.article.key }) } }, ...shown.blocks]);
    }
    const view = views.articleModal(
      { draft: views.draftFromTicket(start.ticket, start.steps, tr), fromTicket: start.ticket.key, categories, privateMetadata: writeMetadata({ ticketId: id, channel }) },
      tr,
    );
    await client.views.open({ trigger_id: triggerId, view });
  });

  onButton(app, deps, KB_ACTIONS.share, articleButton, async ({ value: { id }, user, tr, target, channel }) => {
    if (!channel) return tellUser(target, tr('kb.help'));
    await service.shareArticle(kb, id, channel, user);
  });

  onButton(app, deps, KB_ACTIONS.edit, articleButton, async ({ value: { id }, user, tr, channel, triggerId, client }) => {
    requireTrigger(triggerId);
    const article = await service.articleToManage(kb, id, user, 'edit');
    const view = views.articleModal({ draft: article, editing: article.key, categories, privateMetadata: writeMetadata({ id, v: article.version, channel }) }, tr);
    await client.views.open({ trigger_id: triggerId, view });
  });

  onButton(app, deps, KB_ACTIONS.history, articleButton, async ({ value: { id }, tr, target }) => {
    const { article, versions } = await service.articleHistory(kb, id);
    await tellUser(target, tr('kb.history.heading', { key: article.key }), views.historyBlocks(article, versions, tr));
  });

  onButton(app, deps, KB_ACTIONS.retire, articleButton, async ({ value: { id }, user, tr, target }) => {
    const article = await service.retireArticle(kb, id, user);
    await tellUser(target, tr('kb.retired_ok', { key: article.key }));
  });

  // The article form: new, from a ticket, or an edit. Field problems go back into the modal before the ack.
  app.view(KB_VIEWS.article, async ({ ack, view, body, client }) => {
    const draft = readForm(new ViewState(view.state.values as never));
    const tr = await deps.trFor(body.user.id);
    const problems = validateArticle(draft, categories);
    if (Object.keys(problems).length > 0) {
      await ack({ response_action: 'errors', errors: fieldErrors(problems, tr) });
      return;
    }
    await ack();
    const target: ReplyTarget = { client, user: body.user.id };
    try {
      const meta = readMetadata(formMeta, view.private_metadata);
      target.channel = meta.channel;
      if (meta.id !== undefined) {
        const { article, changed } = await service.editArticle(kb, meta.id, draft, body.user.id, meta.v ?? -1);
        await tellUser(target, changed ? tr('kb.edited', { key: article.key, version: article.version }) : tr('kb.unchanged', { key: article.key }));
        return;
      }
      const { article, created } = await service.publishArticle(kb, draft, body.user.id, { requestKey: `kb:${view.id}`, sourceTicketId: meta.ticketId });
      await tellUser(target, created ? tr('kb.published', { key: article.key }) : tr('kb.already_published', { key: article.key }));
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });
}

function readForm(s: ViewState): ArticleDraft {
  return {
    title: s.text(KB_FORM.title) ?? '',
    symptom: s.text(KB_FORM.symptom) ?? '',
    cause: s.text(KB_FORM.cause) ?? '',
    fix: s.text(KB_FORM.fix) ?? '',
    product: s.text(KB_FORM.product) ?? null,
    faultCategory: s.selected(KB_FORM.faultCategory) ?? null,
    tags: parseTags(s.text(KB_FORM.tags)),
  };
}

function fieldErrors(problems: ReturnType<typeof validateArticle>, tr: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, tr(p.key, p.params)]));
}
