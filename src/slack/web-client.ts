// The Slack Web API clients of opsdesk, configured in one place: Bolt's (clientOptions in app.ts),
// the outbox's and the files uploader's (outboxClient in app.ts), and the ones listeners are handed.
//
// Why a JSON path: @slack/web-api 8.2 builds a redacted deep copy of every request's arguments and of
// every response and serialises both to JSON for its debug log *before* the logger sees the line
// (`this.logger.debug(`…${JSON.stringify(redact(body))}`)` in makeRequest and apiCall: no level check
// guards it, so neither `logLevel` nor a logger whose getLevel() answers ERROR saves that work), then
// form-encodes the body (Block Kit JSON percent-escaped character by character). For a modal or a
// message with blocks that was most of the garbage and a good part of the CPU of a request's work
// after its ack (the `/ticket` form: 64 % of the bytes allocated) — and that work shares the CPU with
// the next acks. The methods that carry Block Kit accept a JSON body
// (Authorization header, `application/json`), so those go out as one JSON.stringify and come back as
// one JSON.parse, over node's http client (postOnce); every other method (and any call with binary
// data) takes the client's own path.
// Errors are the client's own classes (WebAPIPlatformError, WebAPIRequestError, WebAPIHTTPError,
// WebAPIRateLimitedError), so callers and the outbox classify them as before.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  type Logger as WebApiLogger,
  LogLevel,
  type RetryOptions,
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import type { Logger } from '../platform/logger.js';

/** Methods sent as a JSON body (all accept one; each may carry Block Kit). */
const JSON_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'views.open', 'views.push', 'views.update', 'views.publish']);

const USER_AGENT = `opsdesk @slack:web-api/8 node/${process.version.slice(1)}`;

export interface SlackClientSettings {
  slackApiUrl?: string;
  /** Retries after a network error, a timeout or an HTTP error (not after Slack's own `ok: false`). */
  retries?: number;
  /** 429: throw WebAPIRateLimitedError at once (the outbox paces itself) instead of waiting and retrying. */
  rejectRateLimitedCalls?: boolean;
  /** Per attempt, ms. */
  timeout?: number;
  /** Where the client's warnings and errors go; its debug and info lines are dropped. */
  logger?: Logger;
}

/**
 * A Web API logger for @slack/web-api and Bolt: warnings and errors to pino (or stderr), debug and
 * info dropped. (It cannot spare the client the redacted copies it builds for debug lines — see the
 * top of this file — but keeps those lines from being formatted and written.)
 */
