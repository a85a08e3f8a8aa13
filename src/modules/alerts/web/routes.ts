// HTTP endpoints monitoring systems post to, served next to /slack/events (SPEC §3.10):
//   POST /alerts/alertmanager · POST /alerts/grafana · POST /alerts/generic
// In order: the bearer token (constant time; 401), the content type (400), the body up to 1 MB
// (413, reading stops at the limit), JSON (400), the payload's shape (400, one line) — nothing is
// written before all of them pass — then one transaction for the whole payload (200).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { errorFields, type Logger } from '../../../platform/logger.js';
import { AlertPayloadError, MAX_BODY_BYTES, parseAlertPayload, type AlertEndpoint } from '../alerts.rules.js';
import { receiveAlerts, type AlertDeps } from '../alerts.service.js';

export const ALERT_ENDPOINTS: readonly AlertEndpoint[] = ['alertmanager', 'grafana', 'generic'];

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Does the Authorization header carry the token? Compared in constant time (digests of equal length). */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, expected) && m !== null;
}

/** The body, refused with 413 once it passes `limit`: reading stops there and the connection closes after the answer. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(new Refused(413, 'payload_too_large', `the body is over ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        reject(new Refused(413, 'payload_too_large', `the body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A sender that gives up mid-body: nothing to take, nobody to answer.
    req.on('error', () => reject(new Refused(400, 'invalid_request', 'the request body was interrupted')));
  });
}

/** The three alert routes for the app's `routes`; none when no token is set (the endpoints answer 404). */
export function alertRoutes(deps: AlertDeps, token: string | undefined, logger: Logger): CustomRoute[] {
  if (!token) return [];
  const expected = digest(token);
  const log = logger.child({ component: 'alerts' });

  const handle = async (endpoint: AlertEndpoint, req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    let alerts = 0;
    let note: Record<string, unknown> = {};
    res.once('finish', () => log.info({ route: `/alerts/${endpoint}`, status: res.statusCode, alerts, ms: Math.round(performance.now() - started), ...note }, 'alerts received'));
    try {
      if (!bearerMatches(req.headers.authorization, expected)) {
        throw new Refused(401, 'unauthorized', 'expected Authorization: Bearer <ALERTS_TOKEN>');
      }
      const media = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (media !== 'application/json') throw new Refused(400, 'invalid_content_type', `expected Content-Type: application/json, got ${media || 'none'}`);
      const raw = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (err) {
        throw new Refused(400, 'invalid_json', `the body is not JSON (${(err as Error).message.split('\n')[0]!.slice(0, 120)})`);
      }
      let parsed;
      try {
        parsed = parseAlertPayload(endpoint, body);
      } catch (err) {
        if (err instanceof AlertPayloadError) throw new Refused(400, 'invalid_payload', err.message);
        throw err;
      }
      alerts = parsed.length;
      const outcome = await receiveAlerts(deps, parsed);
      note = { opened: outcome.opened.length, repeated: outcome.repeated, resolved: outcome.resolved, duplicates: outcome.duplicates };
      send(res, 200, { ok: true, ...outcome });
    } catch (err) {
      if (err instanceof Refused) {
        note = { reason: err.reason };
        // Unread bytes of a refused body are not read: the connection closes after the answer.
        const close = err.status === 413 || err.status === 401 || !req.readableEnded;
        send(res, err.status, { ok: false, error: err.error, reason: err.reason }, close ? { connection: 'close' } : {});
        if (close) res.once('finish', () => req.socket.destroySoon?.());
        return;
      }
      // The store failed: the sender retries on any non-2xx, and nothing of this payload was kept.
      log.error({ error: errorFields(err), route: `/alerts/${endpoint}` }, 'alerts could not be recorded');
      send(res, 503, { ok: false, error: 'unavailable', reason: 'the alerts could not be recorded; retry' }, { 'retry-after': '10' });
    }
  };

  return ALERT_ENDPOINTS.map((endpoint) => ({
    path: `/alerts/${endpoint}`,
    method: ['POST'],
    handler: (req: IncomingMessage, res: ServerResponse) => handle(endpoint, req, res),
  }));
}
