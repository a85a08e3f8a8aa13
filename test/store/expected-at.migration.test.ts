// Migration 0013: tickets opened before the expected time was required get their SLA resolution due
// time as the expected time, and expected_at becomes NOT NULL — on both stores.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, rows, type Db } from '../../src/platform/db.js';
import { storeName } from '../support/db.js';

const TAG = '0013_ticket_expected_at';

/** A copy of drizzle/ whose journal stops just before the migration under test. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string; idx: number }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** A fresh database on this test run's store, migrated with `folder`, and a way to migrate it further. */
async function freshDb(): Promise<{ db: Db; migrate: (folder: string) => Promise<void>; close: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const client = await PGlite.create(undefined, { extensions: { pg_trgm } });
    const db = drizzlePglite(client) as unknown as Db;
    return { db, migrate: (folder) => migratePglite(db as never, { migrationsFolder: folder }), close: () => client.close() };
  }
  const name = `opsdesk_m_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const db = drizzlePostgres(client) as unknown as Db;
  return {
    db,
    migrate: (folder) => migratePostgres(db as never, { migrationsFolder: folder }),
    async close() {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

describe(`migration ${TAG} (${storeName})`, () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('backfills the expected time of existing tickets with their resolution due time, keeps the recorded ones, and makes it required', async () => {
    const before = migrationsBefore(TAG);
    cleanup.push(() => rmSync(before, { recursive: true, force: true }));
    const store = await freshDb();
    cleanup.push(store.close);
    await store.migrate(before);

    await store.db.execute(sql`insert into customers (name, created_at) values ('Old customer', '2026-01-05T01:00:00Z')`);
    const insert = (key: string, expected: string | null) =>
      store.db.execute(sql`
        insert into tickets (key, customer_id, category, priority, title, state, created_by, response_due_at, resolution_due_at, expected_at, created_at, updated_at)
        values (${key}, (select id from customers limit 1), 'network', 'P3', ${key}, 'new', 'U0ALICE', '2026-01-05T03:00:00Z', '2026-01-06T01:00:00Z',
                ${expected}::timestamptz, '2026-01-05T01:00:00Z', '2026-01-05T01:00:00Z')`);
    await insert('OPS-2026-1', null);
    await insert('OPS-2026-2', '2026-01-05T10:00:00Z');

    await store.migrate(MIGRATIONS_FOLDER);
    const found = await rows<{ key: string; expected: string }>(store.db, sql`select key, to_char(expected_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as expected from tickets order by key`);
    expect(found).toEqual([
      { key: 'OPS-2026-1', expected: '2026-01-06T01:00' },
      { key: 'OPS-2026-2', expected: '2026-01-05T10:00' },
    ]);
    await expect(insert('OPS-2026-3', null)).rejects.toThrow(/expected_at|null/i);
  });
});
