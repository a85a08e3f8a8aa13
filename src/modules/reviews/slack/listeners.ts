// Review and daily-report listeners: ack fast, parse, call one service function, report errors.
import { z } from 'zod';
import type { BoltApp } from '../../../slack/app.js';
import { onButton } from '../../../slack/buttons.js';
import type { ListenerDeps } from '../../../slack/deps.js';
import { readMetadata, writeMetadata } from '../../../slack/metadata.js';
import { reportError, requireTrigger, tellUser, viewErrors, type ReplyTarget } from '../../../slack/responses.js';
import { ViewState } from '../../../slack/view-state.js';
import { addProblems, checkProblemsAuthor, PROBLEMS_MAX, type DailyDeps } from '../daily.service.js';
import { lastMonthOf } from '../reviews.rules.js';
import { postReviewAsUser, reviewOf, type ReviewDeps } from '../reviews.service.js';
import { problemsModal } from './daily-views.js';
import { PROBLEMS_FIELD, REVIEW_ACTIONS, REVIEW_VIEWS } from './ids.js';
import { reviewMessage } from './views.js';

const problemsButton = z.object({ d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), u: z.string() });
const problemsMeta = z.object({ d: z.string(), u: z.string(), channel: z.string().optional() });

/** Registers /review, its Post button, and the daily report's Add problems button and form. */
export function registerReviewListeners(routes: BoltApp, deps: ListenerDeps, reviews: ReviewDeps, daily: DailyDeps): void {
  const { logger } = deps;

  routes.command('/review', async ({ command, ack, respond, client }) => {
    await ack();
    const tr = await deps.trFor(command.user_id);
    const target: ReplyTarget = { respond, client, user: command.user_id, channel: command.channel_id };
    const text = command.text.trim();
    try {
      if (text === 'help') return await tellUser(target, tr('review.help'));
      const month = text || lastMonthOf(reviews.clock.now(), reviews.config.timezone);
      const review = await reviewOf(reviews, month);
      const message = reviewMessage(review, tr, { postButton: !!reviews.config.channels.review });
      await tellUser(target, message.text, message.blocks);
    } catch (err) {
      await reportError(err, target, tr, logger);
    }
  });

  onButton(routes, deps, REVIEW_ACTIONS.post, async ({ user, value, tr, target }) => {
    const result = await postReviewAsUser(reviews, value ?? '', user);
    await tellUser(
      target,
      result.outcome === 'posted'
        ? tr('review.posted', { month: result.review.month, channel: `<#${reviews.config.channels.review}>` })
        : tr('review.already_posted', { month: value ?? '', channel: `<#${reviews.config.channels.review}>` }),
    );
  });

  onButton(routes, deps, REVIEW_ACTIONS.addProblems, async ({ user, value, tr, channel, triggerId, client }) => {
    const parsed = problemsButton.safeParse((() => { try { return JSON.parse(value ?? ''); } catch { return undefined; } })());
    if (!parsed.success) return;
    const { d, u } = parsed.data;
    const trigger = requireTrigger(triggerId);
    await checkProblemsAuthor(daily, d, u, user);
    await client.views.open({ trigger_id: trigger, view: problemsModal(d, writeMetadata({ d, u, channel }), tr) });
  });

  routes.view(REVIEW_VIEWS.problems, async ({ ack, view, body, client }) => {
    const tr = await deps.trFor(body.user.id);
    const text = new ViewState(view.state.values as never).text(PROBLEMS_FIELD) ?? '';
    if (!text.trim()) return void (await ack({ response_action: 'errors', errors: { [PROBLEMS_FIELD]: tr('error.required') } }));
    if ([...text.trim()].length > PROBLEMS_MAX) return void (await ack({ response_action: 'errors', errors: { [PROBLEMS_FIELD]: tr('error.too_long', { max: PROBLEMS_MAX }) } }));
    await ack();
    const meta = readMetadata(problemsMeta, view.private_metadata);
    const target: ReplyTarget = { client, user: body.user.id, channel: meta.channel };
    try {
      await addProblems(daily, meta.d, meta.u, body.user.id, text, `view:${view.id}`);
    } catch (err) {
      if (viewErrors(err, tr)) logger.warn({ err }, 'problems refused after the form closed');
      await reportError(err, target, tr, logger);
    }
  });
}
