// A fresh, migrated store per test file: embedded PGlite in memory by default, or a new database on
// the server named by TEST_DATABASE_URL (dropped again at the end).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openStore, type Store } from '../../src/platform/db.js';

export const usingPostgres = !!process.env.TEST_DATABASE_URL;
export const storeName = usingPostgres ? 'postgres' : 'pglite';

export interface TestStore extends Store {
  /** The connection string of the fresh database (Postgres only), for a second process or client. */
  url?: string;
  dispose(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const store = await openStore({ dataDir: 'memory://' });
    await store.migrate();
    return { ...store, dispose: () => store.close() };
  }
  const name = `opsdesk_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), poolSize: 5 });
  await store.migrate();
  return {
    ...store,
    url: url.toString(),
    async dispose() {
      await store.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
