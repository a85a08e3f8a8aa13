import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Tokens, secrets and phone numbers are redacted by key wherever they appear,
 * and request bodies are never logged.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'opsdesk' },
      redact: {
        paths: ['token', '*.token', 'botToken', '*.botToken', 'signingSecret', '*.signingSecret', 'phone', '*.phone', 'callerPhone', '*.callerPhone', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    opts.destination ?? process.stdout,
  );
}

/** A logger that writes nothing, for tests that do not read logs. */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * An error as a log field: its kind, message and stack — not its enumerable properties, which may
 * hold a request, its headers or a token (the Web API's errors carry the request they failed on).
 */
export function errorFields(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  let message: string;
  try {
    message = String(err).slice(0, 200);
  } catch {
    message = '(unprintable)';
  }
  return { type: typeof err, message };
}
