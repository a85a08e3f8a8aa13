// The PGlite data directory may be opened by one process at a time: lockDataDir refuses a live
// holder and takes over a dead one's lock.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir, StoreBusyError } from '../../src/platform/store-lock.js';

let root: string;
let children: ChildProcess[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdesk-lock-'));
});

afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  rmSync(root, { recursive: true, force: true });
});

const lockPath = (dir: string) => join(dir, 'opsdesk.lock');
const readLock = (dir: string) => JSON.parse(readFileSync(lockPath(dir), 'utf8')) as { pid: number; holder: string };

/** A live process that is not this one. */
function liveOtherProcess(): number {
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  children.push(child);
  expect(child.pid).toBeTypeOf('number');
  return child.pid!;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('lockDataDir', () => {
  it('creates the directory and a lock file naming this process and the holder', () => {
    const dir = join(root, 'nested', 'data');
    const release = lockDataDir(dir, 'the opsdesk app');
    expect(readLock(dir)).toEqual({ pid: process.pid, holder: 'the opsdesk app' });
    release();
  });

  it('refuses a lock held by another live process, with StoreBusyError naming its pid and holder', () => {
    const dir = join(root, 'data');
    lockDataDir(dir, 'setup')(); // creates the directory
    const pid = liveOtherProcess();
    writeFileSync(lockPath(dir), JSON.stringify({ pid, holder: 'the opsdesk app' }));

    let caught: unknown;
    try {
      lockDataDir(dir, 'an opsdesk command');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreBusyError);
    const busy = caught as StoreBusyError;
    expect(busy.pid).toBe(pid);
    expect(busy.holder).toBe('the opsdesk app');
    expect(busy.dir).toBe(resolve(dir));
    expect(busy.message).toContain(`pid ${pid}`);
    expect(busy.message).toContain(resolve(dir));
    // the live holder's lock is left alone
    expect(readLock(dir)).toEqual({ pid, holder: 'the opsdesk app' });
  });

  it('takes over a lock left by a process that has died', () => {
    const dir = join(root, 'data');
    lockDataDir(dir, 'setup')();
    const dead = deadPid();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: dead, holder: 'the opsdesk app' }));

    const release = lockDataDir(dir, 'an opsdesk command');
    expect(readLock(dir)).toEqual({ pid: process.pid, holder: 'an opsdesk command' });
    release();
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('takes over a half-written or unreadable lock file', () => {
    const dir = join(root, 'data');
    lockDataDir(dir, 'setup')();
    writeFileSync(lockPath(dir), '{"pid": 12');
    const release = lockDataDir(dir, 'the opsdesk app');
    expect(readLock(dir).pid).toBe(process.pid);
    release();
  });

  it('never treats its own pid as a rival (a stale lock from an earlier process with the same pid does not block start)', () => {
    const dir = join(root, 'data');
    lockDataDir(dir, 'setup')();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: process.pid, holder: 'a previous run' }));
    const release = lockDataDir(dir, 'the opsdesk app');
    expect(readLock(dir)).toEqual({ pid: process.pid, holder: 'the opsdesk app' });
    release();
  });

  it('lets a second lock from the same process take the lock over', () => {
    const dir = join(root, 'data');
    const first = lockDataDir(dir, 'first');
    const second = lockDataDir(dir, 'second');
    expect(readLock(dir)).toEqual({ pid: process.pid, holder: 'second' });
    second();
    first();
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('removes the lock file on release, and releasing twice is harmless', () => {
    const dir = join(root, 'data');
    const release = lockDataDir(dir, 'the opsdesk app');
    expect(existsSync(lockPath(dir))).toBe(true);
    release();
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(() => release()).not.toThrow();
    // the directory can be locked again afterwards
    const again = lockDataDir(dir, 'the opsdesk app');
    expect(existsSync(lockPath(dir))).toBe(true);
    again();
  });

  it('refuses again once a live holder has taken the lock after a release', () => {
    const dir = join(root, 'data');
    lockDataDir(dir, 'the opsdesk app')();
    const pid = liveOtherProcess();
    writeFileSync(lockPath(dir), JSON.stringify({ pid, holder: 'the opsdesk app' }));
    expect(() => lockDataDir(dir, 'an opsdesk command')).toThrow(StoreBusyError);
  });
});
