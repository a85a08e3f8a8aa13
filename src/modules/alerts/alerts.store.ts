// Drizzle queries of the alerts module; the first argument is the db or an open transaction.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
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

/** The open episodes of many fingerprints, locked for the transaction, by fingerprint. */
export async function openEpisodes(tx: Db, fingerprints: readonly string[]): Promise<Map<string, AlertEpisode>> {
  const out = new Map<string, AlertEpisode>();
  if (fingerprints.length === 0) return out;
  const found = await tx
    .select()
    .from(alertEpisodes)
    .where(and(inArray(alertEpisodes.fingerprint, [...new Set(fingerprints)]), isNull(alertEpisodes.endedAt)))
    .orderBy(alertEpisodes.fingerprint)
    .for('update');
  for (const e of found) out.set(e.fingerprint, e);
  return out;
}

export type NewDelivery = { fingerprint: string; status: AlertStatus; startsAt: Date; source: AlertSource; receivedAt: Date };
/** The idempotency key of a delivery. */
export const deliveryKey = (d: Pick<NewDelivery, 'fingerprint' | 'status' | 'startsAt'>) => `${d.fingerprint}|${d.status}|${d.startsAt.toISOString()}`;

/**
 * Records notifications in one statement and returns the ids of those never received before, by
 * deliveryKey; a (fingerprint, status, startsAt) received before — a retry, a resent group — is
 * left out, and nothing more should happen for it. A concurrent identical insert waits for the
 * first one's transaction and then finds the key taken.
 */
export async function recordDeliveries(tx: Db, deliveries: readonly NewDelivery[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (deliveries.length === 0) return out;
  const inserted = await tx
    .insert(alertDeliveries)
    .values([...deliveries])
    .onConflictDoNothing()
    .returning({ id: alertDeliveries.id, fingerprint: alertDeliveries.fingerprint, status: alertDeliveries.status, startsAt: alertDeliveries.startsAt });
  for (const row of inserted) out.set(deliveryKey(row), row.id);
  return out;
}

/** Links deliveries to their episodes, in one statement. */
export async function linkDeliveries(tx: Db, links: readonly { deliveryId: number; episodeId: number }[]): Promise<void> {
  if (links.length === 0) return;
  const values = sql.join(links.map((l) => sql`(${l.deliveryId}::int, ${l.episodeId}::int)`), sql`, `);
  await tx.execute(sql`update alert_deliveries d set episode_id = v.episode_id from (values ${values}) as v(id, episode_id) where d.id = v.id`);
}

/** Records the tickets new episodes opened, in one statement. */
export async function setEpisodeTickets(tx: Db, links: readonly { episodeId: number; ticketId: number }[]): Promise<void> {
  if (links.length === 0) return;
  const values = sql.join(links.map((l) => sql`(${l.episodeId}::int, ${l.ticketId}::int)`), sql`, `);
  await tx.execute(sql`update alert_episodes e set ticket_id = v.ticket_id from (values ${values}) as v(id, ticket_id) where e.id = v.id`);
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
