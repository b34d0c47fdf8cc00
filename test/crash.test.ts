import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../src/automations/dispatcher.js';
import { makeHarness, tempDir } from './support/harness.js';
import { serve } from './support/http-fixture.js';

let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({ '/ok': (_, res) => res.writeHead(200).end('fine'), '/hang': () => undefined });
});
afterAll(() => site.close());

/** Starts a crash child and resolves with the ids it printed once its runs are in flight. */
function startChild<Ids = { quick: number; slow: number[] }>(dbPath: string, script = 'test/support/crash-child.ts'): Promise<{ kill: () => Promise<number | null>; ids: Ids }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbPath, site.url('/ok'), site.url('/hang')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (_, signal) => resolve(signal === 'SIGKILL' ? -9 : child.exitCode)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child never got ready:\n${out}\n${err}`)), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /READY (.+)\n/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      resolve({
        ids: JSON.parse(ready[1]!),
        kill: () => {
          child.kill('SIGKILL');
          return exited;
        },
      });
    });
  });
}

describe('a crash (SIGKILL) in the middle of runs', () => {
  it('leaves no run running after restart, records the interrupted ones, runs no slot twice, and still delivers what was queued', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const dbPath = join(dir, 'steward.db');
      const { ids, kill } = await startChild(dbPath);
      expect(await kill()).toBe(-9);

      // Restart on the same file, a minute later.
      const h = makeHarness({ env: { STEWARD_DB: dbPath }, start: new Date(Date.now() + 60_000).toISOString() });
      const engine = h.engine;
      const slotsBefore = ids.slow.map((id) => h.store.automations.get(id)!.nextRunAt);
      engine.start();
      await engine.notifications.idle();
      await h.clock.advance(0);

      for (const id of ids.slow) {
        const runs = h.store.runs.recent(id, 10);
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({ status: 'interrupted', error: INTERRUPTED_ERROR, trigger: 'schedule' });
        const automation = h.store.automations.get(id)!;
        expect(automation).toMatchObject({ runCount: 1, failureCount: 1, status: 'active' });
        // Moved past the interrupted slot, to the next one after the restart.
        expect(automation.nextRunAt!.getTime()).toBeGreaterThan(h.clock.now().getTime());
        expect(automation.nextRunAt!.getTime()).toBeGreaterThanOrEqual(slotsBefore[ids.slow.indexOf(id)]!.getTime());
      }
      expect(h.store.runs.running()).toEqual([]);
      expect(h.store.runs.recent(ids.quick, 10)).toMatchObject([{ status: 'succeeded', alertSent: true }]);

      // The alert queued while Discord was down, before the crash, is delivered once.
      expect(h.sink.delivered.map((n) => n.type)).toEqual(['alert']);
      expect(h.store.outbox.all()).toMatchObject([{ type: 'alert', deliveredAt: expect.any(Date) }]);
      await engine.scheduler.stop();
      h.close();
    } finally {
      cleanup();
    }
  }, 30_000);

  it('mid-burst (the run rows of a wake written in one commit): every run recorded once, the finished ones as they were, the others interrupted', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const dbPath = join(dir, 'steward.db');
      const { ids, kill } = await startChild<{ quick: number[]; slow: number[] }>(dbPath, 'test/support/burst-crash-child.ts');
      expect(await kill()).toBe(-9);

      const h = makeHarness({ env: { STEWARD_DB: dbPath }, start: new Date(Date.now() + 60_000).toISOString() });
      h.engine.start();
      await h.clock.advance(0);
      expect(h.store.runs.running()).toEqual([]);
      for (const [id, status] of [...ids.quick.map((id) => [id, 'succeeded'] as const), ...ids.slow.map((id) => [id, 'interrupted'] as const)]) {
        const runs = h.store.runs.recent(id, 10);
        expect(runs.map((r) => ({ status: r.status, trigger: r.trigger }))).toEqual([{ status, trigger: 'schedule' }]);
        expect(h.store.automations.get(id)!.runCount).toBe(1);
      }
      await h.engine.scheduler.stop();
      h.close();
    } finally {
      cleanup();
    }
  }, 30_000);
});
