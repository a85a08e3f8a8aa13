// What the ack benchmark starts: the fake Slack Web API and a response_url sink (in the benchmark's
// own process), a fresh database on the local Postgres server, and the two apps under test, each in
// its own process as a user runs it — opsdesk as `npm start` does (`tsx src/main.ts`, configured
// through the environment, logging at the default level to a file) and a bare Bolt app
// (bench/ack/bare.ts) the same way.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { outboxClient } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { openTicket, tickets } from '../../src/modules/tickets/index.js';
import { OutboxWorker } from '../../src/outbox/worker.js';
import { systemClock } from '../../src/platform/clock.js';
import { openStore, rows, type Store } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { buildServices, POSTED_HOOKS } from '../../src/services.js';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack.js';
import { startResponseUrlSink, type ResponseUrlSink } from '../../test/support/slack-client.js';
import { configYaml, SIGNING_SECRET, SUPPORT, users, type SeededTicket } from './mix.js';
import { freePort, startApp, type AppProcess } from './procs.js';

export interface Target {
  name: 'bare' | 'opsdesk';
  baseUrl: string;
  proc: AppProcess;
  /** Handlers still running (acked, doing their work). */
  inFlight(): Promise<number>;
}

export interface Servers {
  fake: FakeSlack;
  sink: ResponseUrlSink;
  /** The benchmark's own connection to the apps' database (seeding and counting). */
  store: Store;
  storeLabel: string;
  /** Where the apps' logs and the config file are. */
  dir: string;
  targets: { bare: Target; opsdesk: Target };
  seeded: SeededTicket[];
  /** Waits until neither app has handlers running. */
  settle(timeoutMs?: number): Promise<void>;
  /** Forgets what the fake Slack and the sink recorded (they keep every call). */
  forget(): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  tickets: number;
  /** When set, both apps load bench/tools/profile-hook.mjs and write CPU profiles here on SIGUSR2. */
  profileDir?: string;
}

