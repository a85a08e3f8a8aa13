// The HTTP receiver: POST /slack/events and the extra routes (/healthz, /metrics, customer pages).
// It replaces Bolt's HTTPReceiver, which trusts a signed body (`payload=null` throws inside it and
// kills the process; a view without `state` throws inside Bolt's dispatch and answers 500). Here:
//   1. the body is read with a size limit (413),
//   2. the signature is verified as Slack documents it (HMAC-SHA256 of `v0:<timestamp>:<body>`
//      with the signing secret, compared in constant time), in a 5-minute window either side of
//      now (401) — only Slack's unsigned `ssl_check` probe is answered without it,
//   3. the body is parsed and checked at the edge (edge.ts): malformed → 400, other content
//      types → 415, events this app cannot use → 200 and ignored,
//   4. only then does Bolt see it; whatever its listeners do, the answer is a 2xx or a 4xx.
// The time from arrival to the answer (the ack) is observed per surface for /metrics.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthorizationError, ReceiverMultipleAckError, type App, type CustomRoute, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { errorFields, type Logger } from '../platform/logger.js';
import type { Metrics, SlackSurface } from '../platform/metrics.js';
import { checkSlackBody, isSslCheck, mediaType } from './edge.js';

export interface SafeReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Extra HTTP routes, as Bolt's `customRoutes` (paths may hold `:param` segments). */
  routes?: CustomRoute[];
  /** Where the ack latency goes (opsdesk_slack_ack_seconds). */
  metrics?: Pick<Metrics, 'ackSeconds'>;
  /** The Slack request path (default /slack/events). */
  endpoint?: string;
  /** Largest body taken (default 4 MB, Bolt's). */
  bodyLimit?: number;
  /** When a request no listener acknowledged is answered anyway (default 3001 ms, Bolt's). */
  unhandledRequestTimeoutMs?: number;
  /** The clock of the signature window (tests). */
  now?: () => number;
}

/** Slack's replay window: a request signed more than 5 minutes from now is refused. */
const REPLAY_WINDOW_SEC = 5 * 60;

interface CompiledRoute {
  segments: string[];
  methods: Map<string, CustomRoute['handler']>;
}

/** Writes a status (and a JSON body) unless the response is already on its way. */
function answer(res: ServerResponse, status: number, json?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  if (json === undefined) {
    res.writeHead(status, headers);
    res.end();
  } else {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(json));
  }
}

