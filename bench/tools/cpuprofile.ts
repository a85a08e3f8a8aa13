// Summarises a V8 .cpuprofile (as BENCH_CPU_PROFILE writes them): self time by package or source
// area, the top functions, and optionally who calls a function.
//
//   npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> [top]
//   npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> --callers <function name> [depth]
//   npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> --inclusive [top]   (total time incl. callees)
//   npx tsx bench/tools/cpuprofile.ts <file.heapprofile> [top]   (bytes allocated, by area and function)
//
// Samples taken while the profiler itself was being stopped (bench/tools/profile-hook.mjs) are left
// out: they are the profiler serialising its profile, not the app.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which bucket a frame's self time goes to. */
export function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn || 'anonymous'}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = /\/work\/[^/]+\/((?:src|test|bench)\/(?:[^/]+\/)?)/.exec(url);
  if (m) return m[1]!;
  return url;
}

const frameName = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}  ${area(n.callFrame.url, n.callFrame.functionName)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;

interface HeapNode {
  callFrame: Node['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

/** A sampling heap profile: where the bytes were allocated (self), by area and by function with its caller. */
function heapSummary(file: string, root: HeapNode, top: number): void {
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, caller: string) => {
    const name = `${n.callFrame.functionName || '(anonymous)'}  ${area(n.callFrame.url, n.callFrame.functionName)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    if (n.selfSize > 0) {
      total += n.selfSize;
      const a = area(n.callFrame.url, n.callFrame.functionName);
      buckets.set(a, (buckets.get(a) ?? 0) + n.selfSize);
      const k = `${name}  ← ${caller}`;
      fns.set(k, (fns.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, name);
  };
  walk(root, '');
  const pct = (b: number) => `${((b / total) * 100).toFixed(1).padStart(5)} %  ${(b / 1048576).toFixed(1).padStart(7)} MiB`;
  console.log(`${file}: ${(total / 1048576).toFixed(0)} MiB allocated (sampled)`);
  console.log('allocated by area:');
  for (const [a, b] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`  ${pct(b)}  ${a}`);
  console.log('top allocating functions (← caller):');
  for (const [f, b] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(b)}  ${f}`);
}

export function main(): void {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file) throw new Error('usage: cpuprofile.ts <file.cpuprofile> [top] | --callers <function> [depth] | --inclusive [top]');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Profile | { head: HeapNode };
  if ('head' in json) return heapSummary(file, json.head, Number(args[1] ?? 30));
  const p = json;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ancestors = (id: number): Node[] => {
    const out: Node[] = [];
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur)!);
    return out;
  };
  const profiler = new Set(p.nodes.filter((n) => n.callFrame.url.endsWith('profile-hook.mjs')).map((n) => n.id));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  for (const id of [...self.keys()]) if (profiler.has(id) || ancestors(id).some((a) => profiler.has(a.id))) self.delete(id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);

  if (args[1] === '--callers') {
    const fn = args[2] ?? '';
    const depth = Number(args[3] ?? 8);
    const stacks = new Map<string, number>();
    for (const [id, us] of self) {
      if (byId.get(id)!.callFrame.functionName !== fn) continue;
      const k = ancestors(id).slice(0, depth).map(frameName).join('\n      < ');
      stacks.set(k, (stacks.get(k) ?? 0) + us);
    }
    for (const [k, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${pct(us)}  ${fn}\n      < ${k}`);
    return;
  }

  if (args[1] === '--inclusive') {
    const incl = new Map<string, number>();
    for (const [id, us] of self) {
      const names = new Set([byId.get(id)!, ...ancestors(id)].map(frameName));
      for (const n of names) incl.set(n, (incl.get(n) ?? 0) + us);
    }
    console.log('total time (self + callees):');
    for (const [f, us] of [...incl].sort((x, y) => y[1] - x[1]).slice(0, Number(args[2] ?? 40))) console.log(`  ${pct(us)}  ${f}`);
    return;
  }

  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    buckets.set(a, (buckets.get(a) ?? 0) + us);
    const f = frameName(n);
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  console.log('self time by area:');
  for (const [a, us] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${a}`);
  console.log('top functions (self):');
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, Number(args[1] ?? 25))) console.log(`  ${pct(us)}  ${f}`);
}

if (process.argv[1]?.endsWith('cpuprofile.ts')) main();
