// Exactly once when Slack's answer is lost. Every post carries its outbox id as message metadata;
// after an ambiguous failure (a timeout, a dropped connection, a 5xx: Slack may have posted) the
// worker looks for that id in the conversation before posting again — conversations.history for
// a channel post or a DM, conversations.replies for a thread reply, both with include_all_metadata
// (without it Slack leaves metadata out), over the window since the first attempt.
import type { WebClient } from '@slack/web-api';

export const OUTBOX_EVENT_TYPE = 'opsdesk_outbox';

/** The metadata every outbox post carries: `{ event_type: "opsdesk_outbox", event_payload: { id } }`. */
export function outboxMetadata(id: number): { event_type: string; event_payload: { id: number } } {
  return { event_type: OUTBOX_EVENT_TYPE, event_payload: { id } };
}

/**
 * How far before the first attempt the search starts: our clock and Slack's may disagree, and a
 * message's ts is when Slack took it, not when we asked.
 */
export const LOOKUP_MARGIN_MS = 2 * 60_000;
/** Slack recommends pages of at most 200 messages. */
const PAGE_SIZE = 200;
/** Beyond this many pages the search gives up (a very busy channel): the message is posted again. */
const MAX_PAGES = 5;

/** Where the message would be: a channel (or DM), or a thread in it. */
export interface LookupPlace {
  channel: string;
  threadTs?: string;
}

export type LookupResult = { found: true; ts: string } | { found: false; complete: boolean };

interface MessageLike {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** A Slack ts ("1764000000.123456") for a time. */
export function slackTs(at: Date): string {
  const ms = Math.max(0, at.getTime());
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

function isOurs(m: MessageLike, id: number): boolean {
  return m.metadata?.event_type === OUTBOX_EVENT_TYPE && Number(m.metadata.event_payload?.id) === id && typeof m.ts === 'string';
}

/**
 * Looks for the message carrying outbox id `id` posted since `since` (minus the margin). Throws
 * the Web API's error when a page cannot be read (the caller classifies it). `complete` is false
 * when the window had more pages than the search reads.
 */
export async function findPosted(client: WebClient, place: LookupPlace, id: number, since: Date): Promise<LookupResult> {
  const oldest = slackTs(new Date(since.getTime() - LOOKUP_MARGIN_MS));
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const common = { channel: place.channel, oldest, include_all_metadata: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
    const res = place.threadTs
      ? await client.conversations.replies({ ...common, ts: place.threadTs })
      : await client.conversations.history(common);
    const hit = (res.messages as MessageLike[] | undefined)?.find((m) => isOurs(m, id));
    if (hit) return { found: true, ts: hit.ts! };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) return { found: false, complete: true };
  }
  return { found: false, complete: false };
}
