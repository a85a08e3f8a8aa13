/**
 * A local fake of the Slack Web API for end-to-end tests.
 *
 * It speaks the wire protocol @slack/web-api 8.x uses (POST /api/<method>, form-encoded or
 * JSON bodies, Bearer token) and answers like Slack does, including Block Kit validation,
 * so an app that passes here has a good chance of passing against real Slack.
 * Point WebClient/Bolt at it with `slackApiUrl: fake.url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { validateMessageBlocks, validateView } from './block-kit.js';

export interface SlackCall { method: string; args: Record<string, any>; token?: string; at: number; response: any; status: number }
export type HttpFailure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 };
export interface FakeUserProfile { tz?: string; locale?: string; name?: string }
export interface StoredMessage { channel: string; ts: string; text?: string; blocks?: any[]; thread_ts?: string; attachments?: any[]; metadata?: any; edited?: boolean }
export interface CompletedUpload { files: Array<{ id: string; title?: string }>; channel_id?: string; initial_comment?: string; thread_ts?: string; blocks?: any }
/** Custom method implementation: return the JSON body (HTTP 200). */
export type Responder = (args: Record<string, any>) => Record<string, any>;

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  posted(): SlackCall[];
  failNext(method: string | '*', failure: HttpFailure, times?: number): void;
  /** Like failNext but HTTP 200 with `{ok:false, error}` (e.g. 'channel_not_found', 'is_archived'). */
  failNextWith(method: string | '*', error: string, times?: number): void;
  setDown(down: boolean): void;
  /** Clears calls, pending failures and the down flag. Stored messages/views/uploads and stubs are kept. */
  reset(): void;
  waitFor(pred: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** Add or override a method (e.g. `fake.stub('reactions.add', () => ({ ok: true }))`). */
  stub(method: string, responder: Responder): void;
  /** Removes a stub added with `stub`, restoring the built-in method. */
  unstub(method: string): void;
  /** Current state of a posted message (after chat.update), keyed by the channel Slack returned. */
  message(channel: string, ts: string): StoredMessage | undefined;
  messages: Map<string, StoredMessage>;
  /** Open/pushed/updated modal views by view id (latest version). */
  views: Map<string, any>;
  /** Published home tabs by user id. */
  homeViews: Map<string, any>;
  /** Bytes POSTed to upload URLs, by file id (recorded in `calls` as method 'upload'). */
  uploads: Map<string, Buffer>;
  completedUploads: CompletedUpload[];
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
}

