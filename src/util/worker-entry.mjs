// The file every worker thread of Steward starts with (content workers through piscina, the fetch
// worker). It is plain JavaScript because Node 20 does not apply loaders given in a worker's
// execArgv (`--import tsx`) to the worker's own modules: it loads the module named by
// workerData.module as it is when it is JavaScript, and through tsx's scoped loader when it is
// TypeScript (bench, demo and vitest run the sources). See workerModule() in worker-module.ts.
import { workerData } from 'node:worker_threads';

const file = workerData.module;
const module = file.endsWith('.ts') ? await (await import('tsx/esm/api')).tsImport(file, import.meta.url) : await import(file);

/** A piscina worker's task function (content workers); a plain thread (the fetch worker) listens by itself and exports none. */
export default module.default;
