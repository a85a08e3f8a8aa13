// Socket Mode: Bolt's own SocketModeReceiver (the WebSocket, its acks and reconnects, the extra
// HTTP routes), with the edge's check (edge.ts) in front of it. Socket Mode has no signature to
// verify — the connection itself is opened with the app token — but its envelopes are trusted as
// blindly as a signed HTTP body:
//   - @slack/socket-mode reads `event.type` of the parsed message and `payload.event.type` of an
//     events_api envelope without checking either: a message `null`, or an events_api envelope
//     without a payload, throws inside its async message handler (an unhandled rejection), and
//     the envelope is never acknowledged, so Slack delivers it again;
//   - it emits every envelope under its `type` (and an event under the event's type) on the client
//     itself, whose own events ('error', 'ws_message', 'close', …) share that namespace;
//   - Bolt then hands the payload, whatever its shape, to the listeners.
// Here each message is parsed and checked first, as the HTTP receiver does: the connection's own
// messages (hello, disconnect) pass; a request envelope whose payload passes the edge goes on to
// the client's handler untouched; anything else is acknowledged (so Slack does not redeliver the
// same bytes) and dropped, with a log line, and no listener sees it.
import { SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { EventEmitter } from 'node:events';
import { errorFields, type Logger } from '../platform/logger.js';
import { checkSocketPayload, SOCKET_REQUEST_TYPES } from './edge.js';

export interface CheckedSocketModeOptions {
  appToken: string;
  logger: Logger;
  /** Bolt's logger (app.ts): the receiver and its client log through it. */
  boltLogger: ConstructorParameters<typeof SocketModeReceiver>[0]['logger'];
  /** Extra HTTP routes, served on `port` (Bolt's customRoutes). */
  routes: CustomRoute[];
  port: number;
}

/** The parts of @slack/socket-mode's client (3.x) this file uses: its message event and its ack. */
type SocketClient = EventEmitter & { send(envelopeId: string, body?: Record<string, unknown>): Promise<void> };
type MessageListener = (data: unknown, isBinary: boolean) => unknown;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Messages of the connection itself (no envelope, nothing to acknowledge): the client handles them. */
const CONNECTION_TYPES = new Set(['hello', 'disconnect']);

/** What to do with one WebSocket message: pass it to the client, or acknowledge (when it can be) and drop it. */
export type SocketVerdict = { pass: true } | { pass: false; envelopeId?: string; reason: string; status: number };

/** The verdict on one message from Slack's WebSocket, as text. */
export function checkSocketMessage(text: string): SocketVerdict {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    // The client ignores these itself; dropping them here keeps it that way.
    return { pass: false, reason: 'message is not JSON', status: 400 };
  }
  if (!isRecord(message) || typeof message.type !== 'string') return { pass: false, reason: 'message without a type', status: 400 };
  if (CONNECTION_TYPES.has(message.type)) return { pass: true };
  const id = message.envelope_id;
  const envelopeId = typeof id === 'string' && id.length > 0 && id.length <= 255 ? id : undefined;
  if (!SOCKET_REQUEST_TYPES.has(message.type)) return { pass: false, envelopeId, reason: `envelope type ${message.type.slice(0, 40)} is not a request`, status: 400 };
  if (!envelopeId) return { pass: false, reason: 'envelope without an envelope_id', status: 400 };
  const verdict = checkSocketPayload(message.type, message.payload);
  if (verdict.kind === 'dispatch') return { pass: true };
  return { pass: false, envelopeId, reason: verdict.reason, status: verdict.status };
}

/**
 * Puts `checkSocketMessage` in front of a SocketModeReceiver's client: its message listeners are
 * moved behind the check. Exported for the tests, which drive the client without a connection.
 */
export function guardSocketClient(client: SocketClient, logger: Logger): void {
  const log = logger.child({ component: 'socket-mode' });
  const handlers = client.listeners('ws_message') as MessageListener[];
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    if (!isBinary && (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      let verdict: SocketVerdict;
      try {
        verdict = checkSocketMessage(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
      } catch (err) {
        verdict = { pass: false, reason: `unreadable message: ${errorFields(err).message}`, status: 400 };
      }
      if (!verdict.pass) {
        if (verdict.status >= 400) log.warn({ reason: verdict.reason }, 'Socket Mode message refused: malformed');
        else log.info({ reason: verdict.reason }, 'Socket Mode message answered at the edge');
        if (verdict.envelopeId) client.send(verdict.envelopeId).catch((err: unknown) => log.warn({ error: errorFields(err) }, 'acknowledging a dropped Socket Mode envelope failed'));
        return;
      }
    }
    // Binary messages are the client's to ignore; everything that passed, its to handle.
    for (const handler of handlers) {
      const result = handler.call(client, data, isBinary) as unknown;
      if (result instanceof Promise) result.catch((err: unknown) => log.error({ error: errorFields(err) }, 'Socket Mode message handling failed'));
    }
  });
}

/** Bolt's SocketModeReceiver with the edge's check in front of its client. */
export function checkedSocketModeReceiver(opts: CheckedSocketModeOptions): Receiver {
  const receiver = new SocketModeReceiver({ appToken: opts.appToken, logger: opts.boltLogger, customRoutes: opts.routes, installerOptions: { port: opts.port } });
  guardSocketClient(receiver.client as unknown as SocketClient, opts.logger);
  return receiver;
}
