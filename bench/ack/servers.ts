// What the ack benchmark runs in its own process: the fake Slack Web API, a response_url sink, the
// real opsdesk app on a real store, and a bare Bolt app doing the unavoidable minimum.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { asc, sql } from 'drizzle-orm';
import { pino } from 'pino';
import postgres from 'postgres';
import { startOpsdesk, type Opsdesk } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { openTicket } from '../../src/modules/tickets/tickets.service.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { openStore, rows, type Store } from '../../src/platform/db.js';
import type { Logger } from '../../src/platform/logger.js';
import { startSlackApp } from '../../src/slack/app.js';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack.js';
import { startResponseUrlSink, type ResponseUrlSink } from '../../test/support/slack-client.js';
import { configYaml, SIGNING_SECRET, SUPPORT, users, type SeededTicket } from './mix.js';

export interface Target {
  name: 'bare' | 'opsdesk';
  baseUrl: string;
  /** Handlers still running (acked, doing their work). */
  inFlight(): Promise<number>;
}

export interface Servers {
  fake: FakeSlack;
  sink: ResponseUrlSink;
  store: Store;
  storeLabel: string;
  opsdesk: Opsdesk;
  bare: App;
  targets: { bare: Target; opsdesk: Target };
  seeded: SeededTicket[];
  /** Warnings and errors opsdesk logged (nothing below warn is formatted, as with a silent logger). */
  logged: { count: number; first: string[] };
  /** Waits until neither app has handlers running and the outbox is empty. */
  settle(timeoutMs?: number): Promise<void>;
  /** Forgets what the fake Slack and the sink recorded (they keep every call). */
  forget(): void;
  close(): Promise<void>;
}

/** Bolt's logger interface, writing nothing. */
const quietBolt: BoltLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * opsdesk's logger: pino at level warn into memory. Info and debug calls are pino's no-ops, exactly
 * as with `silentLogger`; the rare warning or error is kept so the report can say something broke.
 */
function capturingLogger(into: Servers['logged']): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      into.count++;
      if (into.first.length < 5) into.first.push(chunk.toString('utf8').trim());
      done();
    },
  });
  return pino({ level: 'warn' }, sink);
}

/**
 * A fresh store: a new database on the Postgres server of BENCH_DATABASE_URL (default the local
 * server; dropped at close), or embedded PGlite in a temp dir with BENCH_STORE=pglite. The SPEC §7
 * target is for a production deployment, which runs on Postgres: PGlite executes every query on the
 * app's own event loop, so under 50 concurrent requests its acks queue behind other requests' work.
 */
async function openBenchStore(): Promise<{ store: Store; label: string; dispose: () => Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (process.env.BENCH_STORE === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-bench-'));
    const store = await openStore({ dataDir: dir });
    await store.migrate();
    return {
      store,
      label: `pglite (${dir})`,
      dispose: async () => {
        await store.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `opsdesk_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString() });
  await store.migrate();
  return {
    store,
    label: `postgres (${url.host}/${name}, pool 10)`,
    dispose: async () => {
      await store.close().catch(() => {});
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

export async function startServers(opts: { tickets: number }): Promise<Servers> {
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

async function start(opts: { tickets: number }, cleanups: (() => Promise<unknown>)[], undo: () => Promise<void>): Promise<Servers> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const sink = await startResponseUrlSink();
  cleanups.push(() => sink.close());
  const { store, label: storeLabel, dispose } = await openBenchStore();
  cleanups.push(dispose);
  const logged: Servers['logged'] = { count: 0, first: [] };
  const config = parseConfig(configYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined }, 'bench');

  const opsdesk = await startOpsdesk({
    config,
    store,
    logger: capturingLogger(logged),
    port: 0,
    slack: { botToken: fake.token, signingSecret: SIGNING_SECRET, apiUrl: fake.url },
    // Scheduled jobs have their own benchmarks; an hourly one firing inside one app's round would
    // skew that round only.
    scheduler: false,
  });
  cleanups.push(() => opsdesk.stop());

  // The bare app: ack, then one Web API call. Nothing else.
  let bareInFlight = 0;
  const bare = new App({
    signingSecret: SIGNING_SECRET,
    token: fake.token,
    botId: fake.botId,
    botUserId: fake.botUserId,
    clientOptions: { slackApiUrl: fake.url },
    logger: quietBolt,
  });
  bare.command('/ticket', async ({ ack, command, client }) => {
    bareInFlight++;
    try {
      await ack();
      await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: 'ok' });
    } finally {
      bareInFlight--;
    }
  });
  bare.action(/^ticket\./, async ({ ack, body, client }) => {
    bareInFlight++;
    try {
      await ack();
      await client.chat.postEphemeral({ channel: body.channel?.id ?? SUPPORT, user: body.user.id, text: 'ok' });
    } finally {
      bareInFlight--;
    }
  });
  const barePort = await startSlackApp(bare, 0);
  cleanups.push(() => bare.stop());

  const metric = async (name: string): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${opsdesk.port}/metrics`);
    const m = new RegExp(`^${name} (-?\\d+)$`, 'm').exec(await res.text());
    return m ? Number(m[1]) : -1;
  };
  const outboxPending = async () => metric('opsdesk_outbox_pending');

  // Seed tickets through the service (as the form would), and let the outbox post them, so the
  // buttons point at real rows with real messages.
  const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
  const categories = ['network', 'hardware', 'software', 'printer'];
  for (let i = 0; i < opts.tickets; i++) {
    await openTicket(
      opsdesk.ticketDeps,
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
  opsdesk.worker.kick();
  await waitUntil('the seeded tickets to be posted', async () => (await outboxPending()) === 0, 60_000);
  const seeded: SeededTicket[] = (
    await store.db.select({ id: tickets.id, key: tickets.key, version: tickets.version, slackTs: tickets.slackTs }).from(tickets).orderBy(asc(tickets.id))
  ).map((t) => ({ id: t.id, key: t.key, version: t.version, slackTs: t.slackTs ?? undefined }));

  const targets = {
    bare: { name: 'bare', baseUrl: `http://127.0.0.1:${barePort}`, inFlight: async () => bareInFlight },
    opsdesk: { name: 'opsdesk', baseUrl: `http://127.0.0.1:${opsdesk.port}`, inFlight: () => metric('opsdesk_requests_in_flight') },
  } satisfies Record<string, Target>;

  return {
    fake,
    sink,
    store,
    storeLabel,
    opsdesk,
    bare,
    targets,
    seeded,
    logged,
    async settle(timeoutMs = 30_000) {
      await waitUntil(
        'both apps to finish their work',
        async () => bareInFlight === 0 && (await targets.opsdesk.inFlight()) === 0 && (await outboxPending()) === 0,
        timeoutMs,
      );
    },
    forget() {
      fake.reset();
      sink.received.length = 0;
      sink.requests.length = 0;
    },
    close: undo,
  };
}

/** What opsdesk did after its acks, counted in its store: proof the mix does real work. */
export async function workDone(store: Store): Promise<Record<string, number>> {
  const [r] = await rows<Record<string, number>>(
    store.db,
    sql`select
          (select count(*)::int from audit_log where action = 'customer.phone.read' and outcome = 'ok') as phone_reads,
          (select count(*)::int from audit_log where outcome = 'refused') as refusals_audited,
          (select count(*)::int from ticket_events where kind = 'take') as takes_applied,
          (select count(*)::int from outbox where status = 'sent') as outbox_sent,
          (select count(*)::int from outbox where status = 'failed') as outbox_failed`,
  );
  return r ?? {};
}
