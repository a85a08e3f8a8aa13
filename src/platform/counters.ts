import { sql } from 'drizzle-orm';
import { rows, type Db } from './db.js';

/**
 * Takes the next number of a per-year sequence. Run inside the transaction that uses it: the upsert
 * locks the counter row, so concurrent creates queue up and each gets its own number.
 */
export async function nextSeq(tx: Db, scope: string, year: number): Promise<number> {
  const [row] = await rows<{ last: number }>(
    tx,
    sql`insert into id_counters (scope, year, last) values (${scope}, ${year}, 1)
        on conflict (scope, year) do update set last = id_counters.last + 1
        returning last`,
  );
  return Number(row!.last);
}
