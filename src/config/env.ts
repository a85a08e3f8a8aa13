import { z } from 'zod';

/** The environment of SPEC §2, parsed once at start. */
export interface Env {
  slackBotToken: string | undefined;
  slackSigningSecret: string | undefined;
  slackAppToken: string | undefined;
  slackApiUrl: string | undefined;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  configPath: string | undefined;
  publicUrl: string;
  tzDefault: string | undefined;
  localeDefault: 'en' | 'zh-CN' | undefined;
  logLevel: LogLevel;
  /** The bearer token of POST /alerts/* (SPEC §3.10); unset: those endpoints do not exist. */
  alertsToken: string | undefined;
}

/** pino's levels, most to least severe, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const envSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, 'a bot token starting with xoxb-')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8, 'the signing secret from Basic Information')),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, 'an app-level token starting with xapp-')),
  SLACK_API_URL: optional(z.url({ protocol: /^https?$/, message: 'an http(s) URL ending in /api/' })),
  PORT: optional(z.string().regex(/^\d{1,5}$/, 'a port number')).transform((v) => Number(v ?? 3000)),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, 'a connection string like postgres://user@host:5432/db'),
  ),
  DATA_DIR: optional(z.string()),
  OPSDESK_CONFIG: optional(z.string()),
  PUBLIC_URL: optional(z.url({ protocol: /^https?$/, message: 'an http(s) URL such as https://ops.example.com' })),
  TZ_DEFAULT: optional(z.string().refine(isZone, 'an IANA time zone such as Asia/Shanghai')),
  LOCALE_DEFAULT: optional(z.enum(['en', 'zh-CN'], { message: 'en or zh-CN' })),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { message: `one of ${LOG_LEVELS.join(', ')}` })),
  ALERTS_TOKEN: optional(z.string().regex(/^[\x21-\x7e]{16,512}$/, 'a token of 16 to 512 printable characters without spaces (e.g. openssl rand -hex 32)')),
});

/** A bad environment value: the message is one line naming the variable and what it expects. */
export class EnvError extends Error {}

/** Parses and validates the environment; throws EnvError with one line per problem. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name} is invalid: expected ${issue.message}`;
    });
    throw new EnvError(lines.join('\n'));
  }
  const e = parsed.data;
  if (e.PORT < 1 || e.PORT > 65535) throw new EnvError('PORT is invalid: expected a port number between 1 and 65535');
  return {
    slackBotToken: e.SLACK_BOT_TOKEN,
    slackSigningSecret: e.SLACK_SIGNING_SECRET,
    slackAppToken: e.SLACK_APP_TOKEN,
    slackApiUrl: e.SLACK_API_URL,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? './data',
    configPath: e.OPSDESK_CONFIG,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    tzDefault: e.TZ_DEFAULT,
    localeDefault: e.LOCALE_DEFAULT,
    logLevel: e.LOG_LEVEL ?? 'info',
    alertsToken: e.ALERTS_TOKEN,
  };
}

/** What the app needs to talk to Slack; missing pieces are reported with where to find them. */
export function requireSlackCredentials(env: Env): { botToken: string; signingSecret?: string; appToken?: string } {
  const missing: string[] = [];
  if (!env.slackBotToken)
    missing.push('SLACK_BOT_TOKEN is missing: expected the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page');
  if (!env.slackAppToken && !env.slackSigningSecret)
    missing.push('SLACK_SIGNING_SECRET is missing: expected the Signing Secret from your Slack app\'s "Basic Information" page (or set SLACK_APP_TOKEN for Socket Mode)');
  if (missing.length > 0) throw new EnvError(missing.join('\n'));
  return { botToken: env.slackBotToken!, signingSecret: env.slackSigningSecret, appToken: env.slackAppToken };
}
