/**
 * How long `shortestGapSeconds` (what create and edit call to enforce the minimum interval) blocks
 * the event loop, over a set of expressions × zones. Each (expression, zone) pair is timed on its
 * first call after validateCron (which compiles it), as at create; each zone's first pair pays for
 * finding its offset changes.
 *
 *   npx tsx bench/schedule-gap.ts [--from 2026-01-01T00:00:00Z]
 */
import { loadavg } from 'node:os';
import { shortestGapSeconds, validateCron } from '../src/automations/schedule.js';

export const GAP_EXPRESSIONS = [
  '*/5 * * * *',
  '*/15 * * * *',
  '*/45 * * * *',
  '45 * * * *',
  '0 * * * *',
  '0 */2 * * *',
  '0 */5 * * *',
  '30 */3 * * *',
  '0 9 * * *',
  '30 2 * * *',
  '0 1,3 * * *',
  '0 2,3 * * *',
  '0 9 * * 1-5',
  '*/15 9-17 * * 1-5',
  '0 8,20 * * *',
  '0 9 1 * *',
  '0 9 1 1 *',
  '0 0 L * *',
  '0 9 * * 1#2',
  '*/10 * * * * *',
  '0 0 9 * * *',
  '0 0 */2 * * *',
] as const;

export const GAP_ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/Santiago',
  'Africa/Casablanca',
  'Antarctica/Troll',
  'America/St_Johns',
] as const;

const fromIndex = process.argv.indexOf('--from');
const from = new Date(fromIndex > 0 ? process.argv[fromIndex + 1]! : '2026-01-01T00:00:00Z');

const timings: { expression: string; zone: string; ms: number; cpuMs: number; gap: number | null }[] = [];
shortestGapSeconds('*/7 * * * *', 'Asia/Tokyo', from); // load and JIT the module outside the figures
for (const expression of GAP_EXPRESSIONS) {
  for (const zone of GAP_ZONES) {
    validateCron(expression, zone); // as at create: the schedule is validated (and compiled) first
    const cpu = process.cpuUsage();
    const started = performance.now();
    const gap = shortestGapSeconds(expression, zone, from);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    timings.push({ expression, zone, ms, cpuMs: (used.user + used.system) / 1000, gap });
  }
}
const figures = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `p50 ${pick(0.5)} ms, p90 ${pick(0.9)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms`;
};
// The same pairs again, best of 5 (compiled and the zone's offset changes cached): the cost without the machine's noise.
const best: number[] = [];
for (const expression of GAP_EXPRESSIONS) {
  for (const zone of GAP_ZONES) {
    let fastest = Infinity;
    for (let i = 1; i <= 5; i++) {
      const started = performance.now();
      shortestGapSeconds(expression, zone, new Date(from.getTime() + i * 1000));
      fastest = Math.min(fastest, performance.now() - started);
    }
    best.push(fastest);
  }
}
const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 5);
// Wall-clock time is what the event loop waits; CPU time leaves out waiting for a busy machine's cores.
console.log(`${timings.length} pairs from ${from.toISOString()} (load ${loadavg()[0]!.toFixed(1)}): wall ${figures(timings.map((t) => t.ms))}; cpu ${figures(timings.map((t) => t.cpuMs))}`);
console.log(`  best of 5: ${figures(best)}`);
for (const t of slowest) console.log(`  ${t.ms.toFixed(1)} ms  ${t.expression}  ${t.zone}  gap ${t.gap}`);
if (process.argv.includes('--gaps')) for (const t of timings) console.log(`${t.expression}\t${t.zone}\t${t.gap}`);
