import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { Translate } from '../platform/i18n.js';
import type { BoltApp } from './app.js';
import type { ListenerDeps } from './deps.js';
import { reportError, type ReplyTarget } from './responses.js';

/**
 * What a button handler gets: the clicker, their language, where to answer them, the button's value
 * (the raw string, or — when the listener gave a schema — the parsed JSON value).
 */
export interface ButtonClick<V = string | undefined> {
  user: string;
  /** The clicker's Slack name, their id when Slack sends none. */
  name: string;
  tr: Translate;
  target: ReplyTarget;
  value: V;
  channel: string | undefined;
  /** '' when Slack sent none: a handler that opens a modal checks it first with requireTrigger (responses.ts). */
  triggerId: string;
  client: WebClient;
}

type ButtonDeps = Pick<ListenerDeps, 'trFor' | 'logger'>;

/**
 * A button listener the usual way: ack at once, then run; whatever goes wrong is told to the clicker
 * (their own mistake in their words, anything else as an apology with a reference). With a zod
 * schema, the button's value is JSON parsed and checked first (a bad value is reported the same way).
 */
export function onButton(app: BoltApp, deps: ButtonDeps, actionId: string, run: (click: ButtonClick) => Promise<unknown>): void;
export function onButton<T>(app: BoltApp, deps: ButtonDeps, actionId: string, schema: z.ZodType<T>, run: (click: ButtonClick<T>) => Promise<unknown>): void;
export function onButton(
  app: BoltApp,
  deps: ButtonDeps,
  actionId: string,
  schemaOrRun: z.ZodType<unknown> | ((click: ButtonClick) => Promise<unknown>),
  maybeRun?: (click: ButtonClick<unknown>) => Promise<unknown>,
): void {
  const schema = typeof schemaOrRun === 'function' ? undefined : schemaOrRun;
  const run = (typeof schemaOrRun === 'function' ? schemaOrRun : maybeRun!) as (click: ButtonClick<unknown>) => Promise<unknown>;
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client }) => {
    await ack();
    const tr = await deps.trFor(body.user.id);
    const target: ReplyTarget = { respond, client, user: body.user.id, channel: body.channel?.id };
    try {
      const value = schema ? schema.parse(JSON.parse(action.value ?? '{}')) : action.value;
      await run({ user: body.user.id, name: body.user.name ?? body.user.id, tr, target, value, channel: body.channel?.id, triggerId: body.trigger_id ?? '', client });
    } catch (err) {
      await reportError(err, target, tr, deps.logger);
    }
  });
}
