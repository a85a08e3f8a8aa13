import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The embedded store is held by another live process. */
export class StoreBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly holder: string,
  ) {
    super(`the embedded store in ${dir} is in use by ${holder} (pid ${pid})`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file of a PGlite data directory: PGlite may be opened by one process at a time,
 * and a second one would corrupt it. A lock left by a process that died is taken over.
 * Returns the release function.
 */
export function lockDataDir(dir: string, holder: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'opsdesk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, holder }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid: number; holder: string } = { pid: 0, holder: 'another process' };
      try {
        owner = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // half-written or unreadable: treat as stale
      }
      if (owner.pid && owner.pid !== process.pid && alive(owner.pid)) throw new StoreBusyError(resolve(dir), owner.pid, owner.holder);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}
