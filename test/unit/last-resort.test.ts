// The process's last resort (src/platform/last-resort.ts): an uncaught exception or an unhandled
// rejection is logged as one JSON line, without the error's enumerable fields, and nothing exits.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
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
});
