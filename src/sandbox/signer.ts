/**
 * Sends requests to the app under test exactly as Slack does: signed with the signing
 * secret, with the payload shapes Slack really uses (slash command form posts,
 * `payload=<json>` interactivity posts, JSON event_callback envelopes).
 *
 * Bolt's HTTPReceiver only parses form bodies when the content-type is exactly
 * `application/x-www-form-urlencoded` (no charset!), and rejects signatures older than
 * 5 minutes, so both are reproduced precisely here.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackUser { id: string; name?: string; teamId?: string }

export interface SignOptions {
  /** 'valid' (default), 'none' (no x-slack-signature header) or 'wrong' (signed with another secret). */
  sign?: 'valid' | 'none' | 'wrong';
  /** Added to the current time for x-slack-request-timestamp; -360 makes a 6-minute-old (stale) request. */
  timestampOffsetSec?: number;
  headers?: Record<string, string>;
}

export interface SlackResponse { status: number; text: string; json: any; headers: Record<string, string> }

export interface BlockActionArgs {
  user: SlackUser;
  actionId: string;
  value?: string;
  blockId?: string;
  channelId?: string;
  messageTs?: string;
  /** Full message object for the container message; defaults to a minimal bot message. */
  message?: Record<string, any>;
  /** When set, the action comes from this view (modal/home) instead of a message. */
  view?: any;
  selectedUser?: string;
  selectedOption?: { value: string; text?: string };
  triggerId?: string;
  container?: any;
  /** Action on an ephemeral message: Slack sends no `message` object then. */
  ephemeral?: boolean;
}

export interface ViewSubmissionArgs {
  user: SlackUser;
  callbackId: string;
  values: Record<string, Record<string, any>>;
  privateMetadata?: string;
  viewId?: string;
  triggerId?: string;
  /** Base view (e.g. the one the fake returned from views.open); callbackId/values/metadata override it. */
  view?: Record<string, any>;
}

export interface MessageShortcutArgs {
  user: SlackUser;
  callbackId: string;
  channelId: string;
  message: { ts: string; text: string; user?: string };
  triggerId?: string;
}

export interface BlockSuggestionArgs { user: SlackUser; actionId: string; blockId: string; value: string; viewId?: string }

export interface EventOptions extends SignOptions {
  retryNum?: number;
  retryReason?: string;
  /** Reuse an event_id, as Slack does when it retries a delivery. */
  eventId?: string;
}

export interface RequesterOptions {
  baseUrl: string;
  signingSecret: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  /** Path Bolt listens on. */
  path?: string;
  /** Base of a response_url sink (startResponseUrlSink().url); otherwise an unroutable https URL. */
  responseUrl?: string;
  /** The app's bot user id, for event `authorizations` (matches the fake's auth.test by default). */
  botUserId?: string;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_CT = 'application/json';

export class SlackRequester {
  private readonly o: Required<Omit<RequesterOptions, 'responseUrl'>> & { responseUrl?: string };
  private seq = 0;

  constructor(opts: RequesterOptions) {
    this.o = {
      teamId: 'T0FAKETEAM', teamDomain: 'opsdesk-test', apiAppId: 'AFAKEAPP1', path: '/slack/events', botUserId: 'UBOT00001',
      ...opts, baseUrl: opts.baseUrl.replace(/\/$/, ''),
    };
  }

