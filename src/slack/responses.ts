import { randomUUID } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { DomainError, userMessage, ValidationError } from '../platform/errors.js';
import type { Translate } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';

/** Where an ephemeral answer can go: a response_url, or chat.postEphemeral in a channel. */
export interface ReplyTarget {
  respond?: (msg: { response_type: 'ephemeral'; replace_original: false; text: string; blocks?: KnownBlock[] }) => Promise<unknown>;
  client: WebClient;
  channel?: string;
  user: string;
}

/** Sends a message only `user` sees. Falls back to a DM when there is no channel to use. */
export async function tellUser(target: ReplyTarget, text: string, blocks?: KnownBlock[]): Promise<void> {
  if (target.respond) {
    await target.respond({ response_type: 'ephemeral', replace_original: false, text, ...(blocks ? { blocks } : {}) });
  } else if (target.channel) {
    await target.client.chat.postEphemeral({ channel: target.channel, user: target.user, text, ...(blocks ? { blocks } : {}) });
  } else {
    await target.client.chat.postMessage({ channel: target.user, text, ...(blocks ? { blocks } : {}) });
  }
}

/**
 * The trigger_id a modal is opened with. Slack sends one with every command, shortcut and button;
 * a request without one cannot open a modal, so instead of calling views.open with nothing the
 * user is told (a DomainError: reportError answers it ephemerally). Call it first, before anything
 * is read or written for the form.
 */
export function requireTrigger(triggerId: string | undefined): string {
  if (!triggerId) throw new DomainError('invalid', 'error.no_trigger');
  return triggerId;
}

/** Field errors for `ack({ response_action: 'errors' })`, or undefined when `err` is not about fields. */
export function viewErrors(err: unknown, tr: Translate): Record<string, string> | undefined {
  if (err instanceof ValidationError) {
    return Object.fromEntries(Object.entries(err.fields).map(([field, p]) => [field, tr(p.key, p.params)]));
  }
  if (err instanceof DomainError && err.field) return { [err.field]: tr(err.key, err.params) };
  return undefined;
}

/**
 * Tells the user what went wrong: their own mistake or a refusal in their words, anything else as a
 * short apology with a reference that is also in the log.
 */
export async function reportError(err: unknown, target: ReplyTarget, tr: Translate, logger: Logger): Promise<void> {
  let text = userMessage(err, tr);
  if (text === undefined) {
    const ref = randomUUID().slice(0, 8);
    logger.error({ err, ref, user: target.user }, 'unexpected error in a Slack handler');
    text = tr('error.unexpected', { ref });
  }
  try {
    await tellUser(target, text);
  } catch (sendErr) {
    logger.warn({ err: sendErr }, 'could not tell the user about an error');
  }
}
