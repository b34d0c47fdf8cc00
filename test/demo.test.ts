import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('plays its script against the emulator and shows what a person would see', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { timeout: 60_000 });
    expect(stdout).toContain('Steward is online in "Demo Server"');
    expect(stdout).toContain('┃ Created: site');
    expect(stdout).toMatch(/#tasks › Steward posted:\n {2}┃ 🔴 site is down — 503 in \d+ ms\n {2}┃ http:\/\/127\.0\.0\.1:\d+\/status\n {2}┃ Down since /);
    expect(stdout).toContain('┃ Paused: kettle');
    expect(stdout).toContain('[Resume] [Show]');
    expect(stdout).toContain('❌ `0 25 * * *`: hour 25 is out of range 0–23');
    expect(stdout).toContain('Demo finished.');
  }, 60_000);
});
