// Queries built once per database handle. Building a Drizzle query costs more CPU than running it
// on a warm connection; the hot read paths of a Slack click reuse the built query instead.
import type { Db } from './db.js';

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * The query `build` makes, prepared once for this handle and reused (a transaction is a different
 * handle and gets its own). `build` must use `sql.placeholder` for every value.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let queries = cache.get(db);
  if (!queries) {
    queries = new Map();
    cache.set(db, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (!query) {
    query = build(db);
    queries.set(name, query);
  }
  return query;
}
