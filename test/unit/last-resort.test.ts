// The process's last resort (src/platform/last-resort.ts): an uncaught exception or an unhandled
// rejection is logged as one JSON line, without the error's enumerable fields, and nothing exits.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { keepServing } from '../../src/platform/last-resort.js';
import { createLogger } from '../../src/platform/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('keepServing', () => {
  it('logs an uncaught exception and an unhandled rejection, and removes its handlers again', () => {
    const proc = new EventEmitter();
    const { lines, logger } = capture();
    const remove = keepServing(proc, logger);
    const err = Object.assign(new Error('timer callback failed'), { config: { headers: { authorization: 'Bearer xoxb-secret-token' } }, token: 'xoxb-secret-token' });
    proc.emit('uncaughtException', err, 'uncaughtException');
    proc.emit('unhandledRejection', 'a plain string reason', Promise.resolve());
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ level: 50, lastResort: true, origin: 'uncaughtException', error: { type: 'Error', message: 'timer callback failed' }, msg: 'uncaught exception; opsdesk keeps serving' });
    expect(second).toMatchObject({ lastResort: true, origin: 'unhandledRejection', error: { message: 'a plain string reason' } });
    expect(lines.join('')).not.toContain('xoxb-secret-token');
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('writes its line out at once even when the logger batches its writes, as the app\'s does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-last-resort-'));
    try {
      const file = join(dir, 'app.log');
      // Lines gathered into 4 KB batches, as the app's stdout destination does (src/platform/logger.ts);
      // a batch is written synchronously here, so the file can be read at once.
      const destination = pino.destination({ dest: file, sync: true, minLength: 4096 });
      const logger = createLogger({ level: 'info', destination });
      const proc = new EventEmitter();
      keepServing(proc, logger);
      logger.info('an ordinary line, still in the batch');
      expect(readFileSync(file, 'utf8')).toBe('');
      proc.emit('uncaughtException', new Error('the last thing that happened'), 'uncaughtException');
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; lastResort?: boolean });
      expect(lines.map((l) => l.msg)).toEqual(['an ordinary line, still in the batch', 'uncaught exception; opsdesk keeps serving']);
      expect(lines[1]!.lastResort).toBe(true);
      destination.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
