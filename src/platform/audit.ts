import type { Db } from './db.js';
import { auditLog } from './audit.table.js';

/** Writes one audit row: refusals and reads of full customer data (SPEC §4). */
export async function audit(
  db: Db,
  entry: { at: Date; actor: string; action: string; subject: string; outcome: 'ok' | 'refused'; detail?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, detail: entry.detail ?? null });
}