  /** Raw signed POST. */
  async post(body: string, contentType: string, opts: SignOptions = {}): Promise<SlackResponse> {
    const ts = Math.floor(Date.now() / 1000) + (opts.timestampOffsetSec ?? 0);
    const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), ...opts.headers };
    const sign = opts.sign ?? 'valid';
    if (sign !== 'none') {
      const secret = sign === 'valid' ? this.o.signingSecret : `${this.o.signingSecret}-wrong`;
      headers['x-slack-signature'] = signature(secret, ts, body);
    }
    const res = await fetch(`${this.o.baseUrl}${this.o.path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, text, json: parseJson(text), headers: Object.fromEntries(res.headers.entries()) };
  }

  /** A slash command, form-encoded like Slack's. */
  command(command: string, text: string, user: SlackUser, opts: SignOptions & { channelId?: string; channelName?: string; triggerId?: string } = {}): Promise<SlackResponse> {
    const form = new URLSearchParams({
      token: 'verification-token', team_id: this.teamOf(user), team_domain: this.o.teamDomain,
      channel_id: opts.channelId ?? 'C0GENERAL1', channel_name: opts.channelName ?? 'general',
      user_id: user.id, user_name: user.name ?? user.id.toLowerCase(), command, text,
      api_app_id: this.o.apiAppId, is_enterprise_install: 'false',
      response_url: this.responseUrl('commands'), trigger_id: opts.triggerId ?? this.triggerId(),
    });
    return this.post(form.toString(), FORM, opts);
  }

  /** A block_actions interaction from a message (default) or a view. */
  blockAction(args: BlockActionArgs, opts: SignOptions = {}): Promise<SlackResponse> {
    const channelId = args.channelId ?? 'C0GENERAL1';
    const messageTs = args.messageTs ?? '1700000000.000100';
    const fromView = args.view !== undefined;
    const payload: Record<string, any> = {
      type: 'block_actions', user: this.userJson(args.user), api_app_id: this.o.apiAppId, token: 'verification-token',
      container: args.container ?? (fromView
        ? { type: 'view', view_id: args.view.id }
        : { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: !!args.ephemeral }),
      trigger_id: args.triggerId ?? this.triggerId(), team: this.teamJson(args.user), enterprise: null, is_enterprise_install: false,
      actions: [this.actionJson(args)],
    };
    if (fromView) {
      payload.view = args.view;
    } else {
      payload.channel = { id: channelId, name: 'general' };
      payload.state = { values: {} };
      payload.response_url = this.responseUrl('actions');
      if (!args.ephemeral) {
        payload.message = args.message ?? { type: 'message', user: this.o.botUserId, ts: messageTs, text: '', team: this.o.teamId };
      }
    }
    return this.postPayload(payload, opts);
  }

  /** A modal submission; `values` is view.state.values (block_id -> action_id -> element state). */
  viewSubmission(args: ViewSubmissionArgs, opts: SignOptions = {}): Promise<SlackResponse> {
    const base = args.view ?? {};
    const id = args.viewId ?? base.id ?? `V${randomId(9)}`;
    const view = {
      id, team_id: this.o.teamId, type: 'modal', blocks: [], private_metadata: '',
      hash: `${Date.now()}.${randomId(8)}`, title: { type: 'plain_text', text: 'Modal' }, clear_on_close: false,
      notify_on_close: false, close: null, submit: null, previous_view_id: null, root_view_id: id, app_id: this.o.apiAppId,
      external_id: '', app_installed_team_id: this.o.teamId, bot_id: 'BBOT00001',
      ...base,
      callback_id: args.callbackId, state: { values: args.values },
      ...(args.privateMetadata !== undefined ? { private_metadata: args.privateMetadata } : {}),
    };
    return this.postPayload({
      type: 'view_submission', team: this.teamJson(args.user), user: this.userJson(args.user), api_app_id: this.o.apiAppId,
      token: 'verification-token', trigger_id: args.triggerId ?? this.triggerId(), view, response_urls: [],
      enterprise: null, is_enterprise_install: false,
    }, opts);
  }

  /** A message shortcut (type message_action). */
  messageShortcut(args: MessageShortcutArgs, opts: SignOptions = {}): Promise<SlackResponse> {
    return this.postPayload({
      type: 'message_action', token: 'verification-token', action_ts: actionTs(), team: this.teamJson(args.user),
      user: this.userJson(args.user), channel: { id: args.channelId, name: 'general' }, is_enterprise_install: false,
      enterprise: null, callback_id: args.callbackId, trigger_id: args.triggerId ?? this.triggerId(),
      response_url: this.responseUrl('shortcuts'), message_ts: args.message.ts,
      message: { type: 'message', ts: args.message.ts, text: args.message.text, ...(args.message.user ? { user: args.message.user } : {}), team: this.o.teamId },
    }, opts);
  }

  /** An external_select options request (type block_suggestion), answered by app.options(). */
  blockSuggestion(args: BlockSuggestionArgs, opts: SignOptions = {}): Promise<SlackResponse> {
    const viewId = args.viewId ?? `V${randomId(9)}`;
    return this.postPayload({
      type: 'block_suggestion', user: this.userJson(args.user), container: { type: 'view', view_id: viewId },
      api_app_id: this.o.apiAppId, token: 'verification-token', action_id: args.actionId, block_id: args.blockId,
      value: args.value, team: this.teamJson(args.user), enterprise: null, is_enterprise_install: false,
      view: { id: viewId, team_id: this.o.teamId, type: 'modal', state: { values: {} } },
    }, opts);
  }

  /** An Events API delivery (JSON event_callback envelope). Returns the event_id used, for retry tests. */
  async event(event: Record<string, any>, opts: EventOptions = {}): Promise<SlackResponse & { eventId: string }> {
    const eventId = opts.eventId ?? `Ev${randomId(10)}`;
    const now = Math.floor(Date.now() / 1000);
    const envelope = {
      token: 'verification-token', team_id: this.o.teamId, context_team_id: this.o.teamId, context_enterprise_id: null,
      api_app_id: this.o.apiAppId, event: { event_ts: actionTs(), ...event }, type: 'event_callback', event_id: eventId,
      event_time: now, authorizations: [{ enterprise_id: null, team_id: this.o.teamId, user_id: this.o.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false, event_context: `4-${randomId(16)}`,
    };
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    const res = await this.post(JSON.stringify(envelope), JSON_CT, { ...opts, headers });
    return { ...res, eventId };
  }

  private postPayload(payload: Record<string, any>, opts: SignOptions): Promise<SlackResponse> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, opts);
  }

  private actionJson(a: BlockActionArgs): Record<string, any> {
    const common = { action_id: a.actionId, block_id: a.blockId ?? `blk_${randomId(5)}`, action_ts: actionTs() };
    if (a.selectedUser !== undefined) return { ...common, type: 'users_select', selected_user: a.selectedUser };
    if (a.selectedOption !== undefined) {
      const text = { type: 'plain_text', text: a.selectedOption.text ?? a.selectedOption.value, emoji: true };
      return { ...common, type: 'static_select', selected_option: { text, value: a.selectedOption.value } };
    }
    return { ...common, type: 'button', text: { type: 'plain_text', text: a.actionId, emoji: true }, ...(a.value !== undefined ? { value: a.value } : {}) };
  }

  private userJson(u: SlackUser): Record<string, any> {
    const name = u.name ?? u.id.toLowerCase();
    return { id: u.id, username: name, name, team_id: this.teamOf(u) };
  }

  private teamJson(u: SlackUser): Record<string, any> {
    return { id: this.teamOf(u), domain: this.o.teamDomain };
  }

  private teamOf(u: SlackUser): string {
    return u.teamId ?? this.o.teamId;
  }

  private responseUrl(kind: string): string {
    const n = ++this.seq;
    if (this.o.responseUrl) return `${this.o.responseUrl.replace(/\/$/, '')}/${kind}/${this.o.teamId}/${n}`;
    // .invalid never resolves (RFC 2606): a respond() without a sink fails fast instead of hitting the internet.
    return `https://hooks.slack.invalid/${kind}/${this.o.teamId}/${n}/${randomId(12)}`;
  }

