import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WebClient, ErrorCode, LogLevel } from '@slack/web-api';
import { App, LogLevel as BoltLogLevel } from '@slack/bolt';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { validateMessageBlocks, validateView } from './block-kit.js';
import { SlackRequester, signature, startResponseUrlSink, type ResponseUrlSink } from './slack-client.js';

const TOKEN = 'xoxb-test-token';
const section = (i: number) => ({ type: 'section', text: { type: 'mrkdwn', text: `item ${i}` } });
const blocks = (n: number) => Array.from({ length: n }, (_, i) => section(i));
const modal = (extra: Record<string, any> = {}) => ({
  type: 'modal', title: { type: 'plain_text', text: 'New ticket' }, blocks: [section(1)], ...extra,
});

/** Raw form post, the way web-api sends it, so tests can see HTTP status and headers. */
async function rawCall(fake: FakeSlack, method: string, args: Record<string, string>, token = TOKEN) {
  const res = await fetch(`${fake.url}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
    body: new URLSearchParams(args).toString(),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json().catch(() => undefined) };
}

function client(fake: FakeSlack, token = TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR,
  });
}

describe('block-kit validator', () => {
  it('accepts 50 message blocks and rejects 51', () => {
    expect(validateMessageBlocks(blocks(50))).toEqual([]);
    const errors = validateMessageBlocks(blocks(51));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/no more than 50 items/);
  });

  it('allows 100 blocks in a modal but not 101', () => {
    expect(validateView(modal({ blocks: blocks(100) }))).toEqual([]);
    expect(validateView(modal({ blocks: blocks(101) })).join()).toMatch(/no more than 100/);
  });

  it('rejects a header over 150 characters and a mrkdwn header', () => {
    const ok = { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(150) } };
    expect(validateMessageBlocks([ok])).toEqual([]);
    const long = validateMessageBlocks([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }]);
    expect(long.join()).toMatch(/at most 150 characters.*\/blocks\/0\/text\/text/);
    expect(validateMessageBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'hi' } }])).toHaveLength(1);
  });

  it('rejects a modal title over 24 characters', () => {
    expect(validateView(modal({ title: { type: 'plain_text', text: 'x'.repeat(24) } }))).toEqual([]);
    expect(validateView(modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } })).join()).toMatch(/\/view\/title\/text/);
  });

  it('catches the usual mistakes', () => {
    const input = { type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'Title' }, element: { type: 'plain_text_input', action_id: 'v' } };
    expect(validateView(modal({ blocks: [input] })).join()).toMatch(/submit is required/);
    expect(validateView(modal({ blocks: [input], submit: { type: 'plain_text', text: 'Create' } }))).toEqual([]);
    expect(validateMessageBlocks([{ ...section(1), block_id: 'a' }, { ...section(2), block_id: 'a' }]).join()).toMatch(/duplicate block_id/);
    expect(validateMessageBlocks([{ type: 'sektion' }]).join()).toMatch(/unknown block type/);
    expect(validateMessageBlocks([{ type: 'section', text: { type: 'plain_text', text: '' } }]).join()).toMatch(/more than 0/);
    const button = { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) } };
    expect(validateMessageBlocks([{ type: 'actions', elements: [button] }]).join()).toMatch(/at most 75/);
    const fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' }));
    expect(validateMessageBlocks([{ type: 'section', fields }]).join()).toMatch(/at most 10 items/);
  });
});

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  beforeAll(async () => { fake = await startFakeSlack({ users: { U0ALICE: { tz: 'Europe/Berlin', locale: 'de-DE', name: 'alice' } } }); });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('rejects a bad or missing token', async () => {
    const bad = await rawCall(fake, 'chat.postMessage', { channel: 'C0OPS0001', text: 'hi' }, 'xoxb-wrong');
    expect(bad).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    await expect(client(fake, 'xoxb-wrong').chat.postMessage({ channel: 'C0OPS0001', text: 'hi' }))
      .rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'invalid_auth' } });
    const res = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(await res.json()).toMatchObject({ ok: false, error: 'not_authed' });
    // JSON bodies must carry the token in the Authorization header; form bodies may use a token field.
    const json = (headers: Record<string, string>, body: string) =>
      fetch(`${fake.url}auth.test`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body }).then((r) => r.json());
    expect(await json({}, JSON.stringify({ token: TOKEN }))).toMatchObject({ error: 'not_authed' });
    expect(await json({ authorization: `Bearer ${TOKEN}` }, '{}')).toMatchObject({ ok: true, user_id: fake.botUserId });
    const form = await fetch(`${fake.url}auth.test`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
    expect(await form.json()).toMatchObject({ ok: true });
    expect(fake.posted()).toHaveLength(0);
  });

  it('failNext 429 answers with Retry-After once, then the call succeeds', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const limited = await rawCall(fake, 'chat.postMessage', { channel: 'C0OPS0001', text: 'hi' });
    expect(limited).toMatchObject({ status: 429, retryAfter: '7', body: { ok: false, error: 'ratelimited' } });
    const second = await rawCall(fake, 'chat.postMessage', { channel: 'C0OPS0001', text: 'hi' });
    expect(second).toMatchObject({ status: 200, body: { ok: true, channel: 'C0OPS0001' } });
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.posted()).toHaveLength(1);
  });

  it('web-api with rejectRateLimitedCalls + retries:0 surfaces 429 and 5xx as typed errors', async () => {
    const web = client(fake);
    fake.failNext('*', { status: 429, retryAfter: 3 });
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'a' }))
      .rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 3 });
    fake.failNext('chat.postMessage', { status: 503 }, 2);
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'a' }))
      .rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    fake.setDown(true);
    await expect(web.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    fake.setDown(false);
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'a' })).rejects.toMatchObject({ statusCode: 503 });
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'a' })).resolves.toMatchObject({ ok: true });
    fake.failNextWith('chat.postMessage', 'is_archived');
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'a' })).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'is_archived' } });
    expect(fake.posted()).toHaveLength(1);
  });

  it('validates messages like Slack', async () => {
    const web = client(fake);
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'x', blocks: blocks(51) as any }))
      .rejects.toMatchObject({ data: { error: 'invalid_blocks', errors: [expect.stringMatching(/50/)] } });
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } });
    await expect(web.chat.postMessage({ channel: 'C0OPS0001', text: 'x'.repeat(40_001) })).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await expect(web.chat.postMessage({ channel: '', text: 'x' } as any)).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(web.apiCall('chat.unknownThing')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(fake.posted()).toHaveLength(0);
    expect(fake.calls).toHaveLength(5);
  });

  it('a real WebClient can post, update, DM, read users and open views', async () => {
    const web = client(fake);
    const first = await web.chat.postMessage({ channel: 'C0OPS0001', text: 'Ticket #1', blocks: [section(1)] });
    const second = await web.chat.postMessage({ channel: 'C0OPS0001', text: 'Ticket #2' });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message?.blocks).toHaveLength(1);

    const updated = await web.chat.update({ channel: first.channel!, ts: first.ts!, text: 'Ticket #1 (closed)' });
    expect(updated).toMatchObject({ ok: true, ts: first.ts, text: 'Ticket #1 (closed)' });
    expect(fake.message('C0OPS0001', first.ts!)?.text).toBe('Ticket #1 (closed)');
    await expect(web.chat.update({ channel: 'C0OPS0001', ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });

    const dm = await web.conversations.open({ users: 'U0ALICE' });
    expect(dm.channel?.id).toBe(fake.dmChannelFor('U0ALICE'));
    const toUser = await web.chat.postMessage({ channel: 'U0ALICE', text: 'hello' });
    expect(toUser.channel).toBe(dm.channel?.id);

    const info = await web.users.info({ user: 'U0ALICE', include_locale: true });
    expect(info.user).toMatchObject({ id: 'U0ALICE', tz: 'Europe/Berlin', locale: 'de-DE' });
    expect((await web.users.info({ user: 'U0BOB' })).user).toMatchObject({ tz: 'Asia/Shanghai', tz_offset: 8 * 3600 });

    const link = await web.chat.getPermalink({ channel: 'C0OPS0001', message_ts: first.ts! });
    expect(link.permalink).toBe(`https://fake.slack.com/archives/C0OPS0001/p${first.ts!.replace('.', '')}`);

    const opened = await web.views.open({ trigger_id: '1.2.abc', view: modal({ callback_id: 'new_ticket' }) as any });
    expect(opened.view?.id).toMatch(/^V/);
    await web.views.update({ view_id: opened.view!.id!, view: modal({ title: { type: 'plain_text', text: 'Updated' } }) as any });
    expect(fake.views.get(opened.view!.id!)?.title.text).toBe('Updated');
    await expect(web.views.open({ trigger_id: '1.2.abc', view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }) as any }))
      .rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section(1)] } });
    expect(fake.homeViews.get('U0ALICE')?.blocks).toHaveLength(1);
    expect(fake.posted()).toHaveLength(3);
  });

  it('filesUploadV2 = getUploadURLExternal + POST to upload_url + completeUploadExternal', async () => {
    const web = client(fake);
    const result: any = await web.filesUploadV2({
      channel_id: 'C0OPS0001', filename: 'report.csv', content: 'a,b\n1,2\n', initial_comment: 'Weekly report', thread_ts: '1700000000.000100',
    });
    expect(fake.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const fileId = fake.callsTo('files.getUploadURLExternal')[0]!.response.file_id;
    expect(fake.uploads.get(fileId)?.toString()).toBe('a,b\n1,2\n');
    expect(fake.completedUploads[0]).toMatchObject({ channel_id: 'C0OPS0001', initial_comment: 'Weekly report', thread_ts: '1700000000.000100' });
    // The wrapper returns one completeUploadExternal response per destination, each with its own files array.
    expect(result.files[0].files[0].id).toBe(fileId);
  });

  it('waitFor resolves when the predicate holds and explains itself on timeout', async () => {
    const web = client(fake);
    setTimeout(() => void web.chat.postMessage({ channel: 'C0OPS0001', text: 'later' }), 30);
    await fake.waitFor((calls) => calls.some((c) => c.args.text === 'later'));
    await expect(fake.waitFor((calls) => calls.length > 5, 50)).rejects.toThrow(/timed out after 50ms[\s\S]*chat.postMessage -> ok/);
  });
});

