// The fake Slack's reading side and its per-channel rate limit, split from fake-slack.ts.
//
// conversations.history and conversations.replies answer the way Slack documents them:
// - history: the channel's top-level messages (thread replies only when broadcast), newest first;
//   replies: the thread's parent first (on the first page), then its replies, oldest first;
// - `oldest`/`latest` are exclusive unless `inclusive`; `limit` pages (history: 100 by default, at
//   most 999; replies: 1000), `has_more` and `response_metadata.next_cursor` lead to the next page;
// - message `metadata` only with `include_all_metadata`.
// The per-channel limit is Slack's chat.postMessage special tier: about one message per second per
// channel with a short burst, HTTP 429 with Retry-After beyond it.
import { apiError, ok, truthy } from './wire.js';

export interface ThreadedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: any;
}

export interface ReadDeps<M extends ThreadedMessage> {
  messages: Map<string, M>;
  isKnownChannel(channel: unknown): channel is string;
  /** The message as Slack returns it, without metadata. */
  json(m: M): Record<string, any>;
}

/** A Slack ts ("1764000000.000123") as whole microseconds, or undefined when it is not one. */
export function tsMicros(ts: unknown): number | undefined {
  const s = typeof ts === 'number' ? String(ts) : ts;
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{1,12})(?:\.(\d{1,6})\d*)?$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

const encodeCursor = (ts: string) => Buffer.from(`next_ts:${tsMicros(ts)}`).toString('base64');
function decodeCursor(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string') return undefined;
  const m = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

type Range = { oldest: number; latest: number; inclusive: boolean };

function range(a: Record<string, any>): Range | { error: string } {
  const oldest = a.oldest === undefined || a.oldest === '' ? 0 : tsMicros(a.oldest);
  if (oldest === undefined) return { error: 'invalid_ts_oldest' };
  const latest = a.latest === undefined || a.latest === '' ? Number.MAX_SAFE_INTEGER : tsMicros(a.latest);
  if (latest === undefined) return { error: 'invalid_ts_latest' };
  return { oldest, latest, inclusive: truthy(a.inclusive) };
}

function inRange(ts: string, r: Range): boolean {
  const t = tsMicros(ts)!;
  return r.inclusive ? t >= r.oldest && t <= r.latest : t > r.oldest && t < r.latest;
}

function limitOf(a: Record<string, any>, byDefault: number, max: number): number {
  const n = Number(a.limit);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : byDefault;
}

function page<M extends ThreadedMessage>(list: M[], limit: number, render: (m: M) => Record<string, any>) {
  const more = list.length > limit;
  return {
    messages: list.slice(0, limit).map(render),
    has_more: more,
    ...(more ? { response_metadata: { next_cursor: encodeCursor(list[limit]!.ts) } } : {}),
  };
}

export function readMethods<M extends ThreadedMessage>(deps: ReadDeps<M>) {
  const thread = (channel: string, parentTs: string) =>
    [...deps.messages.values()].filter((m) => m.channel === channel && m.thread_ts === parentTs && m.ts !== parentTs);
  const byTs = (a: M, b: M) => tsMicros(a.ts)! - tsMicros(b.ts)!;

  function render(m: M, withMetadata: boolean): Record<string, any> {
    const replies = m.thread_ts && m.thread_ts !== m.ts ? [] : thread(m.channel, m.ts).sort(byTs);
    return {
      ...deps.json(m),
      ...(replies.length ? { thread_ts: m.ts, reply_count: replies.length, latest_reply: replies.at(-1)!.ts } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  return {
    'conversations.history'(a: Record<string, any>) {
      if (!deps.isKnownChannel(a.channel)) return apiError('channel_not_found');
      const r = range(a);
      if ('error' in r) return apiError(r.error);
      let list = [...deps.messages.values()]
        .filter((m) => m.channel === a.channel && (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast) && inRange(m.ts, r))
        .sort((x, y) => byTs(y, x));
      if (a.cursor !== undefined && a.cursor !== '') {
        const from = decodeCursor(a.cursor);
        if (from === undefined) return apiError('invalid_cursor');
        list = list.filter((m) => tsMicros(m.ts)! <= from);
      }
      const withMetadata = truthy(a.include_all_metadata);
      return ok({ ...page(list, limitOf(a, 100, 999), (m) => render(m, withMetadata)), pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 });
    },
    'conversations.replies'(a: Record<string, any>) {
      if (!deps.isKnownChannel(a.channel)) return apiError('channel_not_found');
      if (tsMicros(a.ts) === undefined) return apiError('invalid_arguments');
      const asked = [...deps.messages.values()].find((m) => m.channel === a.channel && tsMicros(m.ts) === tsMicros(a.ts));
      if (!asked) return apiError('thread_not_found');
      const parent = deps.messages.get(`${a.channel}/${asked.thread_ts ?? asked.ts}`) ?? asked;
      const r = range(a);
      if ('error' in r) return apiError(r.error);
      const replies = thread(parent.channel, parent.ts).filter((m) => inRange(m.ts, r)).sort(byTs);
      let list: M[];
      if (a.cursor !== undefined && a.cursor !== '') {
        const from = decodeCursor(a.cursor);
        if (from === undefined) return apiError('invalid_cursor');
        list = replies.filter((m) => tsMicros(m.ts)! >= from); // continuation pages leave the parent out
      } else {
        list = [parent, ...replies];
      }
      const withMetadata = truthy(a.include_all_metadata);
      return ok(page(list, limitOf(a, 1000, 1000), (m) => ({ ...render(m, withMetadata), ...(m === parent ? {} : { thread_ts: parent.ts, parent_user_id: deps.json(parent).user }) })));
    },
  };
}

export interface ChannelLimit {
  /** Messages per second a channel takes in the long run (Slack: about 1). */
  perSecond: number;
  /** Messages a quiet channel takes at once. */
  burst: number;
}

/** Slack's per-channel posting limit: a token bucket per channel; the answer beyond it is Retry-After in whole seconds. */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly limit: ChannelLimit,
    private readonly now: () => number,
  ) {}

  /** Takes a message slot for the channel: undefined when allowed, else the seconds to wait. */
  take(channel: string): number | undefined {
    const now = this.now();
    const b = this.buckets.get(channel) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }
}