/** What a listener's ack(...) sends: nothing, a text, or a JSON object (Bolt's buildContentResponse). */
function ackContent(res: ServerResponse, body: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  if (!body) {
    res.writeHead(200);
    res.end();
  } else if (typeof body === 'string') {
    res.writeHead(200);
    res.end(body);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

class TooLarge extends Error {}

/** The body, or TooLarge once it passes `limit` (the rest is read and dropped, so the 413 arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new TooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The path of a request URL, or undefined when it is not a URL at all. */
function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

export class SafeReceiver implements Receiver {
  private app?: App;
  private server?: Server;
  private readonly log: Logger;
  private readonly endpoint: string;
  private readonly bodyLimit: number;
  private readonly unhandledMs: number;
  private readonly now: () => number;
  private readonly routes: CompiledRoute[] = [];

  constructor(private readonly opts: SafeReceiverOptions) {
    if (!opts.signingSecret) throw new Error('the Slack receiver needs a signing secret (SLACK_SIGNING_SECRET)');
    this.log = opts.logger.child({ component: 'receiver' });
    this.endpoint = opts.endpoint ?? '/slack/events';
    this.bodyLimit = opts.bodyLimit ?? 4 * 1024 * 1024;
    this.unhandledMs = opts.unhandledRequestTimeoutMs ?? 3001;
    this.now = opts.now ?? Date.now;
    for (const route of opts.routes ?? []) {
      const segments = route.path.split('/');
      let compiled = this.routes.find((r) => r.segments.join('/') === segments.join('/'));
      if (!compiled) this.routes.push((compiled = { segments, methods: new Map() }));
      for (const m of Array.isArray(route.method) ? route.method : [route.method]) compiled.methods.set(m.toUpperCase(), route.handler);
    }
  }

  init(app: App): void {
    this.app = app;
  }

  /** Listens on `port`, on every interface unless `host` is given (the sandbox binds 127.0.0.1). */
  start(port: number, host?: string): Promise<Server> {
    if (this.server) return Promise.reject(new Error('the Slack receiver is already started'));
    const server = createServer((req, res) => this.dispatch(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, ...(host ? [host] : []), () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.error({ err }, 'HTTP server error'));
        resolve(server);
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  /** Routes one request. Nothing thrown here, synchronously or later, leaves this method. */
  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    try {
      const path = pathOf(req.url);
      if (path === undefined) return answer(res, 400, { ok: false, error: 'invalid_url' });
      if (path === this.endpoint) {
        if (req.method !== 'POST') return answer(res, 405, { ok: false, error: 'method_not_allowed' }, { allow: 'POST' });
        this.slack(req, res, started).catch((err: unknown) => {
          this.log.error({ error: errorFields(err) }, 'a Slack request failed in the receiver');
          answer(res, 400, { ok: false, error: 'invalid_request' });
        });
        return;
      }
      this.route(path, req, res);
    } catch (err) {
      this.log.error({ error: errorFields(err), path: pathOf(req.url) }, 'an HTTP request failed');
      answer(res, 500, { ok: false, error: 'internal_error' });
    }
  }

  /** The extra routes. A handler that throws or rejects is logged and answered, never left hanging. */
  private route(path: string, req: IncomingMessage, res: ServerResponse): void {
    const parts = path.split('/');
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchRoute(route.segments, parts);
      if (params === undefined) continue;
      const handler = route.methods.get((req.method ?? '').toUpperCase());
      if (!handler) {
        allowed.push(...route.methods.keys());
        continue;
      }
      if (params === 'bad_encoding') return answer(res, 400, { ok: false, error: 'invalid_url' });
      const result = handler(Object.assign(req, { params }), res) as unknown;
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          this.log.error({ error: errorFields(err), path }, 'an HTTP route failed');
          answer(res, 500, { ok: false, error: 'internal_error' });
        });
      }
      return;
    }
    if (allowed.length > 0) return answer(res, 405, { ok: false, error: 'method_not_allowed' }, { allow: allowed.join(', ') });
    answer(res, 404, { ok: false, error: 'not_found' });
  }

  private async slack(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    let surface: SlackSurface = 'unknown';
    res.once('finish', () => this.opts.metrics?.ackSeconds.observe({ surface }, (performance.now() - started) / 1000));

    let buffer: Buffer;
    try {
      buffer = await readBody(req, this.bodyLimit);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      this.log.warn({ limit: this.bodyLimit }, 'Slack request body too large; refused');
      return answer(res, 413, { ok: false, error: 'payload_too_large' }, { connection: 'close' });
    }
    const raw = buffer.toString('utf8');
    const media = mediaType(req.headers['content-type']);
    if (isSslCheck(media, raw)) return answer(res, 200);

    const unsigned = this.verify(req, raw);
    if (unsigned) {
      this.log.warn({ reason: unsigned }, 'Slack request refused: signature');
      return answer(res, 401);
    }

    const verdict = checkSlackBody(media, raw);
    surface = verdict.surface;
    if (verdict.kind === 'answer') {
      if (verdict.status >= 400) this.log.warn({ status: verdict.status, surface, reason: verdict.reason }, 'Slack request refused: malformed');
      else this.log.info({ surface, reason: verdict.reason }, 'Slack request answered at the edge');
      const error = verdict.status === 415 ? 'unsupported_media_type' : 'invalid_payload';
      return answer(res, verdict.status, verdict.json ?? (verdict.status >= 400 ? { ok: false, error } : undefined));
    }
    await this.process(verdict.body, req, res);
  }

  /** The signature and its timestamp, as Slack signs them; a reason when they do not hold. */
  private verify(req: IncomingMessage, raw: string): string | undefined {
    const signature = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'no signature or timestamp header';
    if (!/^\d{1,12}$/.test(timestamp)) return 'the timestamp is not a number of seconds';
    const seconds = Number(timestamp);
    const nowMs = this.now();
    // Bolt refuses old timestamps only; a future one is refused too (Slack: "more than five minutes from local time").
    if (Math.abs(nowMs / 1000 - seconds) > REPLAY_WINDOW_SEC) return 'the timestamp is outside the 5-minute window';
    // What Bolt's verifySlackRequest checks, with node's constant-time comparison of the two digests
    // (Bolt's tsscmp hashes both strings again with a fresh random key: three HMACs a request).
    if (!signature.startsWith('v0=')) return 'unknown signature version';
    const ours = Buffer.from(`v0=${createHmac('sha256', this.opts.signingSecret).update(`v0:${seconds}:${raw}`).digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== ours.length || !timingSafeEqual(given, ours)) return 'signature mismatch';
    return undefined;
  }

  /**
   * Hands a checked body to Bolt. The listener's ack() is the answer; when no listener acks — its
   * code failed before the ack, or nothing took the request — the answer is a 400 once Bolt is
   * done with it (Bolt itself would wait 3 s and answer 404).
   */
  private async process(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver was started without an app');
    let acked = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.log.warn({ type: body.type, ms: this.unhandledMs }, 'no listener acknowledged a Slack request in time');
      answer(res, 404);
    }, this.unhandledMs);
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        clearTimeout(timer);
        ackContent(res, response);
      },
      retryNum: retryNum(req.headers['x-slack-retry-num']),
      retryReason: typeof req.headers['x-slack-retry-reason'] === 'string' ? req.headers['x-slack-retry-reason'] : undefined,
    };
    let failure: unknown;
    try {
      await this.app.processEvent(event);
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timer);
    }
    if (failure !== undefined) this.log.error({ error: errorFields(failure), acked, type: body.type }, 'Bolt failed on a Slack request');
    if (acked) return;
    acked = true;
    if (failure instanceof AuthorizationError) return answer(res, 401);
    if (failure === undefined) this.log.warn({ type: body.type }, 'no listener acknowledged a Slack request; answered 400');
    answer(res, 400, { ok: false, error: 'not_handled' });
  }
}

function retryNum(header: string | string[] | undefined): number | undefined {
  const n = Number.parseInt(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''), 10);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A custom route's params for `path`, undefined when it does not match, 'bad_encoding' when a
 * parameter is not valid percent-encoding (Bolt's router threw on those: a 500).
 */
function matchRoute(segments: string[], parts: string[]): Record<string, string> | 'bad_encoding' | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  let bad = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        bad = true;
      }
    } else if (seg !== part) {
      return undefined;
    }
  }
  return bad ? 'bad_encoding' : params;
}
