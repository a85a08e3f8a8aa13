// How a failed Web API call is handled: wait Retry-After, give up for good, or retry with backoff —
// and whether Slack may have acted although we got no answer (then the next try looks first).
import { ErrorCode } from '@slack/web-api';

export interface CallFailure {
  error: string;
  /** HTTP 429 (or `ratelimited`): wait this long. */
  retryAfterS?: number;
  /** Slack refused for good (bad blocks, unknown channel): retrying cannot help. */
  permanent?: boolean;
  /** No answer, or one that does not tell: Slack may have performed the call. */
  ambiguous?: boolean;
}

/** Slack answers that will never succeed on retry: the row is marked failed and logged. */
const PERMANENT = new Set([
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'user_not_found',
  'cannot_dm_bot',
  'invalid_blocks_format',
  'too_many_attachments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
]);

/**
 * Slack's own word that the call may have been carried out: "It's possible some aspect of the
 * operation succeeded before the error was raised".
 */
const MAY_HAVE_ACTED = new Set(['internal_error', 'fatal_error']);

/** Connection errors that happen before a request reaches Slack: it cannot have acted. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** fetch's own refusals before any connection (a blocked port, a bad URL). */
const REFUSED_BY_FETCH = /^(bad port|invalid url|unsupported protocol)/i;

/** The code (or fetch's message) of an error that shows the request never left, if it is one. */
function neverSent(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && NEVER_SENT.has(e.code)) return e.code;
    if (depth > 0 && typeof e.message === 'string' && REFUSED_BY_FETCH.test(e.message)) return e.message;
  }
  return undefined;
}

/** Classifies an error thrown by a WebClient call (web-api 8: fetch, AbortSignal timeouts). */
export function classify(err: unknown): CallFailure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string; original?: unknown };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { error: 'ratelimited', retryAfterS: Math.max(1, e.retryAfter ?? 1) };
    case ErrorCode.HTTPError:
      if (e.statusCode === 429) return { error: 'ratelimited', retryAfterS: 1 };
      // A 5xx may come after Slack did the work (a gateway that gave up on a slow backend).
      return { error: `http ${e.statusCode}`, ambiguous: (e.statusCode ?? 0) >= 500 };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      if (error === 'ratelimited') return { error, retryAfterS: 1 };
      return { error, permanent: PERMANENT.has(error), ambiguous: MAY_HAVE_ACTED.has(error) };
    }
    case ErrorCode.RequestError: {
      // Timeouts, resets and sockets closed mid-answer may come after Slack acted; a refused or
      // unresolvable connection never reached it.
      const refused = neverSent(e.original);
      return { error: (e.message ?? 'request error').slice(0, 200), ambiguous: !refused };
    }
    default:
      // Anything else (an answer cut off while read): Slack may have acted.
      return { error: e.message?.slice(0, 200) ?? 'network error', ambiguous: true };
  }
}

/** Lookup errors that mean "cannot check here" (not a member, scope missing): post again rather than lose the message. */
export const CANNOT_LOOK = new Set(['not_in_channel', 'channel_not_found', 'missing_scope', 'thread_not_found', 'not_allowed_token_type', 'no_permission', 'invalid_cursor']);
