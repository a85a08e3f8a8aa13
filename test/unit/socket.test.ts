// Socket Mode (src/slack/socket.ts): the app built by createSlackApp with an app token, its Bolt
// Socket Mode client driven without a connection — each message is emitted on the client as its
// WebSocket would. Malformed envelopes reach no listener, throw nowhere (no unhandled rejection)
// and are acknowledged when they carry an envelope id; well-formed ones reach the listeners as they are.
import type { App, SocketModeReceiver } from '@slack/bolt';
import type { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/platform/logger.js';
import { createSlackApp } from '../../src/slack/app.js';
import { checkSocketMessage } from '../../src/slack/socket.js';

type Client = EventEmitter & { send: (id: string, body?: unknown) => Promise<void> };

const envelope = (type: string, envelopeId: string | undefined, payload: unknown) => JSON.stringify({ type, envelope_id: envelopeId, payload });
const action = { type: 'block_actions', user: { id: 'U1' }, team: { id: 'T1' }, actions: [{ action_id: 'ticket.take', value: '1' }] };
const command = { command: '/ticket', text: 'list', user_id: 'U1', channel_id: 'C1', team_id: 'T1' };
const homeOpened = { type: 'event_callback', team_id: 'T1', event: { type: 'app_home_opened', user: 'U1' } };

/** Malformed messages: what the client or Bolt would choke on, or hand to a listener as it is. */
const MALFORMED: { message: string; acked?: string }[] = [
  { message: 'null' },
  { message: '[]' },
  { message: '"hello"' },
  { message: '{"type":' },
  { message: '{}' },
  { message: '{"type":5,"envelope_id":"m0"}' },
  { message: envelope('events_api', 'm1', undefined), acked: 'm1' }, // the client reads payload.event.type: a rejection
  { message: envelope('events_api', 'm2', null), acked: 'm2' },
  { message: envelope('events_api', 'm3', { type: 'event_callback' }), acked: 'm3' },
  { message: envelope('events_api', 'm4', { type: 'event_callback', event: { type: 'error' } }), acked: 'm4' }, // emitted as the client's own 'error'
  { message: envelope('events_api', 'm5', { type: 'event_callback', event: { type: 'app_home_opened' } }), acked: 'm5' },
  { message: envelope('error', 'm6', {}), acked: 'm6' },
  { message: envelope('ws_message', 'm7', {}), acked: 'm7' }, // would re-enter the client's message handler
  { message: envelope('interactive', 'm8', null), acked: 'm8' },
  { message: envelope('interactive', 'm9', { type: 'block_actions', user: { id: 'U1' } }), acked: 'm9' },
  { message: envelope('interactive', 'm10', { type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1', callback_id: 'ticket.create' } }), acked: 'm10' },
  { message: envelope('interactive', 'm11', { ...action, type: 'no_such_type' }), acked: 'm11' },
  { message: envelope('slash_commands', 'm12', 'text'), acked: 'm12' },
  { message: envelope('slash_commands', 'm13', { command: '/ticket' }), acked: 'm13' },
  { message: envelope('slash_commands', 'm14', { ...command, user_id: 'U'.repeat(1000) }), acked: 'm14' },
  { message: envelope('interactive', undefined, action) }, // nothing to acknowledge it with
];

describe('Socket Mode', () => {
  let app: App;
  let client: Client;
  let seen: unknown[];
  let acked: string[];
  let rejections: unknown[];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeEach(() => {
    seen = [];
    acked = [];
    rejections = [];
    process.on('unhandledRejection', onRejection);
    // An API URL nobody listens on: the lazy auth.test fails at once and the bot token is used as it is.
    app = createSlackApp({ botToken: 'xoxb-test', appToken: 'xapp-test', slackApiUrl: 'http://127.0.0.1:9/api/', port: 0, logger: silentLogger, routes: [] });
    app.use(async ({ body, ack }) => {
      seen.push(body);
      await (ack as (() => Promise<void>) | undefined)?.();
    });
    client = (app as unknown as { receiver: SocketModeReceiver }).receiver.client as unknown as Client;
    client.send = vi.fn(async (id: string) => void acked.push(id));
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
  });

  it('drops every malformed envelope before any listener, acknowledges those with an id, and throws nowhere', async () => {
    for (const { message } of MALFORMED) client.emit('ws_message', message, false);
    client.emit('ws_message', Buffer.from(envelope('interactive', 'last', action)), false); // a good one last, as bytes
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([action]);
    expect(acked.sort()).toEqual([...MALFORMED.flatMap((m) => (m.acked ? [m.acked] : [])), 'last'].sort());
    expect(rejections).toEqual([]);
  });

  it('hands well-formed commands, actions and events to the listeners as Slack sent them', async () => {
    client.emit('ws_message', envelope('slash_commands', 'c1', command), false);
    client.emit('ws_message', envelope('interactive', 'a1', action), false);
    client.emit('ws_message', envelope('events_api', 'e1', homeOpened), false);
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    expect(seen).toEqual(expect.arrayContaining([command, action, homeOpened]));
    await vi.waitFor(() => expect(acked.sort()).toEqual(['a1', 'c1', 'e1']));
    expect(rejections).toEqual([]);
  });

  it('lets the connection messages through to the client', () => {
    const connected = vi.fn();
    client.on('connected', connected);
    client.emit('ws_message', JSON.stringify({ type: 'hello', num_connections: 1 }), false);
    expect(connected).toHaveBeenCalledTimes(1);
    expect(checkSocketMessage(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }))).toEqual({ pass: true });
  });
});
