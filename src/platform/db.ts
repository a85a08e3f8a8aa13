import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
/** A database handle or an open transaction: query functions take either as their first argument. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>, any>;

/** The store the app runs on, whichever driver is behind it. */
export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies the committed migrations in drizzle/ (safe with several replicas starting at once). */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Any two numbers: the advisory lock migrations take on a shared server. */
const MIGRATION_LOCK = 7_416_100;

/** Opens the store: postgres.js when a URL is given, else PGlite in `dataDir` ('memory://' for tests). */
export async function openStore(opts: { databaseUrl?: string; dataDir?: string; poolSize?: number }): Promise<Store> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir ?? './data');
}

async function openPglite(dataDir: string): Promise<Store> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(inMemory ? undefined : dataDir, { extensions: { pg_trgm } });
  const db = drizzlePglite(client) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: () => client.query('select 1').then(() => true, () => false),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres(client) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // One connection holds the lock for the whole run, so replicas starting together migrate once.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(single), { migrationsFolder: MIGRATIONS_FOLDER });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    ping: () => client`select 1`.then(() => true, () => false),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Runs a raw query and returns its rows. The one place that knows the drivers differ here:
 * PGlite answers `{ rows }`, postgres.js answers the row array itself.
 */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * Streams a query's rows in pages through a server-side cursor (DECLARE … FETCH) in one read-only,
 * repeatable-read transaction: one query, one consistent snapshot, at most `pageSize` rows in memory.
 * Works the same on PGlite and postgres.js (both bind the query's parameters into DECLARE).
 */
export async function forEachPage<T>(db: Db, query: SQL, pageSize: number, onPage: (page: T[]) => Promise<void> | void): Promise<number> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`declare opsdesk_export no scroll cursor for ${query}`);
      let total = 0;
      for (;;) {
        const page = await rows<T>(tx, sql.raw(`fetch forward ${pageSize} from opsdesk_export`));
        if (page.length > 0) await onPage(page);
        total += page.length;
        if (page.length < pageSize) break;
      }
      await tx.execute(sql`close opsdesk_export`);
      return total;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
