import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ContentWorkers } from '../src/capabilities/content/pool.js';
import { builtinCapabilities } from '../src/capabilities/registry.js';
import { migrate, openDatabase, readMigrations, type Db } from '../src/db/database.js';
import { DatabaseError } from '../src/errors.js';
import { Store } from '../src/store.js';
import { tempDir } from './support/harness.js';

const dirs: (() => void)[] = [];
const dbs: Db[] = [];
function fresh(): string {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  return join(dir, 'nested', 'steward.db');
}
function open(path: string, migrations = readMigrations()): Db {
  const db = openDatabase(path, migrations);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const cleanup of dirs.splice(0)) cleanup();
});

describe('opening the database', () => {
  it('creates the directory and file, with WAL, foreign keys and a busy timeout', () => {
    const path = fresh();
    const db = open(path);
    expect(existsSync(path)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies every migration once, in order, and records them', () => {
    const path = fresh();
    const migrations = readMigrations();
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    const db = open(path);
    const applied = db.prepare('SELECT version, name FROM schema_migration ORDER BY version').all();
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    db.close();
    const again = open(path);
    expect(migrate(again, migrations)).toEqual([]);
  });

  it('rolls back a migration that fails and records nothing of it', () => {
    const path = fresh();
    const broken = [...readMigrations(), { version: 99, name: 'broken', sql: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' }];
    expect(() => open(path, broken)).toThrow(DatabaseError);
    const db = open(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migration').get()).toEqual({ v: readMigrations().at(-1)!.version });
  });

  it('refuses a database written by a newer Steward', () => {
    const path = fresh();
    open(path, [...readMigrations(), { version: 500, name: 'from_the_future', sql: 'SELECT 1;' }]).close();
    expect(() => open(path)).toThrow(
      `the database is at schema version 500 but this Steward only knows up to ${readMigrations().at(-1)!.version}: upgrade Steward (or restore a backup made by this version)`,
    );
  });

  it('says clearly when the file cannot be opened', () => {
    const path = fresh();
    open(path).close();
    const notADb = join(path, '..', 'garbage.db');
    writeFileSync(notADb, 'this is not a database, just text that is long enough to have a header');
    expect(() => open(notADb)).toThrow(/^cannot (open|prepare) the database at .*garbage\.db: file is not a database$/);
  });

  it('says clearly when the directory cannot be created', () => {
    const path = fresh();
    open(path).close();
    const underAFile = join(path, 'steward.db'); // its "directory" is the database file itself
    expect(() => open(underAFile)).toThrow(/^cannot open the database at .*steward\.db\/steward\.db: EEXIST|ENOTDIR/);
  });

  it('seeds every built-in capability with the JSON Schema of its zod inputs, and its skill state', () => {
    const store = new Store(open(fresh()));
    const definitions = builtinCapabilities({ fetcher: () => Promise.reject(new Error('no fetching here')), workers: new ContentWorkers({ size: 1 }) }); // no task runs: no thread starts
    expect(store.capabilities.list().map((c) => c.name).sort()).toEqual(definitions.map((d) => d.name).sort());
    for (const definition of definitions) {
      const capability = store.capabilities.get(definition.name)!;
      expect(capability.inputSchema, definition.name).toEqual(z.toJSONSchema(definition.inputs));
      expect(capability.description).toBe(definition.description);
      expect(capability.example).toBe(definition.example);
    }
    const states = Object.fromEntries(store.capabilities.list().map((c) => [c.name, c.skill?.state ?? null]));
    expect(states).toEqual({ http_check: 'trusted', page_watch: 'trusted', feed_watch: 'trusted', ask: null, summarize_page: 'sandbox' });
  });
});