export function webApiLogger(logger?: Logger): WebApiLogger {
  const child = logger?.child({ component: 'slack-web-api' });
  const write = (level: 'warn' | 'error') => (...msg: unknown[]) => {
    const text = msg.map(String).join(' ');
    if (child) child[level](text);
    else process.stderr.write(`${JSON.stringify({ level, component: 'slack-web-api', msg: text })}\n`);
  };
  return {
    debug: () => {},
    info: () => {},
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}

/** The options every WebClient of opsdesk is built with (Bolt's clientOptions among them). */
export function webClientOptions(s: SlackClientSettings = {}): WebClientOptions {
  const retries = s.retries ?? 2;
  return {
    slackApiUrl: s.slackApiUrl,
    retryConfig: retries > 0 ? { retries, factor: 1.5, minTimeout: 200, maxTimeout: 1000 } : { retries: 0 },
    rejectRateLimitedCalls: s.rejectRateLimitedCalls ?? false,
    timeout: s.timeout ?? 10_000,
    logger: webApiLogger(s.logger),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Block Kit built once and never changed (see `prebuilt`), with its JSON once serialised. */
const prebuiltJson = new WeakMap<object, string>();

/**
 * Marks Block Kit that is built once and sent many times (a form's static blocks): it is frozen, all
 * the way down, and the JSON path serialises it once, then splices that text into every request
 * that carries it. Returns `value`.
 */
export function prebuilt<T extends object>(value: T): T {
  // Every object of the tree, so a request that reuses a part of it (a block, a label) finds its text too.
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object' || prebuiltJson.has(v)) return;
    for (const x of Object.values(v)) walk(x);
    Object.freeze(v);
    prebuiltJson.set(v, JSON.stringify(v));
  };
  walk(value);
  return value;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
const skip = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** JSON.stringify(value), taking the text of prebuilt parts from the cache. */
export function toJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const cached = prebuiltJson.get(value);
  if (cached !== undefined) return cached;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${skip(value[i]) ? 'null' : toJson(value[i])}`;
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (skip(v)) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${toJson(v)}`;
  }
  return `${out}}`;
}

function hasBinary(args: Record<string, unknown>): boolean {
  for (const v of Object.values(args)) if (Buffer.isBuffer(v) || (typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function')) return true;
  return false;
}

/**
 * A WebClient whose Block Kit methods travel as JSON (see the top of this file); everything else,
 * and its whole interface, is WebClient's.
 */
export class SlackWebClient extends WebClient {
  private readonly json: { url: string; retry: Required<Pick<RetryOptions, 'retries' | 'factor' | 'minTimeout' | 'maxTimeout'>>; rejectRateLimited: boolean; timeout: number; teamId?: string };

  constructor(token: string | undefined, options: WebClientOptions & { teamId?: string } = {}) {
    super(token, options);
    const r = options.retryConfig ?? {};
    this.json = {
      url: this.slackApiUrl,
      retry: { retries: r.retries ?? 0, factor: r.factor ?? 2, minTimeout: r.minTimeout ?? 1000, maxTimeout: r.maxTimeout ?? 30_000 },
      rejectRateLimited: options.rejectRateLimitedCalls ?? false,
      timeout: options.timeout ?? 0,
      teamId: options.teamId,
    };
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    if (!JSON_METHODS.has(method) || typeof options !== 'object' || options === null || hasBinary(options)) return super.apiCall(method, options);
    // As the form path does: the token goes in the header, absent and null arguments are left out.
    const args: Record<string, unknown> = this.json.teamId ? { team_id: this.json.teamId } : {};
    let auth = this.token;
    for (const key of Object.keys(options)) {
      const v = options[key];
      if (key === 'token') auth = typeof v === 'string' ? v : auth;
      else if (v !== undefined && v !== null) args[key] = v;
    }
    // Bytes, written as they are.
    const body = Buffer.from(toJson(args));
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'user-agent': USER_AGENT };
    if (auth) headers.authorization = `Bearer ${auth}`;
    const { retry } = this.json;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.jsonAttempt(method, headers, body);
      } catch (err) {
        // Only what the client itself would retry: no answer, a timeout, an HTTP error, a 429 it waits out.
        const retryable = err instanceof WebAPIRequestError || err instanceof WebAPIHTTPError || err instanceof RetryAfter;
        if (!retryable || attempt >= retry.retries) throw err instanceof RetryAfter ? err.cause : err;
        const backoff = Math.min(retry.maxTimeout, retry.minTimeout * retry.factor ** attempt);
        await sleep(err instanceof RetryAfter ? err.seconds * 1000 : backoff);
      }
    }
  }

  private async jsonAttempt(method: string, headers: Record<string, string>, body: Buffer): Promise<WebAPICallResult> {
    const url = `${this.json.url}${method}`;
    let answer: RawAnswer;
    try {
      answer = await postOnce(url, headers, body, this.json.timeout);
    } catch (err) {
      throw new WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
    }
    const header = (name: string): string | undefined => {
      const v = answer.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    if (answer.status === 429) {
      const retryAfter = Number.parseInt(header('retry-after') ?? '', 10);
      // As the client does: a 429 without a usable Retry-After is not retried.
      if (Number.isNaN(retryAfter)) throw new Error(`Retry header did not contain a valid timeout (url: ${url}, retry-after header: ${header('retry-after') ?? null})`);
      const limited = new WebAPIRateLimitedError(retryAfter);
      if (this.json.rejectRateLimited) throw limited;
      throw new RetryAfter(retryAfter, limited);
    }
    if (answer.status !== 200) {
      const headersOut: Record<string, string> = {};
      for (const name of Object.keys(answer.headers)) headersOut[name] = header(name) ?? '';
      throw new WebAPIHTTPError(answer.status, answer.statusText, headersOut, answer.text);
    }
    const { text } = answer;
    let result: WebAPICallResult;
    try {
      result = VIEW_METHODS.has(method) ? (echoedView(text) ?? JSON.parse(text)) : JSON.parse(text);
    } catch {
      result = { ok: false, error: text } as WebAPICallResult;
    }
    result.response_metadata ??= {};
    const scopes = header('x-oauth-scopes');
    if (scopes !== undefined) result.response_metadata.scopes = scopes.trim().split(/\s*,\s*/);
    const accepted = header('x-accepted-oauth-scopes');
    if (accepted !== undefined) result.response_metadata.acceptedScopes = accepted.trim().split(/\s*,\s*/);
    if (!result.ok) throw new WebAPIPlatformError(result as WebAPICallResult & { error: string });
    return result;
  }
}

/** An HTTP answer, read whole. */
interface RawAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Keep-alive connections to the Web API, shared by every client of the process. One idle for 4 s
 * is closed (as fetch's own pool does): a server may close it any moment after that (node's
 * default is 5 s), and a request sent on a connection just closed fails without reaching it.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000 };
