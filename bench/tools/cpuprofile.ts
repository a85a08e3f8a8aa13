// Summarises a V8 .cpuprofile (as BENCH_CPU_PROFILE writes them): self time by package or source
// area, and the top functions.   npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> [top]
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

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpuprofile.ts <file.cpuprofile> [top]');
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    buckets.set(a, (buckets.get(a) ?? 0) + us);
    const f = `${n.callFrame.functionName || '(anonymous)'}  ${a}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log('self time by area:');
  for (const [a, us] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${a}`);
  console.log('top functions (self):');
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg ?? 25))) console.log(`  ${pct(us)}  ${f}`);
}

main();
