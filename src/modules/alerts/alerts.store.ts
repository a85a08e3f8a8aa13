// Drizzle queries of the alerts module; the first argument is the db or an open transaction.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rows, type Db } from '../../platform/db.js';
import { alertDeliveries, alertEpisodes, type AlertSource, type AlertStatus } from './alerts.table.js';

export type AlertEpisode = typeof alertEpisodes.$inferSelect;

/**
 * Serialises alert payloads with each other for the rest of the transaction. Correctness rests on
 * the unique keys below; the lock only keeps two payloads that share alerts from deadlocking (one
 * holding a fingerprint's key while the other holds the ticket counter).
 */
export async function lockIngest(tx: Db): Promise<void> {
  await rows(tx, sql`select pg_advisory_xact_lock(hashtext('opsdesk:alerts'))`);
}

/** The open episode of a fingerprint, locked for the transaction. */
export async function openEpisode(tx: Db, fingerprint: string): Promise<AlertEpisode | undefined> {
  const [row] = await tx
    .select()
    .from(alertEpisodes)
    .where(and(eq(alertEpisodes.fingerprint, fingerprint), isNull(alertEpisodes.endedAt)))
    .for('update');
  return row;
}

/**
 * Records a notification; false when (fingerprint, status, startsAt) was received before — a retry
 * or a resent group — and nothing more should happen. A concurrent identical insert waits for the
 * first one's transaction and then finds the key taken.
 */
export async function recordDelivery(tx: Db, d: { fingerprint: string; status: AlertStatus; startsAt: Date; source: AlertSource; receivedAt: Date }): Promise<number | undefined> {
  const [row] = await tx.insert(alertDeliveries).values(d).onConflictDoNothing().returning({ id: alertDeliveries.id });
  return row?.id;
}

export async function linkDelivery(tx: Db, deliveryId: number, episodeId: number): Promise<void> {
  await tx.update(alertDeliveries).set({ episodeId }).where(eq(alertDeliveries.id, deliveryId));
}

/**
 * Claims the fingerprint for a new episode; undefined when another transaction holds an open one
 * (the partial unique key on fingerprint where ended_at is null decides, not a prior read).
 */
export async function claimEpisode(
  tx: Db,
  e: Pick<AlertEpisode, 'fingerprint' | 'source' | 'alertName' | 'labels' | 'status' | 'startsAt' | 'previousTicketId' | 'createdAt' | 'updatedAt'>,
): Promise<AlertEpisode | undefined> {
  const [row] = await tx
    .insert(alertEpisodes)
    .values(e)
    .onConflictDoNothing({ target: alertEpisodes.fingerprint, where: sql`ended_at is null` })
    .returning();
  return row;
}

export async function updateEpisode(tx: Db, id: number, patch: Partial<Omit<AlertEpisode, 'id' | 'fingerprint'>>): Promise<void> {
  await tx.update(alertEpisodes).set(patch).where(eq(alertEpisodes.id, id));
}

/** Every episode of a fingerprint, oldest first (tests, and the history of an alert). */
export function episodesOf(db: Db, fingerprint: string): Promise<AlertEpisode[]> {
  return db.select().from(alertEpisodes).where(eq(alertEpisodes.fingerprint, fingerprint)).orderBy(alertEpisodes.id);
}

/** The episode that opened a ticket. */
export async function episodeOfTicket(db: Db, ticketId: number): Promise<AlertEpisode | undefined> {
  const [row] = await db.select().from(alertEpisodes).where(eq(alertEpisodes.ticketId, ticketId));
  return row;
}