const AGENTS = { http: new HttpAgent(KEEP_ALIVE), https: new HttpsAgent(KEEP_ALIVE) };

/**
 * One POST with node's http client. Not fetch: fetch's WHATWG plumbing (a Request, a Headers
 * object, a ReadableStream for each body and each answer, an AbortSignal) cost several times the
 * request itself — a seventh of the CPU of the `/ticket` form path, all of it sharing the CPU with
 * the next acks. `timeoutMs` bounds the whole exchange, the answer's body included (0: none). A
 * redirect is not followed (Slack's API answers none; a 3xx is an HTTP error).
 */
function postOnce(url: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    if (!https && target.protocol !== 'http:') return reject(new Error(`unsupported protocol ${target.protocol}`));
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = (https ? httpsRequest : httpRequest)(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent: https ? AGENTS.https : AGENTS.http },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', fail);
    if (timeoutMs > 0) {
      timer = setTimeout(() => fail(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
      timer.unref();
    }
    req.end(body);
  });
}

const VIEW_METHODS = new Set(['views.open', 'views.push', 'views.update', 'views.publish']);

/**
 * A successful views.* answer is `{"ok":true,"view":{…}}`: Slack echoes the whole view back, and
 * opsdesk never reads it. Parsing it costs more than the rest of the call's own work, so the view
 * is parsed when (if ever) it is read. Anything else in the answer (a warning, response metadata)
 * and it is parsed at once, as usual (undefined here).
 */
function echoedView(text: string): WebAPICallResult | undefined {
  if (!text.startsWith('{"ok":true,"view":{') || !text.endsWith('}}') || text.includes('"warning"') || text.includes('"response_metadata"')) return undefined;
  let view: unknown;
  let parsed = false;
  const result = { ok: true } as WebAPICallResult;
  Object.defineProperty(result, 'view', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!parsed) {
        view = (JSON.parse(text) as { view: unknown }).view;
        parsed = true;
      }
      return view;
    },
  });
  return result;
}

/** A 429 to wait out and retry; what the caller sees when the retries run out is `cause`. */
class RetryAfter extends Error {
  constructor(
    readonly seconds: number,
    override readonly cause: WebAPIRateLimitedError,
  ) {
    super(`rate limited; retry after ${seconds} s`);
  }
}

const jsonClients = new WeakMap<WebClient, SlackWebClient>();

/**
 * The JSON-path twin of a client Bolt built (same token, API URL, team and logger; the options of
 * `webClientOptions`, as Bolt's clientOptions), made once per client. Bolt builds its clients itself
 * (a plain WebClient per token), so listeners are handed this one instead (router.ts).
 */
export function jsonClientFor(client: WebClient): SlackWebClient {
  if (client instanceof SlackWebClient) return client;
  let twin = jsonClients.get(client);
  if (!twin) {
    // Its team and logger (Bolt's) are the client's own, kept in fields WebClient does not expose.
    const { teamId, logger } = client as unknown as { teamId?: string; logger?: WebApiLogger };
    twin = new SlackWebClient(client.token, { ...webClientOptions({ slackApiUrl: client.slackApiUrl }), ...(logger ? { logger } : {}), teamId });
    jsonClients.set(client, twin);
  }
  return twin;
}
