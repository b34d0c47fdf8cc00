import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pngSize } from './support/png.js';

describe('npm run demo', () => {
  it('plays its script against the emulator, shows what a person would see, and with --html writes the conversation as one page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-demo-test-'));
    try {
      const file = join(dir, 'demo.html');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--html', file], { timeout: 60_000 });
      expect(stdout).toContain('Steward is online in "Demo Server"');
      expect(stdout).toContain('┃ Created: site');
      expect(stdout).toMatch(/#tasks › Steward posted:\n {2}┃ 🔴 site is down — 503 in \d+ ms\n {2}┃ http:\/\/127\.0\.0\.1:\d+\/status\n {2}┃ Down since /);
      expect(stdout).toMatch(/┃ 🟢 site is back up after 12 min, 4 checks down/);
      expect(stdout).toMatch(/#tasks › Steward posted:\n {2}┃ Steel Kettle 1\.7 L\n {2}┃ 89,99\u00a0€, was 104,99\u00a0€, −14%[\s\S]*?\(with price-chart\.png\)/);
      expect(stdout).toContain('┃ Paused: kettle');
      expect(stdout).toContain('[Resume] [Show]');
      expect(stdout).toContain('❌ `0 25 * * *`: hour 25 is out of range 0–23');
      expect(stdout).toContain(`Wrote the conversation to ${file}.`);
      expect(stdout).toContain('Demo finished.');

      const page = readFileSync(file, 'utf8');
      // What alice typed and what Steward answered, in order, drawn like Discord.
      expect(page).toContain('/automation create name:kettle-deal');
      const order = ['/automation create name:kettle-deal', 'Steel Kettle 1.7 L', '🔴 site is down', '🟢 site is back up after 12 min', 'Paused: kettle', 'hour 25 is out of range'].map((t) => page.indexOf(t));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(page).toContain('border-left-color:#57f287'); // an embed's colour bar (a price drop is green)
      expect(page).toMatch(/<div class="row"><div class="field inline">[\s\S]*?<div class="field inline">[\s\S]*?<div class="field inline">/); // inline fields three to a row
      expect(page).toContain('<span class="button secondary">Output</span>');
      expect(page).toMatch(/<span class="ts">December \d+, \d{4} \d+:\d\d [AP]M<\/span>/); // Discord timestamps rendered
      expect(page).toContain('✅ <b>Resolved</b>'); // the down alert, edited when the site came back
      // The charts are inline (the alert's and /automation show's), valid PNGs of 800 × 400: the page needs nothing else.
      const charts = [...page.matchAll(/<img class="eimage" src="data:image\/png;base64,([^"]+)">/g)].map((m) => Buffer.from(m[1]!, 'base64'));
      expect(charts.length).toBeGreaterThanOrEqual(3);
      for (const png of charts) expect(pngSize(png)).toEqual({ width: 800, height: 400 });
      expect(page).not.toMatch(/src="https?:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
