import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { SafeReceiver } from './receiver.js';
import { checkedSocketModeReceiver } from './socket.js';
import { webClientOptions } from './web-client.js';

/** What modules register their listeners on (see router.ts). */
export type { SlackRoutes as BoltApp } from './router.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  slackApiUrl?: string;
  port: number;
  logger: Logger;
  /** Extra HTTP routes: /healthz, /metrics, customer pages. */
  routes: CustomRoute[];
  /** Where the receiver records the ack latency per surface (HTTP mode). */
  metrics?: Pick<Metrics, 'ackSeconds'>;
}

/** Bolt's logger interface on top of pino, so every line is JSON. */
function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'bolt' });
  return {
    // Bolt logs a few debug lines per request: not even joined unless debug is on.
    debug: (...msg: unknown[]) => void (child.isLevelEnabled('debug') && child.debug(msg.map(String).join(' '))),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * The Bolt app: HTTP mode at POST /slack/events through our receiver (receiver.ts: requests verified
 * with the signing secret, checked at the edge, never a 5xx), or Socket Mode when an app token is
 * given (socket.ts: Bolt's receiver, each message checked at the edge) — then the extra routes are
 * served on `port` alone.
 */
export function createSlackApp(opts: SlackAppOptions): App {
  const clientOptions = webClientOptions({ slackApiUrl: opts.slackApiUrl, logger: opts.logger });
  // auth.test once, lazily; while Slack is unreachable requests are still handled and stored.
  const authClient = new WebClient(opts.botToken, { ...clientOptions, retryConfig: { retries: 0 } });
  let identity: { botId?: string; botUserId?: string } | undefined;
  const authorize = async () => {
    if (!identity) {
      try {
        const res = await authClient.auth.test();
        identity = { botId: res.bot_id, botUserId: res.user_id };
      } catch {
        return { botToken: opts.botToken };
      }
    }
    return { botToken: opts.botToken, ...identity };
  };
  // No conversation store: opsdesk keeps its state in the database and never reads
  // context.conversation, and Bolt's in-memory store builds (and throws away) an Error with a stack
  // trace for every request from a conversation it has nothing for — before the ack.
  const common = { authorize, clientOptions, logger: boltLogger(opts.logger), convoStore: false as const };
  if (opts.appToken) {
    // Bolt's Socket Mode receiver, each message checked at the edge first (socket.ts).
    const receiver = checkedSocketModeReceiver({ appToken: opts.appToken, logger: opts.logger, boltLogger: common.logger, routes: opts.routes, port: opts.port });
    return new App({ ...common, receiver });
  }
  const receiver = new SafeReceiver({ signingSecret: opts.signingSecret ?? '', logger: opts.logger, routes: opts.routes, metrics: opts.metrics });
  return new App({ ...common, receiver });
}

/** Starts the app; in HTTP mode resolves with the port actually bound (0 picks a free one). */
export async function startSlackApp(app: App, port: number, host?: string): Promise<number> {
  // App.start hands its arguments to our receiver's start(port, host); Bolt types the second as HTTPS options.
  const start = app.start.bind(app) as (...args: unknown[]) => Promise<unknown>;
  const server = (await (host ? start(port, host) : start(port))) as Server | undefined;
  const address = server?.address?.() as AddressInfo | null | undefined;
  return address?.port ?? port;
}

/** A JSON custom route. */
export function jsonRoute(
  path: string,
  handler: (req: IncomingMessage) => Promise<{ status: number; body: unknown; contentType?: string }>,
): CustomRoute {
  return {
    path,
    method: ['GET'],
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      const { status, body, contentType } = await handler(req);
      res.writeHead(status, { 'content-type': contentType ?? 'application/json; charset=utf-8' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    },
  };
}
