/**
 * The Slack emulator: a local Slack Web API for the end-to-end tests and the sandbox.
 *
 * It speaks the wire protocol @slack/web-api 8.x uses (POST /api/<method>, form-encoded or
 * JSON bodies, Bearer token) and answers like Slack does, including Block Kit validation,
 * so an app that passes here has a good chance of passing against real Slack.
 * Point WebClient/Bolt at it with `slackApiUrl: fake.url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessageBlocks } from './block-kit.js';
import { ChannelRateLimiter, readMethods, tsMicros, type ChannelLimit } from './history.js';
import {
  apiError, bearer, extractUploadBytes, httpFailure, ok, parseArgs, pollUntil, readBody, send, truthy, tzOffsetSeconds, withMessages,
  type HttpFailure, type LostAnswer, type Outcome, type SlackCall,
} from './wire.js';
import { viewMethods } from './views.js';

export { summarizeCalls, type HttpFailure, type LostAnswer, type SlackCall } from './wire.js';
export type { ChannelLimit } from './history.js';
export interface FakeUserProfile { tz?: string; locale?: string; name?: string }
export interface StoredMessage {
  channel: string; ts: string; text?: string; blocks?: any[]; thread_ts?: string; reply_broadcast?: boolean; attachments?: any[];
  /** As posted (`{ event_type, event_payload }`); read back with `include_all_metadata`. */
  metadata?: any;
  edited?: boolean;
  /** Who wrote it when not the bot (a person in the sandbox). */
  user?: string;
  reactions?: Array<{ name: string; users: string[] }>;
}
/** A chat.postEphemeral message: only `user` sees it, in `channel` (or its thread). */
export interface StoredEphemeral { channel: string; user: string; ts: string; text?: string; blocks?: any[]; thread_ts?: string }
export interface CompletedUpload { files: Array<{ id: string; title?: string }>; channel_id?: string; initial_comment?: string; thread_ts?: string; blocks?: any }
/** Custom method implementation: return the JSON body (HTTP 200). */
export type Responder = (args: Record<string, any>) => Record<string, any>;

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  posted(): SlackCall[];
  /** The next `times` calls of `method` (only those whose args `match`, when given) fail at the HTTP level. */
  failNext(method: string | '*', failure: HttpFailure, times?: number, match?: (args: Record<string, any>) => boolean): void;
  /** Like failNext but HTTP 200 with `{ok:false, error}` (e.g. 'channel_not_found', 'is_archived'). */
  failNextWith(method: string | '*', error: string, times?: number): void;
  /**
   * Slack acts on the next `times` calls of `method` (the message is posted) but the answer is lost:
   * the connection drops, it never comes (the caller times out), or a 5xx comes instead.
   */
  loseNextAnswer(method: string, how: LostAnswer, times?: number, match?: (args: Record<string, any>) => boolean): void;
  /** Slack's per-channel posting limit on chat.postMessage (default about 1 a second, burst 3); `false` lifts it. */
  limitChannels(limit?: Partial<ChannelLimit> | false): void;
  setDown(down: boolean): void;
  /** Clears calls, pending failures, lost answers and the down flag. Stored messages/views/uploads, stubs and the channel limit are kept. */
  reset(): void;
  waitFor(pred: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** Add or override a method (e.g. `fake.stub('reactions.add', () => ({ ok: true }))`). */
  stub(method: string, responder: Responder): void;
  /** Removes a stub added with `stub`, restoring the built-in method. */
  unstub(method: string): void;
  /** Current state of a posted message (after chat.update), keyed by the channel Slack returned. */
  message(channel: string, ts: string): StoredMessage | undefined;
  /** Every message in a channel (thread replies included), oldest first. */
  inChannel(channel: string): StoredMessage[];
  messages: Map<string, StoredMessage>;
  /** Open/pushed/updated modal views by view id (latest version). */
  views: Map<string, any>;
  /** Published home tabs by user id. */
  homeViews: Map<string, any>;
  /** Bytes POSTed to upload URLs, by file id (recorded in `calls` as method 'upload'). */
  uploads: Map<string, Buffer>;
  completedUploads: CompletedUpload[];
  /** Ephemeral messages, oldest first. */
  ephemerals: StoredEphemeral[];
  /** The DM channel id conversations.open / chat.postMessage(channel: U…) use for a user. */
  dmChannelFor(userId: string): string;
  /** Identity the fake reports from auth.test; pass botId/botUserId to Bolt's App to skip its auth.test. */
  readonly token: string; readonly teamId: string; readonly botUserId: string; readonly botId: string;
}

