/**
 * Quiet hours and alert holds, measured: what holding alerts costs a run (dispatch throughput with
 * every owner's quiet hours on, against off, alternately in one process), and how long the
 * delivery pass takes that folds one person's held alerts into their digest (100, 1,000, 10,000).
 *
 *   npx tsx bench/quiet-hours.ts [--size 10000] [--rounds 3] [--dispatches 5000]
 */
import { NotificationService } from '../src/notifications/service.js';
import { silentLogger } from '../src/logger.js';
import { systemClock } from '../src/clock.js';
import { Store } from '../src/store.js';
import { dispatchRound, idleEngine } from './throughput.js';
import { arg, emitResult, log, median, nullSink } from './support.js';

export interface QuietHoursResult {
  size: number;
  dispatches: number;
  /** Runs per second, per round: quiet hours off for everyone, and on for every owner (their alerts held). */
  off: number[];
  on: number[];
  /** Alerts held while on. */
  held: number;
  /** Milliseconds of the delivery pass that folds one person's N held alerts into one digest (and sends it to a null sink). */
  release: { held: number; ms: number; digestChars: number }[];
}

async function measure(size: number, rounds: number, dispatches: number): Promise<QuietHoursResult> {
  const { db, ids, engine, cleanup } = idleEngine(size);
  const store = new Store(db);
  const users = db.prepare<[], { user_id: string }>('SELECT DISTINCT user_id FROM automation').all().map((r) => r.user_id);
  const minute = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
  const setQuiet = (on: boolean) => {
    for (const user of users) store.settings.setQuietHours(user, on ? { from: (minute + 1380) % 1440, to: (minute + 120) % 1440, urgent: false } : null, new Date());
  };
  const dispatchMany = dispatchRound(engine.dispatcher, ids, 4);
  await dispatchMany(1000); // warm-up
  const off: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < rounds; r++) {
    setQuiet(false);
    off.push(await dispatchMany(dispatches));
    setQuiet(true);
    on.push(await dispatchMany(dispatches));
    log(`  quiet hours ${size}: round ${r + 1}/${rounds}: off ${Math.round(off.at(-1)!)} runs/s, on ${Math.round(on.at(-1)!)} runs/s`);
  }
  const held = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM notification WHERE held_until IS NOT NULL').get()!.n;

  // One person's held alerts, released in one pass.
  const release: QuietHoursResult['release'] = [];
  for (const count of [100, 1_000, 10_000]) {
    db.prepare('DELETE FROM notification').run();
    const heldUntil = new Date(Date.now() - 1000);
    const insert = db.transaction(() => {
      for (let i = 0; i < count; i++) {
        store.outbox.enqueue(
          {
            type: 'alert',
            channel: 'tasks',
            content: `Alert ${i}`,
            embed: { title: `🔴 site-${i} is down — 503 in 5 ms`, url: `https://site-${i}.example/`, description: `https://site-${i}.example/\nDown since <t:1772438400:f>`, fields: [], actions: ['show'], automationId: ids[i % ids.length]!, runId: null },
            automationId: ids[i % ids.length]!,
            heldUntil,
            heldFor: 'user-0',
          },
          new Date(heldUntil.getTime() - 3_600_000),
        );
      }
    });
    insert();
    const service = new NotificationService({ outbox: store.outbox, sink: nullSink, clock: systemClock, logger: silentLogger });
    const start = performance.now();
    await service.deliverDue();
    const ms = performance.now() - start;
    const digest = store.outbox.all().find((n) => n.type === 'digest')!;
    release.push({ held: count, ms, digestChars: digest.embed!.description.length });
    log(`  release of ${count} held alerts: ${ms.toFixed(1)} ms, digest ${digest.embed!.description.length} characters`);
  }
  await engine.stop(1000);
  cleanup();
  return { size, dispatches, off, on, held, release };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measure(Number(arg('size', '10000')), Number(arg('rounds', '3')), Number(arg('dispatches', '5000')));
  log(`median: off ${Math.round(median(result.off))} runs/s, on ${Math.round(median(result.on))} runs/s, ${result.held} alerts held`);
  emitResult(result);
}
