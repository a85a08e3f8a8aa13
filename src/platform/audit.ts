import { sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { prepared } from './prepared.js';
import { auditLog } from './audit.table.js';

/** Writes one audit row: refusals and reads of full customer data (SPEC §4). */
export async function audit(
  db: Db,
  entry: { at: Date; actor: string; action: string; subject: string; outcome: 'ok' | 'refused'; detail?: Record<string, unknown> },
): Promise<void> {
  if (entry.detail) {
    await db.insert(auditLog).values({ ...entry, detail: entry.detail });
    return;
  }
  // The common case (no detail) runs a query built once.
  const query = prepared(db, 'audit_insert', (d) =>
    d
      .insert(auditLog)
      .values({ at: sql.placeholder('at'), actor: sql.placeholder('actor'), action: sql.placeholder('action'), subject: sql.placeholder('subject'), outcome: sql.placeholder('outcome') })
      .prepare('audit_insert'),
  );
  await query.execute(entry);
}
