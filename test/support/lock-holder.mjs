// A worker thread that holds SQLite's write lock on a database for a while, as another program might.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, holdMs } = workerData;
const db = new Database(path);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('locked');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  parentPort.postMessage('released');
}, holdMs);