describe('SlackRequester against a real Bolt app', () => {
  const signingSecret = 'test-signing-secret';
  let fake: FakeSlack;
  let sink: ResponseUrlSink;
  let app: App;
  let slack: SlackRequester;
  const seen: Record<string, any> = {};

  beforeAll(async () => {
    fake = await startFakeSlack();
    sink = await startResponseUrlSink();
    app = new App({
      signingSecret, token: TOKEN, logLevel: BoltLogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
    });
    app.command('/ping', async ({ ack }) => { await ack('pong'); });
    app.command('/echo', async ({ ack, respond, command }) => { await ack(); await respond({ response_type: 'ephemeral', text: `echo ${command.text}` }); });
    app.action('approve', async ({ ack, body, action }) => { await ack(); seen.action = { body, action }; });
    app.view('new_ticket', async ({ ack, view }) => { await ack({ response_action: 'errors', errors: { title: 'too short' } }); seen.view = view; });
    app.shortcut('make_ticket', async ({ ack, shortcut }) => { await ack(); seen.shortcut = shortcut; });
    app.options('assignee', async ({ ack, options }) => { await ack({ options: [{ text: { type: 'plain_text', text: options.value }, value: 'U1' }] }); });
    app.event('app_mention', async ({ event, context }) => { seen.mention = { event, retryNum: context.retryNum }; });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const { port } = server.address() as AddressInfo;
    slack = new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, responseUrl: sink.url });
  });
  afterAll(async () => { await app.stop(); await sink.close(); await fake.close(); });

  const alice = { id: 'U0ALICE', name: 'alice' };

  it('signs like Slack: valid 200, unsigned/wrong/stale 401', async () => {
    const res = await slack.command('/ping', '', alice);
    expect(res).toMatchObject({ status: 200, text: 'pong' });
    expect((await slack.command('/ping', '', alice, { sign: 'none' })).status).toBe(401);
    expect((await slack.command('/ping', '', alice, { sign: 'wrong' })).status).toBe(401);
    expect((await slack.command('/ping', '', alice, { timestampOffsetSec: -6 * 60 })).status).toBe(401);
    expect((await slack.command('/ping', '', alice, { timestampOffsetSec: -4 * 60 })).status).toBe(200);
  });

  it('matches the signature Bolt computes', () => {
    // Reference value from Slack's documentation example of the v0 scheme.
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body))
      .toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('respond() from a command reaches the response_url sink', async () => {
    expect((await slack.command('/echo', 'hello world', alice)).status).toBe(200);
    await sink.waitFor((r) => r.some((b) => b.text === 'echo hello world'));
    expect(sink.requests.at(-1)?.path).toMatch(/^\/commands\//);
  });

  it('routes block_actions, view_submission, message shortcuts, options and events', async () => {
    expect((await slack.blockAction({ user: alice, actionId: 'approve', value: 'T-1', messageTs: '1700000000.000200' })).status).toBe(200);
    expect(seen.action.action).toMatchObject({ type: 'button', value: 'T-1' });
    expect(seen.action.body).toMatchObject({ channel: { id: 'C0GENERAL1' }, message: { ts: '1700000000.000200' }, user: { id: 'U0ALICE' } });

    const sub = await slack.viewSubmission({ user: alice, callbackId: 'new_ticket', privateMetadata: '{"c":"C1"}', values: { title: { v: { type: 'plain_text_input', value: 'x' } } } });
    expect(sub).toMatchObject({ status: 200, json: { response_action: 'errors' } });
    expect(seen.view).toMatchObject({ private_metadata: '{"c":"C1"}', state: { values: { title: { v: { value: 'x' } } } } });

    await slack.messageShortcut({ user: alice, callbackId: 'make_ticket', channelId: 'C0OPS0001', message: { ts: '1700000000.000300', text: 'printer is on fire', user: 'U0BOB' } });
    expect(seen.shortcut).toMatchObject({ type: 'message_action', message: { text: 'printer is on fire' }, channel: { id: 'C0OPS0001' } });

    const opts = await slack.blockSuggestion({ user: alice, actionId: 'assignee', blockId: 'assignee_blk', value: 'bo' });
    expect(opts.json).toMatchObject({ options: [{ value: 'U1', text: { text: 'bo' } }] });

    const ev = await slack.event({ type: 'app_mention', user: 'U0ALICE', text: '<@UBOT00001> help', channel: 'C0OPS0001', ts: '1700000000.000400' }, { retryNum: 1 });
    expect(ev.status).toBe(200);
    await expect.poll(() => seen.mention?.retryNum).toBe(1);
    expect(seen.mention.event.text).toContain('help');
  });
});

