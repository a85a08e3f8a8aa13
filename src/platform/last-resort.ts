// The process's last resort: an exception nobody caught, or a promise rejection nobody handled, is
// logged and the process keeps serving.
//
// Why not exit, as Node does by default? Every request is already answered by the receiver (2xx or
// 4xx, never a crash), so whatever reaches this point is a bug in a callback outside any request:
// a timer, a stream, a library's background promise. Exiting would turn that one bug into an
// outage — every in-flight request of every other user dropped, the outbox worker stopped
// mid-lease — and a replayed request that triggers it (Slack retries, to every replica in turn)
// would take the replicas down one after another. Continuing is safe for the data: each state
// change is one database transaction with its outbox rows, committed or rolled back as a whole,
// so an error escaping a callback cannot leave a half-written change behind; what lives in memory
// is caches, counters and timers. The log line (error level, `lastResort: true`) is the alarm, and
// it is written out at once (the logger batches its lines), in case it is the last one.
import { errorFields, flushLogSync, type Logger } from './logger.js';

/** Installs the handlers on `proc` (the process); returns a function that removes them. */
export function keepServing(proc: NodeJS.EventEmitter, logger: Logger): () => void {
  const onException = (err: unknown, origin?: string) => {
    logger.error({ error: errorFields(err), origin: origin ?? 'uncaughtException', lastResort: true }, 'uncaught exception; opsdesk keeps serving');
    flushLogSync(logger);
  };
  const onRejection = (reason: unknown) => {
    logger.error({ error: errorFields(reason), origin: 'unhandledRejection', lastResort: true }, 'unhandled promise rejection; opsdesk keeps serving');
    flushLogSync(logger);
  };
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
