import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { tempDir } from './support/harness.js';

/** Mounting needs root and a kernel that lets this sandbox mount; elsewhere these tests are skipped. */
function canMount(): boolean {
  const { dir, cleanup } = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    cleanup();
  }
}

const mounts: string[] = [];
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m], { stdio: 'ignore' });
  for (const c of cleanups) c();
});

/** `npm start`'s entry point with a database path; resolves with its exit code and stderr. */
function start(dbPath: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', STEWARD_DB: dbPath, DISCORD_TOKEN: 'x', TASKS_CHANNEL_ID: '1300000000000000020', DISCORD_API_URL: 'http://127.0.0.1:9/api', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(!canMount())('the database file at start-up', () => {
  it('on a read-only file system: one clear line, exit code 1, the file untouched', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const dbPath = join(dir, 'steward.db');
    const db = openDatabase(dbPath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    rmSync(`${dbPath}-wal`, { force: true });
    rmSync(`${dbPath}-shm`, { force: true });
    const before = sha(dbPath);
    execFileSync('mount', ['--bind', dir, dir]);
    mounts.push(dir);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);

    const { code, stderr } = await start(dbPath);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(/^steward: cannot (open|prepare) the database at .*steward\.db: .*the file or its folder is read-only$/);
    expect(sha(dbPath)).toBe(before);
  });

  it('on a full disk: one clear line, exit code 1, and nothing corrupted once there is room again', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
    mounts.push(disk);
    const filler = join(disk, 'filler');
    writeFileSync(filler, Buffer.alloc(1016 * 1024));
    const dbPath = join(disk, 'steward.db');

    const { code, stderr } = await start(dbPath);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(/^steward: cannot (open|prepare) the database at .*steward\.db: .*the disk is full \(\d+ KB free\); make room and start again$/);

    rmSync(filler);
    const db = openDatabase(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT COUNT(*) AS n FROM capability').get() as { n: number }).n).toBe(5);
    db.close();
  });
});
