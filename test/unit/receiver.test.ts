// The HTTP receiver (src/slack/receiver.ts) with a stand-in for Bolt: signature and replay window,
// size limit, routes, what is answered when a listener acks, fails or never acks, and the ack
// latency per surface.
import type { App, ReceiverEvent } from '@slack/bolt';
import { AuthorizationError } from '@slack/bolt';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';
import { silentLogger } from '../../src/platform/logger.js';
import { SafeReceiver } from '../../src/slack/receiver.js';
import { signature } from '../support/slack-client.js';

const SECRET = 'unit-test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
const command = new URLSearchParams({ command: '/ticket', text: 'list', user_id: 'U1', channel_id: 'C1', team_id: 'T1' }).toString();
const action = (extra: Record<string, unknown> = {}) =>
  new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, team: { id: 'T1' }, actions: [{ action_id: 'a.b' }], ...extra }) }).toString();

/** What the stand-in for Bolt does with the next event. */
let onEvent: (event: ReceiverEvent) => Promise<void>;
const seen: ReceiverEvent[] = [];
const metrics = createMetrics({ defaultMetrics: false });
let receiver: SafeReceiver;
let base: string;

beforeAll(async () => {
  receiver = new SafeReceiver({
    signingSecret: SECRET,
    logger: silentLogger,
    metrics,
    bodyLimit: 64 * 1024,
    unhandledRequestTimeoutMs: 300,
    routes: [
      { path: '/healthz', method: ['GET'], handler: (_req, res) => void res.writeHead(200).end('ok') },
      { path: '/page/:token', method: ['GET', 'POST'], handler: (req, res) => void res.writeHead(200).end(String((req as { params?: Record<string, string> }).params?.token)) },
      { path: '/sync-throw', method: ['GET'], handler: () => { throw new Error('boom'); } },
      { path: '/async-throw', method: ['GET'], handler: async () => { throw new Error('boom'); } },
    ],
  });
  receiver.init({ processEvent: async (e: ReceiverEvent) => { seen.push(e); await onEvent(e); } } as unknown as App);
  const server = (await receiver.start(0)) as Server;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => receiver.stop());
beforeEach(() => {
  seen.length = 0;
  onEvent = async (e) => e.ack();
});

async function post(body: string, opts: { contentType?: string; sign?: 'valid' | 'none' | 'wrong'; offsetSec?: number; timestamp?: string; path?: string } = {}) {
  const ts = Math.floor(Date.now() / 1000) + (opts.offsetSec ?? 0);
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? FORM, 'x-slack-request-timestamp': opts.timestamp ?? String(ts) };
  if (opts.sign !== 'none') headers['x-slack-signature'] = signature(opts.sign === 'wrong' ? `${SECRET}x` : SECRET, ts, body);
  const res = await fetch(`${base}${opts.path ?? '/slack/events'}`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

describe('signature and replay window', () => {
  it.each([
    ['no signature', { sign: 'none' as const }],
    ['another secret', { sign: 'wrong' as const }],
    ['signed 6 minutes ago', { offsetSec: -360 }],
    ['signed 6 minutes ahead', { offsetSec: 360 }],
    ['a timestamp that is not a number', { timestamp: 'yesterday' }],
  ])('401 for %s, and Bolt never sees it', async (_name, opts) => {
    expect((await post(command, opts)).status).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('401 for a signature of another version, shape or case, or one cut short, and Bolt never sees it', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const good = signature(SECRET, Number(ts), command);
    const hex = good.slice(3);
    for (const sig of [`v1=${hex}`, hex, `v0=${hex.toUpperCase()}`, `v0=${hex.slice(0, -2)}`, `v0=${hex}00`, `v0=${'z'.repeat(64)}`, 'v0=']) {
      const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig }, body: command });
      expect(res.status, sig).toBe(401);
    }
    expect(seen).toHaveLength(0);
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, 'x-slack-request-timestamp': ts, 'x-slack-signature': good }, body: command });
    expect(res.status).toBe(200);
  });

  it('takes a request signed 4 minutes ago', async () => {
    expect((await post(command, { offsetSec: -240 })).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('answers the unsigned ssl_check probe with 200 and nothing else', async () => {
    expect((await post('ssl_check=1&token=x&payload=%7B%7D', { sign: 'none' })).status).toBe(200);
    expect(seen).toHaveLength(0);
  });

  it('refuses an unsigned body whatever it holds, before reading it as JSON', async () => {
    expect((await post('payload=null', { sign: 'none' })).status).toBe(401);
  });
});

describe('the edge', () => {
  it('400 for a signed payload=null (it crashed the process before)', async () => {
    const res = await post('payload=null');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ ok: false, error: 'invalid_payload' });
    expect(seen).toHaveLength(0);
  });

  it('415 for a signed body of another content type', async () => {
    expect((await post(action(), { contentType: 'text/plain' })).status).toBe(415);
  });

  it('413 for a body over the limit', async () => {
    expect((await post(`payload=${'x'.repeat(100 * 1024)}`)).status).toBe(413);
  });

  it('405 for GET on the Slack endpoint, 404 for an unknown path', async () => {
    expect((await fetch(`${base}/slack/events`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('what Bolt makes of it', () => {
  it('sends the listener’s ack: nothing, or its JSON', async () => {
    expect(await post(command)).toEqual({ status: 200, text: '' });
    onEvent = async (e) => e.ack({ response_type: 'ephemeral', text: 'hi' });
    const res = await post(command);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: 'hi' });
  });

  it('hands Bolt the body and the retry headers', async () => {
    await post(action());
    expect(seen[0]!.body).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'a.b' }] });
  });

  it('400 at once when no listener acks (Bolt would wait 3 s for a 404)', async () => {
    onEvent = async () => {};
    const started = Date.now();
    expect((await post(action())).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('400 when a listener fails before its ack, 401 when authorization fails', async () => {
    onEvent = async () => { throw new Error('listener bug'); };
    expect((await post(action())).status).toBe(400);
    onEvent = async () => { throw new AuthorizationError('no installation', new Error('x')); };
    expect((await post(action())).status).toBe(401);
  });

  it('keeps the ack when the listener fails after it', async () => {
    onEvent = async (e) => { await e.ack(); throw new Error('after the ack'); };
    expect((await post(action())).status).toBe(200);
  });

  it('404 when a listener takes longer than the timeout to ack, and its late ack throws', async () => {
    let late: unknown;
    onEvent = async (e) => {
      await new Promise((r) => setTimeout(r, 450));
      late = await e.ack().catch((err: unknown) => err);
    };
    expect((await post(action())).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(late).toBeInstanceOf(Error);
  });
});

describe('extra routes', () => {
  it('serves routes with params, and answers a bad percent-encoding with 400', async () => {
    expect(await (await fetch(`${base}/page/abc%20d`)).text()).toBe('abc d');
    expect((await fetch(`${base}/page/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${base}/page/abc`, { method: 'DELETE' })).status).toBe(405);
  });

  it('answers a route that throws or rejects with 500 and keeps serving', async () => {
    expect((await fetch(`${base}/sync-throw`)).status).toBe(500);
    expect((await fetch(`${base}/async-throw`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('ack latency', () => {
  it('is observed per request, labelled by surface', async () => {
    const count = async (surface: string) => {
      const text = await metrics.registry.getSingleMetricAsString('opsdesk_slack_ack_seconds');
      return Number(new RegExp(`opsdesk_slack_ack_seconds_count\\{surface="${surface}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const before = { command: await count('command'), block_actions: await count('block_actions'), unknown: await count('unknown') };
    await post(command);
    await post(action());
    await post(action());
    await post('payload=null');
    expect(await count('command')).toBe(before.command + 1);
    expect(await count('block_actions')).toBe(before.block_actions + 2);
    expect(await count('unknown')).toBe(before.unknown + 1);
  });
});
