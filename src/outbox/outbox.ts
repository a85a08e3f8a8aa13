import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { outbox, type OutboxPayload } from './outbox.table.js';

/** A message to queue, in the transaction of the change that causes it. */
export type OutboxMessage =
  | { kind: 'post'; channel: string; messageKey?: string; dedupeKey?: string; payload: OutboxPayload }
  | { kind: 'reply'; targetKey: string; dedupeKey?: string; payload: OutboxPayload }
  | { kind: 'update'; targetKey: string; payload: OutboxPayload }
  | { kind: 'dm'; userId: string; dedupeKey?: string; payload: OutboxPayload };

/**
 * Queues messages. Call it with the transaction that makes the change, so the change and its
 * messages commit or vanish together. A message whose `dedupeKey` was queued before is skipped,
 * and a newer `update` of a message supersedes older ones not yet sent (only the latest matters).
 * Returns how many rows were queued.
 */
export async function enqueue(tx: Db, now: Date, messages: OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  // Only the latest update of a message matters: older ones not yet sent (nor being sent) are dropped.
  const updated = [...new Set(messages.filter((m) => m.kind === 'update').map((m) => (m as { targetKey: string }).targetKey))];
  if (updated.length > 0) {
    await tx
      .update(outbox)
      .set({ status: 'superseded', deliveredAt: now })
      .where(and(inArray(outbox.targetKey, updated), eq(outbox.kind, 'update'), eq(outbox.status, 'pending'), sql`${outbox.leaseUntil} is null`));
  }
  // Within one call, the last update of a message wins too.
  const lastUpdate = new Map<string, OutboxMessage>();
  for (const m of messages) if (m.kind === 'update') lastUpdate.set(m.targetKey, m);
  const parentChannels = await parentChannelsOf(tx, messages);
  const rows = messages
    .filter((m) => m.kind !== 'update' || lastUpdate.get(m.targetKey) === m)
    .map((m) => ({
      createdAt: now,
      availableAt: now,
      kind: m.kind,
      channel: m.kind === 'post' ? m.channel : null,
      userId: m.kind === 'dm' ? m.userId : null,
      messageKey: m.kind === 'post' ? (m.messageKey ?? null) : null,
      targetKey: m.kind === 'reply' || m.kind === 'update' ? m.targetKey : null,
      dedupeKey: m.kind === 'update' ? null : (m.dedupeKey ?? null),
      payload: m.payload,
      lane: m.kind === 'post' ? m.channel : m.kind === 'dm' ? m.userId : (parentChannels.get(m.targetKey) ?? `key:${m.targetKey}`),
    }));
  const inserted = await tx.insert(outbox).values(rows).onConflictDoNothing().returning({ id: outbox.id });
  return inserted.length;
}

/**
 * The channels of the posts that replies and updates belong to (their lane: Slack's per-channel
 * limit counts them there), from this call or from the table.
 */
async function parentChannelsOf(tx: Db, messages: OutboxMessage[]): Promise<Map<string, string>> {
  const channels = new Map<string, string>();
  for (const m of messages) if (m.kind === 'post' && m.messageKey) channels.set(m.messageKey, m.channel);
  const missing = [...new Set(messages.flatMap((m) => (m.kind === 'reply' || m.kind === 'update') && !channels.has(m.targetKey) ? [m.targetKey] : []))];
  if (missing.length > 0) {
    const found = await tx
      .select({ key: outbox.messageKey, channel: outbox.channel })
      .from(outbox)
      .where(and(eq(outbox.kind, 'post'), inArray(outbox.messageKey, missing)));
    for (const row of found) if (row.key && row.channel) channels.set(row.key, row.channel);
  }
  return channels;
}

/** Where a keyed post landed, once delivered. */
export async function postedLocation(db: Db, messageKey: string): Promise<{ channel: string; ts: string } | undefined> {
  const [row] = await db
    .select({ channel: outbox.deliveredChannel, ts: outbox.ts })
    .from(outbox)
    .where(and(eq(outbox.messageKey, messageKey), eq(outbox.kind, 'post'), eq(outbox.status, 'sent')));
  return row?.channel && row.ts ? { channel: row.channel, ts: row.ts } : undefined;
}

/** The undelivered outbox for /metrics: rows by status (pending, failed) and the oldest pending row's age. */
export async function outboxBacklog(db: Db, now: Date): Promise<{ pending: number; failed: number; oldestPendingSeconds: number }> {
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${outbox.status} = 'pending')::int`,
      failed: sql<number>`count(*) filter (where ${outbox.status} = 'failed')::int`,
      oldest: sql<string | null>`min(${outbox.createdAt}) filter (where ${outbox.status} = 'pending')`,
    })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'failed']));
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : undefined;
  return { pending: row?.pending ?? 0, failed: row?.failed ?? 0, oldestPendingSeconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest) / 1000) };
}
