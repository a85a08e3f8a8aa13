import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Translate } from '../platform/i18n.js';
import type { BoltApp } from './app.js';
import type { ListenerDeps } from './deps.js';
import { reportError, type ReplyTarget } from './responses.js';

/** What a button handler gets: the clicker, their language, where to answer them, the button's value. */
export interface ButtonClick {
  user: string;
  tr: Translate;
  target: ReplyTarget;
  value: string | undefined;
  channel: string | undefined;
  triggerId: string;
  client: WebClient;
}

/**
 * A button listener the usual way: ack at once, then run; whatever goes wrong is told to the clicker
 * (their own mistake in their words, anything else as an apology with a reference).
 */
export function onButton(app: BoltApp, deps: Pick<ListenerDeps, 'trFor' | 'logger'>, actionId: string, run: (click: ButtonClick) => Promise<unknown>): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client }) => {
    await ack();
    const tr = await deps.trFor(body.user.id);
    const target: ReplyTarget = { respond, client, user: body.user.id, channel: body.channel?.id };
    try {
      await run({ user: body.user.id, tr, target, value: action.value, channel: body.channel?.id, triggerId: body.trigger_id, client });
    } catch (err) {
      await reportError(err, target, tr, deps.logger);
    }
  });
}