describe('fake Slack: reading history, lost answers and the per-channel limit', () => {
  let fake: FakeSlack;
  let now = Date.parse('2026-11-25T02:00:00Z');
  const C = 'C0HIST0001';
  const meta = (id: number) => ({ event_type: 'opsdesk_outbox', event_payload: { id } });
  beforeAll(async () => { fake = await startFakeSlack({ now: () => now }); });
  afterEach(() => { fake.reset(); fake.messages.clear(); fake.limitChannels(false); });
  afterAll(() => fake.close());

  it('takes message ts from its clock, and keeps metadata (checking its shape like Slack)', async () => {
    const web = client(fake);
    const res = await web.chat.postMessage({ channel: C, text: 'a', metadata: meta(1) });
    expect(res.ts).toBe('1795572000.000000');
    expect(fake.message(C, res.ts!)!.metadata).toEqual(meta(1));
    await expect(web.chat.postMessage({ channel: C, text: 'b', metadata: { event_type: 'x' } as any }))
      .rejects.toMatchObject({ data: { error: 'invalid_metadata_format' } });
  });

  it('conversations.history: newest first, top level only, oldest/latest exclusive unless inclusive, metadata only when asked', async () => {
    const web = client(fake);
    const ts: string[] = [];
    for (let i = 0; i < 5; i++) {
      now += 1000;
      ts.push((await web.chat.postMessage({ channel: C, text: `m${i}`, metadata: meta(i) })).ts!);
    }
    await web.chat.postMessage({ channel: C, text: 'in a thread', thread_ts: ts[0]! });
    await web.chat.postMessage({ channel: C, text: 'broadcast', thread_ts: ts[0]!, reply_broadcast: true });
    await web.chat.postMessage({ channel: 'C0ELSEWHERE', text: 'other channel' });

    const all = await web.conversations.history({ channel: C });
    expect(all.messages!.map((m) => m.text)).toEqual(['broadcast', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(all.messages!.every((m) => m.metadata === undefined)).toBe(true);
    expect(all.messages!.at(-1)).toMatchObject({ thread_ts: ts[0], reply_count: 2 });
    const withMeta = await web.conversations.history({ channel: C, include_all_metadata: true, oldest: ts[1], latest: ts[4] });
    expect(withMeta.messages!.map((m) => [m.text, m.metadata])).toEqual([['m3', meta(3)], ['m2', meta(2)]]);
    const inclusive = await web.conversations.history({ channel: C, oldest: ts[1], latest: ts[4], inclusive: true });
    expect(inclusive.messages!.map((m) => m.text)).toEqual(['m4', 'm3', 'm2', 'm1']);
    await expect(web.conversations.history({ channel: C, oldest: 'yesterday' })).rejects.toMatchObject({ data: { error: 'invalid_ts_oldest' } });
    await expect(web.conversations.history({ channel: 'nope' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('conversations.history pages with limit, has_more and response_metadata.next_cursor', async () => {
    const web = client(fake);
    for (let i = 0; i < 7; i++) await web.chat.postMessage({ channel: C, text: `p${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await web.conversations.history({ channel: C, limit: 3, ...(cursor ? { cursor } : {}) });
      pages++;
      seen.push(...page.messages!.map((m) => m.text!));
      cursor = page.response_metadata?.next_cursor;
      expect(page.has_more).toBe(!!cursor);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    await expect(web.conversations.history({ channel: C, cursor: 'garbage' })).rejects.toMatchObject({ data: { error: 'invalid_cursor' } });
  });

  it('conversations.replies: the parent first, then the replies oldest first; pages leave the parent out', async () => {
    const web = client(fake);
    const parent = (await web.chat.postMessage({ channel: C, text: 'parent', metadata: meta(10) })).ts!;
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) replies.push((await web.chat.postMessage({ channel: C, text: `r${i}`, thread_ts: parent, metadata: meta(11 + i) })).ts!);
    const first = await web.conversations.replies({ channel: C, ts: parent, limit: 3, include_all_metadata: true });
    expect(first.messages!.map((m) => m.text)).toEqual(['parent', 'r0', 'r1']);
    expect(first.messages![1]).toMatchObject({ thread_ts: parent, metadata: meta(11) });
    const rest = await web.conversations.replies({ channel: C, ts: parent, limit: 3, cursor: first.response_metadata!.next_cursor! });
    expect(rest.messages!.map((m) => m.text)).toEqual(['r2', 'r3']);
    expect(rest.has_more).toBe(false);
    const since = await web.conversations.replies({ channel: C, ts: parent, oldest: replies[1] });
    expect(since.messages!.map((m) => m.text)).toEqual(['parent', 'r2', 'r3']);
    await expect(web.conversations.replies({ channel: C, ts: '1.000001' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });

  it.each([
    ['drop', ErrorCode.RequestError],
    ['timeout', ErrorCode.RequestError],
    [502, ErrorCode.HTTPError],
  ] as const)('loseNextAnswer(%s): Slack posts, the caller gets %s', async (how, code) => {
    const web = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, timeout: 300, logLevel: LogLevel.ERROR });
    fake.loseNextAnswer('chat.postMessage', how);
    await expect(web.chat.postMessage({ channel: C, text: 'lost' })).rejects.toMatchObject({ code });
    expect(fake.inChannel(C).map((m) => m.text)).toEqual(['lost']);
    expect(fake.posted()).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ method: 'chat.postMessage', lost: how });
    await expect(web.chat.postMessage({ channel: C, text: 'next' })).resolves.toMatchObject({ ok: true });
  });

  it('limitChannels: a burst, then about one a second per channel, 429 with Retry-After beyond it', async () => {
    fake.limitChannels({ perSecond: 1, burst: 3 });
    const post = (channel: string) => rawCall(fake, 'chat.postMessage', { channel, text: 'x' });
    for (let i = 0; i < 3; i++) expect((await post(C)).status).toBe(200);
    expect(await post(C)).toMatchObject({ status: 429, retryAfter: '1', body: { error: 'ratelimited' } });
    expect((await post('C0OTHER01')).status).toBe(200); // another channel has its own bucket
    now += 1000;
    expect((await post(C)).status).toBe(200);
    expect((await post(C)).status).toBe(429);
    expect(fake.inChannel(C)).toHaveLength(4);
  });
});