  private triggerId(): string {
    return `${Date.now()}.${++this.seq}.${randomBytes(16).toString('hex')}`;
  }
}

/** Slack's v0 request signature: hex HMAC-SHA256 of "v0:<timestamp>:<raw body>". */
export function signature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export interface ResponseUrlSink {
  url: string;
  /** JSON bodies posted to any response_url, in order. */
  received: any[];
  /** Same, with the path (which tells commands/actions/shortcuts apart) and arrival time. */
  requests: Array<{ path: string; body: any; at: number }>;
  waitFor(pred: (received: any[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Records what the app sends to response_url (Bolt's respond()); answers 200 like Slack. */
export async function startResponseUrlSink(): Promise<ResponseUrlSink> {
  const received: any[] = [];
  const requests: ResponseUrlSink['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = parseJson(text) ?? text;
      received.push(body);
      requests.push({ path: req.url ?? '/', body, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    requests,
    async waitFor(pred, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() >= deadline) throw new Error(`response_url sink: timed out after ${timeoutMs}ms; received ${JSON.stringify(received).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(text: string): any {
  try { return JSON.parse(text); } catch { return undefined; }
}

function randomId(len: number): string {
  return randomBytes(len).toString('hex').toUpperCase().slice(0, len);
}

function actionTs(): string {
  const micros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}
