// The apps of the ack benchmark as a user runs them: each in its own process started through tsx
// (as `npm start` does: `tsx src/main.ts`), stdout and stderr appended to a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
/** Linux clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
const CLK_TCK = 100;

export interface AppProcess {
  name: string;
  /** The pid of the node process running the app (tsx's child), or undefined when unknown. */
  pid: number | undefined;
  logFile: string;
  /** CPU time (user + system) the app's node process used so far, ms; NaN where /proc is missing. */
  cpuMs(): number;
  /** The same for its main thread alone (JavaScript; the rest is V8's GC and compiler threads and libuv's pool). */
  mainCpuMs(): number;
  /** The last lines of its log, for a failure message. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  readonly exited: boolean;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released for the app to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function cpuOf(pid: number | undefined, thread?: number): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `tsx <script>` with `env` (on top of PATH and HOME) and waits until `readyUrl` answers 200.
 * The app's pid is tsx's child, found in /proc.
 */
export async function startApp(opts: { name: string; script: string; cwd?: string; env: Record<string, string>; logFile: string; readyUrl: string; timeoutMs?: number }): Promise<AppProcess> {
  const fd = openSync(opts.logFile, 'a');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env };
  let child: ChildProcess;
  try {
    child = spawn(TSX, [opts.script], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const logTail = (lines = 15) => (existsSync(opts.logFile) ? readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '');
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exit;
    }
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`${opts.name} exited while starting; the end of ${opts.logFile}:\n${logTail()}`);
    const ok = await fetch(opts.readyUrl).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not answer ${opts.readyUrl} in time; the end of ${opts.logFile}:\n${logTail()}`);
    }
    await sleep(100);
  }
  const pid = child.pid === undefined ? undefined : childrenOf(child.pid)[0];
  return {
    name: opts.name,
    pid,
    logFile: opts.logFile,
    cpuMs: () => cpuOf(pid),
    mainCpuMs: () => cpuOf(pid, pid),
    logTail,
    stop,
    get exited() {
      return exited;
    },
  };
}
