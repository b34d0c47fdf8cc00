import { accessSync, constants, mkdirSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from '../errors.js';
import { PROJECT_ROOT } from '../util/project-root.js';

export type Db = Database.Database;

/** The project's `migrations/` folder. */
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Reads `NNN_name.sql` files in version order. Throws DatabaseError on a duplicate version. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) continue;
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new DatabaseError(`two migrations share version ${version} in ${dir}`, { version });
    }
    migrations.push({ version, name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') });
  }
  return migrations;
}

/**
 * Opens (creating the file and its directory when needed) the SQLite database with WAL,
 * foreign keys and a busy timeout, then applies pending migrations, each in its own transaction.
 * Throws DatabaseError when the file cannot be opened or written, or when the database was
 * written by a newer Steward (a migration version this code does not know).
 */
export function openDatabase(path: string, migrations: Migration[] = readMigrations()): Db {
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new DatabaseError(`cannot open the database at ${path}: ${explain(path, error)}`, { path });
  }
  cacheStatements(db);
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot prepare the database at ${path}: ${explain(path, error)}`, { path });
  }
  return db;
}

/**
 * Makes `db.prepare` return one compiled statement per SQL text: better-sqlite3 compiles on every
 * call, and a dispatch asks ~10 questions. Safe because no caller keeps an iterator open.
 */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      if (statements.size >= 1_000) statements.clear();
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  }) as Db['prepare'];
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** SQLite's error, with what it most likely means for the person running Steward. */
function explain(path: string, error: unknown): string {
  const message = (error as Error).message;
  const code = String((error as { code?: unknown }).code ?? '');
  let freeBytes: number | null = null;
  try {
    const fs = statfsSync(dirname(resolve(path)));
    freeBytes = fs.bavail * fs.bsize;
  } catch {
    // the folder may not exist at all
  }
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && freeBytes !== null && freeBytes < 1024 * 1024)) {
    return `${message}: the disk is full (${Math.floor((freeBytes ?? 0) / 1024)} KB free); make room and start again`;
  }
  if (code.startsWith('SQLITE_READONLY') || /read-?only/i.test(message) || (code.startsWith('SQLITE_CANTOPEN') && !writable(dirname(resolve(path))))) {
    return `${message}: the file or its folder is read-only`;
  }
  return message;
}

/** Applies the migrations the database has not seen, in order. Returns the versions applied. */
export function migrate(db: Db, migrations: Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db.prepare<[], { version: number }>('SELECT version FROM schema_migration').all().map((r) => r.version),
  );
  const known = new Set(migrations.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  const codeNewest = Math.max(0, ...known);
  if (newest > codeNewest) {
    throw new DatabaseError(
      `the database is at schema version ${newest} but this Steward only knows up to ${codeNewest}: ` +
        'upgrade Steward (or restore a backup made by this version)',
      { databaseVersion: newest, codeVersion: codeNewest },
    );
  }
  const record = db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
    done.push(migration.version);
  }
  return done;
}
