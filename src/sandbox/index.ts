// The sandbox (SPEC §2): the real app against the built-in local Slack, on the embedded store, with
// a page at /sandbox. The composition root hands in how to start the app and load the demo; this
// folder knows no module.
import { randomBytes } from 'node:crypto';
import type { CustomRoute } from '@slack/bolt';
import type { Config } from '../config/config.js';
import type { JobHost } from '../jobs/registry.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { UserLocales } from '../platform/user-locales.js';
import { SandboxClock, SlotRunner } from './clock.js';
import { interactions } from './interact.js';
import { LocalSlack } from './local-slack.js';
import { sandboxRoutes } from './routes.js';
import { Team, type SandboxUser } from './team.js';

export type { SandboxUser } from './team.js';

/** What the sandbox needs of the app it runs: the composition root builds it. */
export interface SandboxApp {
  port: number;
  services: JobHost;
  /** Waits until the outbox has sent what is due. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  config: Config;
  clock: Clock;
  slack: { botToken: string; signingSecret: string; apiUrl: string };
  host: string;
  port: number;
  routes: CustomRoute[];
}

export interface SandboxOptions {
  db: Db;
  logger: Logger;
  port: number;
  /** The sandbox team's opsdesk.yml (its channels and roles) and the people one can act as. */
  config: Config;
  users: SandboxUser[];
  /** The slash commands of the app's manifest. */
  commands: string[];
  /** Its message shortcuts (callback id and name). */
  shortcuts: Array<{ callbackId: string; name: string }>;
  startApp(o: StartAppOptions): Promise<SandboxApp>;
  /** Loads the demo data on the first start. */
  seed(): Promise<unknown>;
  /** The sandbox's start time for a test; default the wall clock (then sandbox time runs with it). */
  wall?: () => number;
  /** How often real time runs due slots (ms); 0 never (tests advance the clock themselves). */
  tickMs?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  local: LocalSlack;
  clock: SandboxClock;
  app: SandboxApp;
  advance(minutes: number): Promise<number>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const clock = new SandboxClock(0, opts.wall);
  const config = opts.config;
  const team = new Team(opts.users, config);
  const local = await LocalSlack.start({
    db: opts.db,
    logger: opts.logger,
    users: Object.fromEntries(team.users.map((u) => [u.id, { name: u.name, tz: u.tz, locale: u.locale === 'zh-CN' ? 'zh-CN' : 'en-US' }])),
    channels: team.channels.map((c) => c.id),
    now: () => clock.now().getTime(),
  });
  clock.offsetMs = (await local.store.getState<number>('clock.offset_ms')) ?? 0;

  let port = opts.port;
  const signingSecret = randomBytes(24).toString('hex');
  const act = interactions(local, { appUrl: () => `http://${HOST}:${port}`, signingSecret, now: () => clock.now().getTime(), team, commands: opts.commands });
  const run: { slots?: SlotRunner } = {};
  const advance = async (minutes: number) => {
    clock.offsetMs += minutes * 60_000;
    local.store.setState('clock.offset_ms', clock.offsetMs);
    const ran = await run.slots!.runDue(clock.now());
    local.store.setState('slots.last', run.slots!.last.toISOString());
    return ran;
  };
  const routes = sandboxRoutes(local, act, { clockNow: () => clock.now(), timezone: config.timezone, advance, shortcuts: opts.shortcuts }, team);
  const app = await opts.startApp({ config, clock, slack: { botToken: local.emulator.token, signingSecret, apiUrl: local.emulator.url }, host: HOST, port: opts.port, routes });
  port = app.port;

  const last = await local.store.getState<string>('slots.last');
  run.slots = new SlotRunner(app.services, clock, last ? new Date(last) : new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000), app.drain);
  if (!(await local.store.getState<boolean>('demo.seeded'))) {
    const locales = new UserLocales(opts.db, config.locale);
    for (const u of team.users) await locales.set(u.id, u.locale, clock.now());
    await opts.seed();
    await app.drain();
    local.store.setState('demo.seeded', true);
  }
  const tickMs = opts.tickMs ?? 15_000;
  const tick = tickMs > 0 ? setInterval(() => void run.slots!.runDue(clock.now()).then(() => local.store.setState('slots.last', run.slots!.last.toISOString())), tickMs) : undefined;
  tick?.unref();
  return {
    url: `http://localhost:${port}/sandbox`,
    port,
    local,
    clock,
    app,
    advance,
    async stop() {
      if (tick) clearInterval(tick);
      await run.slots?.stop();
      await app.stop();
      await local.close();
    },
  };
}
