/**
 * Sums a `.cpuprofile` (from `node --cpu-prof`) by self time: per function and per file (or
 * package), the top entries, optionally only the samples taken inside a time window.
 *
 *   npx tsx bench/cpuprofile.ts /tmp/prof/CPU.*.cpuprofile [--top 30] [--from-ms 1200 --to-ms 5000]
 */
import { readFileSync } from 'node:fs';
import { arg } from './support.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: cpuprofile.ts FILE.cpuprofile');
const top = Number(arg('top', '30'));
const fromMs = Number(arg('from-ms', '0'));
const toMs = Number(arg('to-ms', 'Infinity'));
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** Where a frame lives: a package name, a file of ours, or node's own. */
function place(url: string): string {
  if (!url) return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|bench|test)\/(.+)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

const selfByFunction = new Map<string, number>();
const selfByPlace = new Map<string, number>();
let t = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]! / 1000;
  if (t < fromMs || t > toMs) continue;
  const node = byId.get(profile.samples[i]!)!;
  const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]!) / 1000;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += dt;
  const where = place(url);
  const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
  selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + dt);
}
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`busy (not idle) ${total.toFixed(0)} ms in the window ${fromMs}–${toMs} ms of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
show('self time by file or package', selfByPlace);
show('self time by function', selfByFunction);
