import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Where the app's lines go by default: stdout, written asynchronously in batches. A synchronous
 * write per line blocks the event loop for a syscall on every request (a tenth of the ack path's
 * CPU when stdout is a file or a pipe), and the next acks wait behind it. A batch is written once
 * 4 KB have gathered, or within a second when the app is quiet, so a line is never held back
 * longer than that; pino writes what is left synchronously when the process exits (process.exit,
 * a signal handler's exit, the end of the event loop), and `flushLogSync` does so on demand.
 */
function stdoutDestination() {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
}

/**
 * JSON lines on stdout (batched, see stdoutDestination). Tokens, secrets and phone numbers are
 * redacted by key wherever they appear, and request bodies are never logged.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream | DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'opsdesk' },
      redact: {
        paths: ['token', '*.token', 'botToken', '*.botToken', 'signingSecret', '*.signingSecret', 'phone', '*.phone', 'callerPhone', '*.callerPhone', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    opts.destination ?? stdoutDestination(),
  );
}

/**
 * Writes out whatever the logger still holds, synchronously: for the moments after which the
 * process may not get another turn of the event loop (a last-resort error, just before an exit).
 * A destination that writes each line at once has nothing to flush. Never throws.
 */
export function flushLogSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void } | undefined;
  if (typeof stream?.flushSync !== 'function') return;
  try {
    stream.flushSync();
  } catch {
    // Not ready, destroyed, or stdout gone: nothing more can be done for these lines.
  }
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
