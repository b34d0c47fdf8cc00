// The file piscina starts in each content worker thread. It is plain JavaScript because Node 20
// does not apply loaders given in a worker's execArgv (`--import tsx`) to the worker's own
// modules: it loads the task module named by pool.ts (workerData.tasks) as it is when it is
// JavaScript, and through tsx's scoped loader when it is TypeScript (npm start, bench, demo and
// vitest all run the sources).
import { workerData } from 'node:worker_threads';

const tasks = workerData.tasks;
const module = tasks.endsWith('.ts') ? await (await import('tsx/esm/api')).tsImport(tasks, import.meta.url) : await import(tasks);

/** Every task goes through the task module's one entry point. */
export default module.runContentTask;
