// The whole app over HTTP against the fake Slack Web API, with an injected clock.
import { parseConfig, type Config } from '../../src/config/config.js';
import { startOpsdesk, type Opsdesk } from '../../src/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import { silentLogger } from '../../src/platform/logger.js';
import { rows } from '../../src/platform/db.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openTestStore, type TestStore } from './db.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { SlackRequester, startResponseUrlSink, type ResponseUrlSink } from './slack-client.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const SUPPORT = 'C0SUPPORT';
export const ESCALATION = 'C0ESCALATE';
export const DISPATCH = 'C0DISPATCH';
export const ONCALL = 'C0ONCALL';
export const REVIEW = 'C0REVIEW';
export const PATROL = 'C0PATROL';
export const users = {
  alice: { id: 'U0ALICE', name: 'alice' }, // engineer
  bob: { id: 'U0BOB', name: 'bob' }, // engineer
  sam: { id: 'U0SAM', name: 'sam' }, // supervisor
  dora: { id: 'U0DORA', name: 'dora' }, // dispatcher
  olga: { id: 'U0OLGA', name: 'olga' }, // not on the team
};

/** The test team's opsdesk.yml: every channel, a supervisor, a dispatcher and the engineers. */
export const teamConfigYaml = (extraEngineers: string[] = []) => `
timezone: Asia/Shanghai
locale: en
channels:
  support: ${SUPPORT}
  escalation: ${ESCALATION}
  dispatch: ${DISPATCH}
  oncall: ${ONCALL}
  review: ${REVIEW}
  patrol: ${PATROL}
roles:
  supervisors: [${users.sam.id}]
  dispatchers: [${users.dora.id}]
  engineers: [${[users.alice.id, users.bob.id, ...extraEngineers].join(', ')}]
`;

export const baseConfigYaml = teamConfigYaml();

export interface Harness {
  opsdesk: Opsdesk;
  store: TestStore;
  slack: FakeSlack;
  sink: ResponseUrlSink;
  requester: SlackRequester;
  clock: ManualClock;
  config: Config;
  /** Waits until every outbox row due by the injected clock is delivered (or failed). */
  deliver(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** opsdesk.yml of the team under test (default: `baseConfigYaml`). */
  yaml?: string;
  /** The injected clock's start. */
  now?: string;
  /** ALERTS_TOKEN of the app (unset: the /alerts/* endpoints answer 404). */
  alertsToken?: string;
}

export interface UseHarnessOptions extends HarnessOptions {
  /** The clock is set back to this before each test. */
  eachTestAt?: string | Date;
  /** Runs once after the harness started, before the file's tests (seed data). */
  setup?: (h: Harness) => Promise<unknown>;
}

/**
 * A test file's whole bench in one line: the store, the fake Slack, the app and the clock start
 * before the file's tests and stop after them; with `eachTestAt` the clock is set back before each
 * test; `setup` runs once after start (seed data). The returned object reads through to the running
 * harness, so it can be used in every test as `h.requester`, `h.clock`, …
 */
export function useHarness(opts: UseHarnessOptions = {}): Harness {
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness(opts);
    await opts.setup?.(running);
  });
  afterAll(async () => running?.close());
  if (opts.eachTestAt) beforeEach(() => running!.clock.set(opts.eachTestAt!));
  return new Proxy({} as Harness, {
    get(_target, key) {
      if (!running) throw new Error('the harness is used before it started (use it inside a test or a hook)');
      const value = Reflect.get(running, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(running) : value;
    },
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const slack = await startFakeSlack();
  const sink = await startResponseUrlSink();
  const store = await openTestStore();
  const clock = new ManualClock(opts.now ?? '2026-11-25T02:00:00Z');
  const config = parseConfig(opts.yaml ?? baseConfigYaml, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined });
  const opsdesk = await startOpsdesk({
    config,
    store,
    logger: silentLogger,
    port: 0,
    clock,
    outboxPollMs: 25,
    scheduler: false,
    alertsToken: opts.alertsToken,
    slack: { botToken: slack.token, signingSecret: SIGNING_SECRET, apiUrl: slack.url },
  });
  const requester = new SlackRequester({ baseUrl: `http://127.0.0.1:${opsdesk.port}`, signingSecret: SIGNING_SECRET, responseUrl: sink.url });
  return {
    opsdesk,
    store,
    slack,
    sink,
    requester,
    clock,
    config,
    async deliver(timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await opsdesk.idle();
        await opsdesk.worker.drain();
        const [row] = await rows<{ n: number }>(
          store.db,
          sql`select count(*)::int as n from outbox where status = 'pending' and available_at <= ${clock.now().toISOString()}::timestamptz`,
        );
        if (row!.n === 0) return;
        if (Date.now() > until) {
          const stuck = await rows(store.db, sql`select id, kind, status, target_key, message_key, dedupe_key, available_at, lease_until, attempts, last_error from outbox where status <> 'sent'`);
          throw new Error(`outbox still has ${row!.n} due message(s) after ${timeoutMs} ms: ${JSON.stringify(stuck)}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      await opsdesk.stop();
      await store.dispose();
      await slack.close();
      await sink.close();
    },
  };
}