/** Args that web-api JSON-encodes inside form bodies. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls', 'user_auth_blocks']);
const CHANNEL_RE = /^[CDG][A-Z0-9]{2,}$/;
const USER_RE = /^[UW][A-Z0-9]{2,}$/;

type Outcome = { status: number; body: any; headers?: Record<string, string> };
type Failure = { method: string; remaining: number; outcome: () => Outcome };

const ok = (body: Record<string, any> = {}) => ({ ok: true, ...body });
const apiError = (error: string, extra: Record<string, any> = {}) => ({ ok: false, error, ...extra });
const withMessages = (error: string, errors: string[]) =>
  apiError(error, { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });

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
  let down = false;
  let seq = 0;
  let lastMicros = 0;
  let baseUrl = '';

  const nextId = (prefix: string) => `${prefix}${(++seq).toString(36).toUpperCase().padStart(9, '0')}`;
  const msgKey = (channel: string, ts: string) => `${channel}/${ts}`;
  const dmChannelFor = (userId: string) => `D${userId.slice(1)}`;

  /** Slack ts: wall-clock seconds.micros, strictly increasing even within one millisecond. */
  function nextTs(): string {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
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
      type: 'message', text: m.text ?? '', user: botUserId, bot_id: botId, app_id: 'AFAKEAPP1', ts: m.ts, team: teamId,
      ...(m.blocks ? { blocks: m.blocks } : {}), ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(m.edited ? { edited: { user: botUserId, ts: m.ts } } : {}),
    };
  }

  /** Fill in the fields Slack adds to every stored view. */
  function materializeView(view: Record<string, any>, id: string, previous?: Record<string, any>): Record<string, any> {
    return {
      team_id: teamId, private_metadata: '', callback_id: '', external_id: '', state: { values: {} },
      clear_on_close: false, notify_on_close: false, close: null, submit: null, previous_view_id: null,
      root_view_id: previous?.root_view_id ?? id, app_id: 'AFAKEAPP1', app_installed_team_id: teamId, bot_id: botId,
      ...view, id, hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    };
  }

  function viewArgError(a: Record<string, any>, type: 'modal' | 'home'): Record<string, any> | undefined {
    if (!a.view || typeof a.view !== 'object') return withMessages('invalid_arguments', ['missing required field: view [json-pointer:/view]']);
    const errors = validateView(a.view);
    if (!errors.length && a.view.type !== type) errors.push(`view type must be "${type}" for this method [json-pointer:/view/type]`);
    return errors.length ? withMessages('invalid_arguments', errors) : undefined;
  }

  function openView(a: Record<string, any>): Record<string, any> {
    if (!a.trigger_id) return withMessages('invalid_arguments', ['missing required field: trigger_id']);
    const bad = viewArgError(a, 'modal');
    if (bad) return bad;
    const view = materializeView(a.view, nextId('V'));
    views.set(view.id, view);
    return ok({ view });
  }

  function findView(a: Record<string, any>): Record<string, any> | undefined {
    if (a.view_id) return views.get(a.view_id);
    return [...views.values()].find((v) => a.external_id && v.external_id === a.external_id);
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
      const bad = contentError(a);
      if (bad) return bad;
      const m: StoredMessage = { channel, ts: nextTs(), text: a.text, blocks: a.blocks, attachments: a.attachments, thread_ts: a.thread_ts, metadata: a.metadata };
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
      return contentError(a) ?? ok({ message_ts: nextTs() });
    },
    'chat.getPermalink'(a) {
      if (!isKnownChannel(a.channel)) return apiError('channel_not_found');
      if (typeof a.message_ts !== 'string') return apiError('message_not_found');
      return ok({ channel: a.channel, permalink: `https://fake.slack.com/archives/${a.channel}/p${a.message_ts.replace('.', '')}` });
    },
    'views.open': openView,
    'views.push': openView,
    'views.update'(a) {
      if (!a.view_id && !a.external_id) return withMessages('invalid_arguments', ['view_id or external_id is required']);
      const existing = findView(a);
      if (!existing) return apiError('not_found');
      if (a.hash && a.hash !== existing.hash) return apiError('hash_conflict');
      const bad = viewArgError(a, 'modal');
      if (bad) return bad;
      const view = materializeView({ ...a.view, previous_view_id: existing.previous_view_id }, existing.id, existing);
      views.set(view.id, view);
      return ok({ view });
    },
    'views.publish'(a) {
      if (typeof a.user_id !== 'string' || !USER_RE.test(a.user_id)) return apiError('invalid_arguments');
      const bad = viewArgError(a, 'home');
      if (bad) return bad;
      const view = materializeView(a.view, homeViews.get(a.user_id)?.id ?? nextId('V'));
      homeViews.set(a.user_id, view);
      return ok({ view });
    },
    'conversations.open'(a) {
      const users = typeof a.users === 'string' ? a.users.split(',').map((u: string) => u.trim()).filter(Boolean) : [];
      if (a.channel && isKnownChannel(a.channel)) return ok({ channel: { id: a.channel } });
      if (users.length === 0) return apiError('users_list_not_supplied');
      if (!users.every((u: string) => USER_RE.test(u))) return apiError('user_not_found');
      const id = users.length === 1 ? dmChannelFor(users[0]!) : `G${users.map((u: string) => u.slice(1)).sort().join('')}`.slice(0, 20);
      return ok({ no_op: false, already_open: false, channel: { id } });
    },
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
    const injected = takeFailure(method);
    if (injected) return injected;
    if (method === 'upload') return { status: 200, body: 'OK' };
    if (!tok) return { status: 200, body: apiError('not_authed') };
    if (tok !== token) return { status: 200, body: apiError('invalid_auth') };
    const responder = stubs.get(method) ?? methods[method];
    if (!responder) return { status: 200, body: apiError('unknown_method', { req_method: method }) };
    return { status: 200, body: responder(args) };
  }

  function takeFailure(method: string): Outcome | undefined {
    const f = failures.find((x) => x.remaining > 0 && (x.method === method || x.method === '*'));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.outcome();
  }

  function record(method: string, args: Record<string, any>, tok: string | undefined, out: Outcome): void {
    calls.push({ method, args, token: tok, at: Date.now(), response: out.body, status: out.status });
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
    send(res, out);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => send(res, { status: 500, body: `fake-slack crashed: ${String(e)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const successful = (method: string) => calls.filter((c) => c.method === method && c.status === 200 && c.response?.ok === true);

  return {
    url: `${baseUrl}/api/`,
    calls, messages, views, homeViews, uploads, completedUploads, token, teamId, botUserId, botId, dmChannelFor,
    callsTo: successful,
    posted: () => successful('chat.postMessage'),
    failNext(method, failure, times = 1) {
      failures.push({ method, remaining: times, outcome: () => httpFailure(failure) });
    },
    failNextWith(method, error, times = 1) {
      failures.push({ method, remaining: times, outcome: () => ({ status: 200, body: apiError(error) }) });
    },
    setDown(d) { down = d; },
    reset() { calls.length = 0; failures.length = 0; down = false; },
    stub(method, responder) { stubs.set(method, responder); },
    unstub(method) { stubs.delete(method); },
    message: (channel, ts) => messages.get(msgKey(channel, ts)),
    waitFor: (pred, timeoutMs = 5000) => pollUntil(calls, pred, timeoutMs),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function httpFailure(f: HttpFailure): Outcome {
  if (f.status === 429) {
    return { status: 429, body: apiError('ratelimited'), headers: { 'retry-after': String(f.retryAfter) } };
  }
  return { status: f.status, body: `upstream error ${f.status} (fake)` };
}

function send(res: ServerResponse, out: Outcome): void {
  if (res.headersSent) return;
  const isJson = typeof out.body !== 'string';
  res.writeHead(out.status, { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain', ...out.headers });
  res.end(isJson ? JSON.stringify(out.body) : out.body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Parse a Web API body the way Slack does: form fields (JSON-valued ones decoded), JSON, or multipart. */
async function parseArgs(ct: string, raw: Buffer, query: URLSearchParams): Promise<{ args: Record<string, any>; formToken?: string }> {
  const args: Record<string, any> = Object.fromEntries(query);
  if (ct.includes('application/json')) {
    Object.assign(args, raw.length ? JSON.parse(raw.toString('utf8')) : {});
    // Slack ignores a token in a JSON body: JSON callers must use the Authorization header.
    delete args.token;
    return { args };
  }
  const fields = ct.includes('multipart/form-data') ? await multipartFields(ct, raw) : Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  for (const [k, v] of Object.entries(fields)) args[k] = JSON_ARGS.has(k) && typeof v === 'string' ? tryJson(v) : v;
  const formToken = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  return { args, formToken };
}

function tryJson(v: string): unknown {
  try { return JSON.parse(v); } catch { return v; }
}

async function multipartFields(ct: string, raw: Buffer): Promise<Record<string, string | Buffer>> {
  const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': ct }, body: raw }).formData();
  const out: Record<string, string | Buffer> = {};
  for (const [k, v] of form.entries()) out[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
  return out;
}

async function extractUploadBytes(ct: string, raw: Buffer): Promise<Buffer> {
  if (!ct.includes('multipart/form-data')) return raw;
  const fields = await multipartFields(ct, raw);
  const file = Object.values(fields).find((v): v is Buffer => Buffer.isBuffer(v));
  return file ?? Buffer.from(String(fields.body ?? fields.file ?? ''));
}

/** UTC offset in seconds for an IANA zone, as Slack's users.info `tz_offset`. */
function tzOffsetSeconds(tz: string): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

async function pollUntil(calls: SlackCall[], pred: (c: SlackCall[]) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (pred(calls)) return;
    } catch (e) {
      lastError = e; // a predicate that throws on partial data just means "not yet"
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const why = lastError ? `\nlast predicate error: ${String(lastError)}` : '';
  throw new Error(`FakeSlack.waitFor timed out after ${timeoutMs}ms${why}\npredicate: ${pred.toString().slice(0, 300)}\n${summarizeCalls(calls)}`);
}

/** Human-readable tail of the call log for timeout messages. */
export function summarizeCalls(calls: SlackCall[], last = 25): string {
  if (calls.length === 0) return 'no Slack API calls were made';
  const lines = calls.slice(-last).map((c, i) => {
    const result = c.status !== 200 ? `HTTP ${c.status}` : c.response?.ok ? 'ok' : `error=${c.response?.error}`;
    const hint = c.args.channel ? ` channel=${c.args.channel}` : '';
    const text = typeof c.args.text === 'string' ? ` text=${JSON.stringify(c.args.text.slice(0, 60))}` : '';
    return `  #${calls.length - Math.min(last, calls.length) + i} ${c.method} -> ${result}${hint}${text}`;
  });
  return `${calls.length} Slack API call(s), most recent last:\n${lines.join('\n')}`;
}
