// CPU profiles of a running process on demand, for the ack benchmark's apps (BENCH_CPU_PROFILE).
// Loaded with NODE_OPTIONS="--import <this file>" and CPU_PROFILE_DIR=<dir>: the first SIGUSR2 starts
// V8's sampling profiler, the next one stops it and writes <dir>/<pid>-<n>.cpuprofile (atomically:
// written as .tmp, then renamed), and so on, with <dir>/<pid>-<n>.gc.json beside it (garbage
// collections over the same span: count and ms by kind). With CPU_PROFILE_HEAP=1 it also samples allocations
// over the same span and writes <dir>/<pid>-<n>.heapprofile (bytes allocated by function, sampled
// every 32 KiB; summarise with bench/tools/cpuprofile.ts --heap). Plain JS so it loads before tsx's
// loader.
/* global process */
import { Session } from 'node:inspector';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const dir = process.env.CPU_PROFILE_DIR;
const heap = process.env.CPU_PROFILE_HEAP === '1';
if (dir) {
  let session;
  let n = 0;
  let gc;
  const KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  new PerformanceObserver((list) => {
    if (!gc) return;
    for (const e of list.getEntries()) {
      const k = KINDS[e.detail?.kind] ?? 'other';
      gc[k] ??= { count: 0, ms: 0 };
      gc[k].count++;
      gc[k].ms += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const post = (s, method, params) => new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  process.on('SIGUSR2', () => {
    if (!session) {
      gc = {};
      const s = (session = new Session());
      s.connect();
      void post(s, 'Profiler.enable')
        .then(() => post(s, 'Profiler.setSamplingInterval', { interval: 500 }))
        .then(() => post(s, 'Profiler.start'))
        .then(() => (heap ? post(s, 'HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }) : undefined));
      return;
    }
    const s = session;
    const stem = join(dir, `${process.pid}-${++n}`);
    const write = (file, data) => {
      writeFileSync(`${file}.tmp`, JSON.stringify(data));
      renameSync(`${file}.tmp`, file);
    };
    mkdirSync(dir, { recursive: true });
    write(`${stem}.gc.json`, gc);
    gc = undefined;
    void (heap ? post(s, 'HeapProfiler.stopSampling') : Promise.resolve(undefined))
      .then((h) => {
        if (h) write(`${stem}.heapprofile`, h.profile);
        return post(s, 'Profiler.stop');
      })
      .then(({ profile }) => {
        s.disconnect();
        write(`${stem}.cpuprofile`, profile);
      });
    session = undefined;
  });
}