/** A fresh database on the Postgres server of BENCH_DATABASE_URL (default the local one), dropped at close. */
async function createBenchDatabase(): Promise<{ url: string; label: string; drop: () => Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `opsdesk_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: `postgres ${url.host}/${name}`,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startServers(opts: ServerOptions): Promise<Servers> {
  // Undone in reverse order at close, or at once when starting fails half-way.
  const cleanups: (() => Promise<unknown>)[] = [];
  const undo = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    return await start(opts, cleanups, undo);
  } catch (err) {
    await undo();
    throw err;
  }
}

async function start(opts: ServerOptions, cleanups: (() => Promise<unknown>)[], undo: () => Promise<void>): Promise<Servers> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-bench-ack-'));
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const sink = await startResponseUrlSink();
  cleanups.push(() => sink.close());
  const database = await createBenchDatabase();
  cleanups.push(database.drop);
  const store = await openStore({ databaseUrl: database.url, poolSize: 2 });
  cleanups.push(() => store.close());
  await store.migrate();

  // Seed tickets through the service (as the form would), before the apps start, so the buttons
  // point at real rows.
  const configFile = join(dir, 'opsdesk.yml');
  writeFileSync(configFile, configYaml);
  const config = parseConfig(configYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined }, configFile);
  const services = buildServices({ db: store.db, config, clock: systemClock, logger: silentLogger, queued: () => {} });
  const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
  const categories = ['network', 'hardware', 'software', 'printer'];
  for (let i = 0; i < opts.tickets; i++) {
    await openTicket(
      services.tickets,
      {
        newCustomerName: `Customer ${i % 25}`,
        site: `Site ${i % 7}`,
        callerName: `Caller ${i}`,
        callerPhone: `138${String(10_000_000 + i).slice(-8)}`,
        product: 'POS terminal',
        category: categories[i % categories.length],
        priority: priorities[i % priorities.length],
        title: `Seeded ticket ${i}`,
        description: 'The till in lane 3 does not print receipts.',
      },
      i % 3 === 0 ? users.dora.id : users.sam.id,
      { requestKey: `bench:${i}`, origin: { channel: SUPPORT } },
    );
  }
  // What the outbox delivers within a few seconds (it paces itself per channel); the app's own worker
  // delivers the rest in the background, a few messages a second.
  const seeder = new OutboxWorker({ db: store.db, client: outboxClient(fake.token, fake.url), clock: systemClock, logger: silentLogger, postedHooks: POSTED_HOOKS });
  await seeder.drain(8_000);
  const seeded: SeededTicket[] = (
    await store.db.select({ id: tickets.id, key: tickets.key, version: tickets.version, slackTs: tickets.slackTs }).from(tickets).orderBy(asc(tickets.id))
  ).map((t) => ({ id: t.id, key: t.key, version: t.version, slackTs: t.slackTs ?? undefined }));

  // BENCH_NODE_OPTIONS (e.g. --trace-gc) reaches both apps; so does the profile hook with BENCH_CPU_PROFILE.
  const nodeOptions = [process.env.BENCH_NODE_OPTIONS ?? '', opts.profileDir ? `--import=${pathToFileURL(join(import.meta.dirname, '../tools/profile-hook.mjs')).href}` : ''].join(' ').trim();
  const profileEnv: Record<string, string> = opts.profileDir ? { CPU_PROFILE_DIR: join(opts.profileDir, 'raw'), CPU_PROFILE_HEAP: process.env.BENCH_HEAP_PROFILE === '1' ? '1' : '' } : {};
  const slackEnv = { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.url, ...profileEnv, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };

  const opsPort = await freePort();
  const ops = await startApp({
    name: 'opsdesk',
    script: 'src/main.ts',
    // BENCH_OPSDESK_DIR: start opsdesk from another checkout (an A/B run); the database, the fake
    // Slack and the seed are this checkout's.
    cwd: process.env.BENCH_OPSDESK_DIR || undefined,
    env: { ...slackEnv, DATABASE_URL: database.url, OPSDESK_CONFIG: configFile, PORT: String(opsPort), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
    logFile: join(dir, 'opsdesk.log'),
    readyUrl: `http://127.0.0.1:${opsPort}/healthz`,
  });
  cleanups.push(() => ops.stop());

  const barePort = await freePort();
  const bare = await startApp({
    name: 'bare Bolt app',
    script: 'bench/ack/bare.ts',
    env: { ...slackEnv, PORT: String(barePort), BARE_BOT_ID: fake.botId, BARE_BOT_USER_ID: fake.botUserId },
    logFile: join(dir, 'bare.log'),
    readyUrl: `http://127.0.0.1:${barePort}/inflight`,
  });
  cleanups.push(() => bare.stop());

  const opsInFlight = async (): Promise<number> => {
    const text = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
    const m = /^opsdesk_requests_in_flight (-?\d+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  };
  const targets = {
    bare: { name: 'bare', baseUrl: `http://127.0.0.1:${barePort}`, proc: bare, inFlight: async () => Number(await fetch(`http://127.0.0.1:${barePort}/inflight`).then((r) => r.text())) },
    opsdesk: { name: 'opsdesk', baseUrl: `http://127.0.0.1:${opsPort}`, proc: ops, inFlight: opsInFlight },
  } satisfies Record<string, Target>;

  return {
    fake,
    sink,
    store,
    storeLabel: database.label,
    dir,
    targets,
    seeded,
    async settle(timeoutMs = 30_000) {
      await waitUntil('both apps to finish their work', async () => (await targets.bare.inFlight()) === 0 && (await targets.opsdesk.inFlight()) === 0, timeoutMs);
    },
    forget() {
      fake.reset();
      sink.received.length = 0;
      sink.requests.length = 0;
    },
    close: undo,
  };
}

/** What opsdesk did after its acks, counted in its store: proof the requests did real work. */
export async function workDone(store: Store): Promise<Record<string, number>> {
  const [r] = await rows<Record<string, number>>(
    store.db,
    sql`select
          (select count(*)::int from audit_log where action = 'customer.phone.read' and outcome = 'ok') as phone_reads,
          (select count(*)::int from audit_log where outcome = 'refused') as refusals_audited,
          (select count(*)::int from ticket_events where kind = 'take') as takes_applied,
          (select count(*)::int from outbox where status = 'sent') as outbox_sent,
          (select count(*)::int from outbox where status = 'pending') as outbox_pending,
          (select count(*)::int from outbox where status = 'failed') as outbox_failed`,
  );
  return r ?? {};
}

/** Warnings and worse in a pino log file (level ≥ 40): how many, and the first few lines. */
export function logProblems(file: string): { count: number; first: string[] } {
  const out = { count: 0, first: [] as string[] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /"level":(\d+)/.exec(line);
    if (m && Number(m[1]) >= 40) {
      out.count++;
      if (out.first.length < 5) out.first.push(line);
    }
  }
  return out;
}
