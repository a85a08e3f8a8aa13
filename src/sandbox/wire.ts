// The fake Slack's wire: how it reads Web API bodies (form, JSON, multipart) and writes answers, plus
// the call log helpers. Split from fake-slack.ts, which holds the methods.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  token?: string;
  at: number;
  response: any;
  status: number;
  /** Slack acted but its answer never reached the caller (see `loseNextAnswer`). */
  lost?: LostAnswer;
}
export type HttpFailure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 };
/** How an answer gets lost after Slack acted: the connection drops, the caller times out, or a 5xx. */
export type LostAnswer = 'drop' | 'timeout' | 500 | 502 | 503 | 504;
export type Outcome = { status: number; body: any; headers?: Record<string, string>; lost?: LostAnswer };

export const ok = (body: Record<string, any> = {}) => ({ ok: true, ...body });
export const apiError = (error: string, extra: Record<string, any> = {}) => ({ ok: false, error, ...extra });
export const withMessages = (error: string, errors: string[]) =>
  apiError(error, { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });

/** Args that web-api JSON-encodes inside form bodies. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls', 'user_auth_blocks']);

export function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function httpFailure(f: HttpFailure): Outcome {
  if (f.status === 429) {
    return { status: 429, body: apiError('ratelimited'), headers: { 'retry-after': String(f.retryAfter) } };
  }
  return { status: f.status, body: `upstream error ${f.status} (fake)` };
}

/** Writes an answer; a lost one is cut off (drop), left hanging until the caller gives up (timeout) or is a bare 5xx. */
export function send(res: ServerResponse, out: Outcome, hanging?: Set<ServerResponse>): void {
  if (res.headersSent) return;
  if (out.lost === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (out.lost === 'timeout') {
    hanging?.add(res);
    res.on('close', () => hanging?.delete(res));
    return;
  }
  if (out.lost !== undefined) out = { status: out.lost, body: `upstream error ${out.lost} (fake, after the method ran)` };
  const isJson = typeof out.body !== 'string';
  res.writeHead(out.status, { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain', ...out.headers });
  res.end(isJson ? JSON.stringify(out.body) : out.body);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Parse a Web API body the way Slack does: form fields (JSON-valued ones decoded), JSON, or multipart. */
export async function parseArgs(ct: string, raw: Buffer, query: URLSearchParams): Promise<{ args: Record<string, any>; formToken?: string }> {
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

export async function extractUploadBytes(ct: string, raw: Buffer): Promise<Buffer> {
  if (!ct.includes('multipart/form-data')) return raw;
  const fields = await multipartFields(ct, raw);
  const file = Object.values(fields).find((v): v is Buffer => Buffer.isBuffer(v));
  return file ?? Buffer.from(String(fields.body ?? fields.file ?? ''));
}

/** UTC offset in seconds for an IANA zone, as Slack's users.info `tz_offset`. */
export function tzOffsetSeconds(tz: string): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

export async function pollUntil(calls: SlackCall[], pred: (c: SlackCall[]) => boolean, timeoutMs: number): Promise<void> {
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
    const answered = c.status !== 200 ? `HTTP ${c.status}` : c.response?.ok ? 'ok' : `error=${c.response?.error}`;
    const result = c.lost === undefined ? answered : `${answered} (answer lost: ${c.lost})`;
    const hint = c.args.channel ? ` channel=${c.args.channel}` : '';
    const text = typeof c.args.text === 'string' ? ` text=${JSON.stringify(c.args.text.slice(0, 60))}` : '';
    return `  #${calls.length - Math.min(last, calls.length) + i} ${c.method} -> ${result}${hint}${text}`;
  });
  return `${calls.length} Slack API call(s), most recent last:\n${lines.join('\n')}`;
}
