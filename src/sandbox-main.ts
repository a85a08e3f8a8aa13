// Composition root of the sandbox (`npm start` without SLACK_BOT_TOKEN): the real app, started like
// main.ts starts it, against the sandbox's local Slack, as the demo's team (opsdesk.demo.yml and
// DEMO_TEAM, plus an admin), with the whole demo loaded on first start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { startOpsdesk, type Opsdesk } from './app.js';
import { DEMO_TEAM, seedDemo } from './cli/seed-demo.js';
import { parseConfig, type Config } from './config/config.js';
import type { Env } from './config/env.js';
import { openStore, type Store } from './platform/db.js';
import type { Logger } from './platform/logger.js';
import { lockDataDir, StoreBusyError } from './platform/store-lock.js';
import { startSandbox, type Sandbox, type SandboxUser } from './sandbox/index.js';

const DEMO_CONFIG = fileURLToPath(new URL('../opsdesk.demo.yml', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../manifest.yml', import.meta.url));

/** The slash commands and message shortcuts manifest.yml gives the app, as Slack's client knows them. */
function fromManifest(): { commands: string[]; shortcuts: Array<{ callbackId: string; name: string }> } {
  type Manifest = { features?: { slash_commands?: Array<{ command?: string }>; shortcuts?: Array<{ type?: string; name?: string; callback_id?: string }> } };
  const manifest = parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  return {
    commands: (manifest.features?.slash_commands ?? []).map((c) => String(c.command ?? '').toLowerCase()).filter(Boolean),
    shortcuts: (manifest.features?.shortcuts ?? []).filter((x) => x.type === 'message' && x.callback_id).map((x) => ({ callbackId: x.callback_id!, name: x.name ?? x.callback_id! })),
  };
}
/** The demo team has no admin; the sandbox adds one so every role can be tried. */
const ADMIN = { id: 'U0DEMOADM1', name: { en: 'Sun Hao', 'zh-CN': '孙浩' } };
/** Who reads opsdesk in Chinese: the page and their messages follow it. */
const CHINESE = new Set(['U0DEMOENG2', 'U0DEMOENG3']);
const ORDER = ['engineer', 'supervisor', 'dispatcher'];

export function sandboxTeam(opts: { publicUrl: string; locale?: 'en' | 'zh-CN'; tz?: string }): { config: Config; users: SandboxUser[] } {
  const parsed = parseConfig(readFileSync(DEMO_CONFIG, 'utf8'), { publicUrl: opts.publicUrl, tzDefault: opts.tz, localeDefault: opts.locale ?? 'en' }, 'opsdesk.demo.yml');
  const config: Config = { ...parsed, roles: { ...parsed.roles, admins: [ADMIN.id] } };
  const people = [...DEMO_TEAM].sort((a, b) => ORDER.indexOf(a.role) - ORDER.indexOf(b.role));
  const users: SandboxUser[] = [
    ...people.map((p) => ({ id: p.id, name: `${p.name.en} ${p.name['zh-CN']}`, role: p.role, locale: CHINESE.has(p.id) ? ('zh-CN' as const) : ('en' as const), tz: config.timezone })),
    { id: ADMIN.id, name: `${ADMIN.name.en} ${ADMIN.name['zh-CN']}`, role: 'admin', locale: 'en', tz: config.timezone },
  ];
  return { config, users };
}

export interface SandboxAppOptions {
  store: Store;
  logger: Logger;
  port: number;
  publicUrl?: string;
  locale?: 'en' | 'zh-CN';
  tz?: string;
  wall?: () => number;
  tickMs?: number;
  outboxPollMs?: number;
}

export async function startSandboxApp(o: SandboxAppOptions): Promise<Sandbox & { opsdesk: Opsdesk }> {
  let opsdesk: Opsdesk | undefined;
  const { config, users } = sandboxTeam({ publicUrl: o.publicUrl ?? `http://localhost:${o.port}`, locale: o.locale, tz: o.tz });
  const sandbox = await startSandbox({
    db: o.store.db,
    logger: o.logger,
    port: o.port,
    config,
    users,
    ...fromManifest(),
    wall: o.wall,
    tickMs: o.tickMs,
    async startApp(a) {
      const started = await startOpsdesk({ config: a.config, store: o.store, logger: o.logger, port: a.port, host: a.host, routes: a.routes, clock: a.clock, scheduler: false, outboxPollMs: o.outboxPollMs, slack: a.slack });
      opsdesk = started;
      return {
        port: started.port,
        services: started.services,
        drain: async () => {
          await started.idle();
          await started.worker.drain();
        },
        stop: () => started.stop(),
      };
    },
    seed: () => seedDemo({ db: o.store.db, config, logger: o.logger, now: opsdesk!.services.clock.now() }),
  });
  return Object.assign(sandbox, { opsdesk: opsdesk! });
}

/**
 * `npm start` without SLACK_BOT_TOKEN (and not in production): the sandbox on its own embedded store
 * under DATA_DIR/sandbox (or DATABASE_URL), so a real workspace's data later stays apart from it.
 */
export async function runSandbox(env: Env, logger: Logger, die: (message: string) => never): Promise<void> {
  const dataDir = join(env.dataDir, 'sandbox');
  let release = () => {};
  if (!env.databaseUrl) {
    try {
      release = lockDataDir(dataDir, 'the opsdesk sandbox');
    } catch (err) {
      if (err instanceof StoreBusyError) die(`${err.message}. Stop it first.`);
      throw err;
    }
  }
  const store = await openStore({ databaseUrl: env.databaseUrl, dataDir });
  await store.migrate();
  const sandbox = await startSandboxApp({ store, logger, port: env.port, publicUrl: env.publicUrl, locale: env.localeDefault, tz: env.tzDefault });
  process.stdout.write(
    `opsdesk sandbox: open ${sandbox.url} — the real app in a local Slack on this machine (nothing is sent to Slack)\n` +
      'To connect a real workspace: create the Slack app from manifest.yml, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (README "Install the Slack app"), and start again.\n',
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.stop();
    await store.close();
    release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}