export interface FakeSlackOptions {
  token?: string;
  users?: Record<string, FakeUserProfile>;
  /** When given, only these C…/G… ids (plus D…, U…, W…) are valid channels; others get channel_not_found. */
  channels?: string[];
  teamId?: string;
  /** Slack's clock in ms (message ts, the channel limit); default the wall clock. Tests pass their manual clock. */
  now?: () => number;
  /** Start with Slack's per-channel posting limit on (see `limitChannels`). */
  channelLimit?: Partial<ChannelLimit>;
  /** Told of every call once answered (the sandbox keeps its store and its page in step with it). */
  onCall?: (call: SlackCall) => void;
  /** First number of generated ids (V…, F…): a restarted sandbox passes one past those it stored. */
  firstId?: number;
  /** Keep only the last this many calls in `calls` (a long-running sandbox); default all (tests). */
  keepCalls?: number;
}

const CHANNEL_RE = /^[CDG][A-Z0-9]{2,}$/;
const USER_RE = /^[UW][A-Z0-9]{2,}$/;
/** Slack's per-channel limit as the fake models it: about one message a second, a burst of 3. */
const SLACK_CHANNEL_LIMIT: ChannelLimit = { perSecond: 1, burst: 3 };

type Failure = { method: string; remaining: number; outcome: () => Outcome; match?: (args: Record<string, any>) => boolean };

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = opts.token ?? 'xoxb-test-token';
  const teamId = opts.teamId ?? 'T0FAKETEAM';
  const botUserId = 'UBOT00001';
  const botId = 'BBOT00001';
  const calls: SlackCall[] = [];
  const failures: Failure[] = [];
  const messages = new Map<string, StoredMessage>();
  const views = new Map<string, any>();
  const homeViews = new Map<string, any>();
  const uploads = new Map<string, Buffer>();
  const pendingFiles = new Map<string, { filename: string; length: number }>();
  const completedUploads: CompletedUpload[] = [];
  const stubs = new Map<string, Responder>();
  const lostAnswers: { method: string; remaining: number; how: LostAnswer; match?: (args: Record<string, any>) => boolean }[] = [];
  const hanging = new Set<ServerResponse>();
  const now = opts.now ?? Date.now;
  let channelLimiter = opts.channelLimit ? new ChannelRateLimiter({ ...SLACK_CHANNEL_LIMIT, ...opts.channelLimit }, now) : undefined;
  let down = false;
  let seq = opts.firstId ?? 0;
  const ephemerals: StoredEphemeral[] = [];
  let lastMicros = 0;
  let baseUrl = '';

  const nextId = (prefix: string) => `${prefix}${(++seq).toString(36).toUpperCase().padStart(9, '0')}`;
  const msgKey = (channel: string, ts: string) => `${channel}/${ts}`;
  const dmChannelFor = (userId: string) => `D${userId.slice(1)}`;

  /** Slack ts: wall-clock seconds.micros, strictly increasing even within one millisecond. */
  function nextTs(): string {
    lastMicros = Math.max(Math.floor(now()) * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  }

  /** Channel for posting; a user id means "DM with the bot", like Slack does. */
  function resolvePostTarget(channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    if (USER_RE.test(channel)) return dmChannelFor(channel);
    return isKnownChannel(channel) ? channel : undefined;
  }

  function isKnownChannel(channel: unknown): channel is string {
    if (typeof channel !== 'string' || !CHANNEL_RE.test(channel)) return false;
    return channel.startsWith('D') || !opts.channels || opts.channels.includes(channel);
  }

  /** Slack checks the shape of message metadata: an event_type and an event_payload object. */
  function metadataError(metadata: unknown): Record<string, any> | undefined {
    if (metadata === undefined) return undefined;
    const m = metadata as { event_type?: unknown; event_payload?: unknown };
    if (typeof metadata !== 'object' || metadata === null || typeof m.event_type !== 'string' || typeof m.event_payload !== 'object' || m.event_payload === null) {
      return apiError('invalid_metadata_format');
    }
    return undefined;
  }

  /** Content rules shared by postMessage/update/postEphemeral. */
  function contentError(a: Record<string, any>): Record<string, any> | undefined {
    if (typeof a.blocks === 'string') return apiError('invalid_blocks_format');
    if (a.blocks !== undefined) {
      const errors = validateMessageBlocks(a.blocks);
      if (errors.length) return withMessages('invalid_blocks', errors);
    }
    if (typeof a.attachments === 'string') return apiError('invalid_attachments');
    const hasText = typeof a.text === 'string' && a.text.length > 0;
    const hasBlocks = Array.isArray(a.blocks) && a.blocks.length > 0;
    const hasAttachments = Array.isArray(a.attachments) && a.attachments.length > 0;
    if (!hasText && !hasBlocks && !hasAttachments) return apiError('no_text');
    if (hasText && a.text.length > 40_000) return apiError('msg_too_long');
    return undefined;
  }

  function messageJson(m: StoredMessage): Record<string, any> {
    return {
      type: 'message', text: m.text ?? '', ...(m.user ? { user: m.user } : { user: botUserId, bot_id: botId, app_id: 'AFAKEAPP1' }), ts: m.ts, team: teamId,
      ...(m.blocks ? { blocks: m.blocks } : {}), ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(m.edited ? { edited: { user: botUserId, ts: m.ts } } : {}),
      ...(m.reactions?.length ? { reactions: m.reactions.map((r) => ({ ...r, count: r.users.length })) } : {}),
    };
  }


  function userJson(id: string, includeLocale: boolean): Record<string, any> {
    const p = opts.users?.[id] ?? {};
    const tz = p.tz ?? 'Asia/Shanghai';
    const name = p.name ?? id.toLowerCase();
    return {
      id, team_id: teamId, name, deleted: false, real_name: name, tz, tz_label: tz, tz_offset: tzOffsetSeconds(tz),
      is_bot: false, profile: { real_name: name, display_name: name },
      // Real Slack only returns locale when asked with include_locale=true.
      ...(includeLocale ? { locale: p.locale ?? 'en-US' } : {}),
    };
  }

  const methods: Record<string, Responder> = {
    'auth.test': () => ok({ url: 'https://fake.slack.com/', team: 'Fake Workspace', user: 'opsdesk', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false }),
    'chat.postMessage'(a) {
      const channel = resolvePostTarget(a.channel);
      if (!channel) return apiError('channel_not_found');
      const bad = contentError(a) ?? metadataError(a.metadata);
      if (bad) return bad;
      const m: StoredMessage = {
        channel, ts: nextTs(), text: a.text, blocks: a.blocks, attachments: a.attachments, thread_ts: a.thread_ts,
        ...(a.thread_ts && truthy(a.reply_broadcast) ? { reply_broadcast: true } : {}), metadata: a.metadata,
      };
      messages.set(msgKey(channel, m.ts), m);
      return ok({ channel, ts: m.ts, message: messageJson(m) });
    },
    'chat.update'(a) {
      if (!isKnownChannel(a.channel)) return apiError('channel_not_found');
      const m = typeof a.ts === 'string' ? messages.get(msgKey(a.channel, a.ts)) : undefined;
      if (!m) return apiError('message_not_found');
      const bad = contentError({ text: a.text ?? m.text, blocks: a.blocks ?? m.blocks, attachments: a.attachments ?? m.attachments });
      if (bad) return bad;
      Object.assign(m, { text: a.text ?? m.text, blocks: a.blocks ?? m.blocks, attachments: a.attachments ?? m.attachments, edited: true });
      return ok({ channel: m.channel, ts: m.ts, text: m.text ?? '', message: messageJson(m) });
    },
    'chat.delete'(a) {
      if (!isKnownChannel(a.channel)) return apiError('channel_not_found');
      if (!messages.delete(msgKey(a.channel, String(a.ts)))) return apiError('message_not_found');
      return ok({ channel: a.channel, ts: a.ts });
    },
    'chat.postEphemeral'(a) {
      const channel = resolvePostTarget(a.channel);
      if (!channel) return apiError('channel_not_found');
      if (typeof a.user !== 'string' || !USER_RE.test(a.user)) return apiError('user_not_found');
      const bad = contentError(a);
      if (bad) return bad;
      const e: StoredEphemeral = { channel, user: a.user, ts: nextTs(), text: a.text, blocks: a.blocks, ...(a.thread_ts ? { thread_ts: String(a.thread_ts) } : {}) };
      ephemerals.push(e);
      return ok({ message_ts: e.ts });
    },
    'reactions.add'(a) {
      if (!isKnownChannel(a.channel)) return apiError('channel_not_found');
      const m = typeof a.timestamp === 'string' ? messages.get(msgKey(a.channel, a.timestamp)) : undefined;
      if (!m) return apiError('message_not_found');
      if (typeof a.name !== 'string' || !/^[a-z0-9_+-]{1,100}$/.test(a.name)) return apiError('invalid_name');
      const r = (m.reactions ??= []).find((x) => x.name === a.name);
      if (r?.users.includes(botUserId)) return apiError('already_reacted');
      if (r) r.users.push(botUserId);
      else m.reactions.push({ name: a.name, users: [botUserId] });
      return ok();
    },
    'chat.getPermalink'(a) {
      if (!isKnownChannel(a.channel)) return apiError('channel_not_found');
      if (typeof a.message_ts !== 'string') return apiError('message_not_found');
      return ok({ channel: a.channel, permalink: `https://fake.slack.com/archives/${a.channel}/p${a.message_ts.replace('.', '')}` });
    },
    ...viewMethods({ views, homeViews, teamId, botId, nextId, isUser: (id) => typeof id === 'string' && USER_RE.test(id) }),
    'conversations.open'(a) {
      const users = typeof a.users === 'string' ? a.users.split(',').map((u: string) => u.trim()).filter(Boolean) : [];
      if (a.channel && isKnownChannel(a.channel)) return ok({ channel: { id: a.channel } });
      if (users.length === 0) return apiError('users_list_not_supplied');
      if (!users.every((u: string) => USER_RE.test(u))) return apiError('user_not_found');
      const id = users.length === 1 ? dmChannelFor(users[0]!) : `G${users.map((u: string) => u.slice(1)).sort().join('')}`.slice(0, 20);
      return ok({ no_op: false, already_open: false, channel: { id } });
    },
    ...readMethods({ messages, isKnownChannel, json: messageJson }),
    'users.info'(a) {
      if (typeof a.user !== 'string' || !USER_RE.test(a.user)) return apiError('user_not_found');
      return ok({ user: userJson(a.user, a.include_locale === true || a.include_locale === 'true' || a.include_locale === '1') });
    },
    'files.getUploadURLExternal'(a) {
      const length = Number(a.length);
      if (!a.filename || !Number.isInteger(length) || length <= 0) return withMessages('invalid_arguments', ['filename and a positive length are required']);
      const fileId = nextId('F');
      pendingFiles.set(fileId, { filename: String(a.filename), length });
      return ok({ upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId });
    },
    'files.completeUploadExternal'(a) {
      if (!Array.isArray(a.files) || a.files.length === 0) return withMessages('invalid_arguments', ['files must be a non-empty array']);
      const missing = a.files.find((f: any) => !uploads.has(f?.id));
      if (missing) return apiError('file_not_found', { file_id: missing?.id });
      if (a.channel_id !== undefined && !isKnownChannel(a.channel_id)) return apiError('channel_not_found');
      completedUploads.push({ files: a.files, channel_id: a.channel_id, initial_comment: a.initial_comment, thread_ts: a.thread_ts, blocks: a.blocks });
      return ok({ files: a.files.map((f: any) => fileJson(f.id, f.title)) });
    },
  };

  function fileJson(id: string, title?: string): Record<string, any> {
    const name = pendingFiles.get(id)?.filename ?? id;
    return { id, name, title: title ?? name, size: uploads.get(id)?.length ?? 0, permalink: `https://fake.slack.com/files/${botUserId}/${id}/${name}` };
  }

  /** Outage, injected failures and auth come before the method itself, like at Slack's edge. */
  function decide(method: string, args: Record<string, any>, tok: string | undefined): Outcome {
    if (down) return { status: 503, body: 'Service Unavailable (fake outage)' };
    const injected = takeFailure(method, args);
    if (injected) return injected;
    if (method === 'upload') return { status: 200, body: 'OK' };
    if (!tok) return { status: 200, body: apiError('not_authed') };
    if (tok !== token) return { status: 200, body: apiError('invalid_auth') };
    const responder = stubs.get(method) ?? methods[method];
    if (!responder) return { status: 200, body: apiError('unknown_method', { req_method: method }) };
    const limited = method === 'chat.postMessage' ? channelLimited(args) : undefined;
    if (limited) return limited;
    const out: Outcome = { status: 200, body: responder(args) };
    const lost = lostAnswers.find((x) => x.remaining > 0 && x.method === method && (!x.match || x.match(args)));
    if (lost) {
      lost.remaining -= 1;
      out.lost = lost.how;
    }
    return out;
  }

  function channelLimited(args: Record<string, any>): Outcome | undefined {
    const channel = channelLimiter && resolvePostTarget(args.channel);
    const retryAfter = channel ? channelLimiter!.take(channel) : undefined;
    return retryAfter === undefined ? undefined : httpFailure({ status: 429, retryAfter });
  }

  function takeFailure(method: string, args: Record<string, any>): Outcome | undefined {
    const f = failures.find((x) => x.remaining > 0 && (x.method === method || x.method === '*') && (!x.match || x.match(args)));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.outcome();
  }

  function record(method: string, args: Record<string, any>, tok: string | undefined, out: Outcome): void {
    const call: SlackCall = { method, args, token: tok, at: Date.now(), response: out.body, status: out.status, ...(out.lost !== undefined ? { lost: out.lost } : {}) };
    calls.push(call);
    if (opts.keepCalls !== undefined && calls.length > opts.keepCalls) calls.splice(0, calls.length - opts.keepCalls);
    opts.onCall?.(call);
  }

  async function handleApi(req: IncomingMessage, method: string, raw: Buffer, query: URLSearchParams): Promise<Outcome> {
    const ct = String(req.headers['content-type'] ?? '');
    const parsed = await parseArgs(ct, raw, query).catch(() => undefined);
    const args = parsed?.args ?? { raw: raw.toString('utf8') };
    const tok = bearer(req.headers.authorization) ?? parsed?.formToken;
    const out = parsed ? decide(method, args, tok) : { status: 200, body: apiError('invalid_json') };
    record(method, args, tok, out);
    return out;
  }

  /** The upload_url from files.getUploadURLExternal; web-api posts the bytes as multipart field `body`. */
  async function handleUpload(req: IncomingMessage, fileId: string, raw: Buffer): Promise<Outcome> {
    const args = { file_id: fileId, bytes: raw.length };
    const out = pendingFiles.has(fileId) ? decide('upload', args, undefined) : { status: 404, body: 'unknown upload url' };
    if (out.status === 200) {
      const bytes = await extractUploadBytes(String(req.headers['content-type'] ?? ''), raw);
      uploads.set(fileId, bytes);
      out.body = `OK - ${bytes.length}`;
    }
    record('upload', args, undefined, out);
    return out;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const raw = await readBody(req);
    let out: Outcome = { status: 404, body: 'not found' };
    if (req.method === 'POST' && url.pathname.startsWith('/upload/')) out = await handleUpload(req, url.pathname.slice(8), raw);
    else if (url.pathname.startsWith('/api/')) out = await handleApi(req, url.pathname.slice(5), raw, url.searchParams);
    send(res, out, hanging);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => send(res, { status: 500, body: `fake-slack crashed: ${String(e)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const successful = (method: string) => calls.filter((c) => c.method === method && c.status === 200 && c.response?.ok === true);

  return {
    url: `${baseUrl}/api/`,
    calls, messages, views, homeViews, uploads, completedUploads, ephemerals, token, teamId, botUserId, botId, dmChannelFor,
    callsTo: successful,
    posted: () => successful('chat.postMessage'),
    failNext(method, failure, times = 1, match) {
      failures.push({ method, remaining: times, outcome: () => httpFailure(failure), match });
    },
    failNextWith(method, error, times = 1) {
      failures.push({ method, remaining: times, outcome: () => ({ status: 200, body: apiError(error) }) });
    },
    loseNextAnswer(method, how, times = 1, match) {
      lostAnswers.push({ method, remaining: times, how, match });
    },
    limitChannels(limit = {}) {
      channelLimiter = limit === false ? undefined : new ChannelRateLimiter({ ...SLACK_CHANNEL_LIMIT, ...limit }, now);
    },
    setDown(d) { down = d; },
    reset() { calls.length = 0; failures.length = 0; lostAnswers.length = 0; down = false; },
    stub(method, responder) { stubs.set(method, responder); },
    unstub(method) { stubs.delete(method); },
    message: (channel, ts) => messages.get(msgKey(channel, ts)),
    inChannel: (channel) => [...messages.values()].filter((m) => m.channel === channel).sort((a, b) => tsMicros(a.ts)! - tsMicros(b.ts)!),
    waitFor: (pred, timeoutMs = 5000) => pollUntil(calls, pred, timeoutMs),
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
