import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../platform/logger.js';

/** Counts handlers in flight so shutdown can wait for them. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  enter(): void {
    this.count++;
  }
  leave(): void {
    this.count--;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }
  get size(): number {
    return this.count;
  }
  /** Resolves when no handler runs, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** What a request was, for the log line: never its text, values or tokens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Slack payload, read defensively
function describe(body: Record<string, any>): Record<string, unknown> {
  if (body.command) return { kind: 'command', command: body.command, user: body.user_id };
  if (body.type === 'block_actions') return { kind: 'action', action: body.actions?.[0]?.action_id, user: body.user?.id };
  if (body.type === 'view_submission' || body.type === 'view_closed') return { kind: body.type, callback: body.view?.callback_id, user: body.user?.id };
  if (body.type === 'block_suggestion') return { kind: 'options', action: body.action_id, user: body.user?.id };
  if (body.type === 'message_action' || body.type === 'shortcut') return { kind: 'shortcut', callback: body.callback_id, user: body.user?.id };
  if (body.event) return { kind: 'event', event: body.event.type, user: body.event.user };
  return { kind: body.type ?? 'unknown' };
}

/** One JSON log line per handled request, with how long the handling took. */
export function requestLog(logger: Logger, inFlight: InFlight): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const started = performance.now();
    inFlight.enter();
    let outcome = 'ok';
    try {
      await next();
    } catch (err) {
      outcome = 'error';
      throw err;
    } finally {
      inFlight.leave();
      logger.info({ ...describe(body as Record<string, unknown>), ms: Math.round(performance.now() - started), outcome }, 'slack request');
    }
  };
}
