import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { workerModule } from '../../util/worker-module.js';
import { fromWire, type WireOutcome } from '../../util/wire-error.js';
import type { ContentTaskName, ContentTasks, ContentTaskMessage } from './protocol.js';

export interface ContentWorkersOptions {
  /** Most worker threads at once (CONTENT_WORKERS); more tasks wait in line. */
  size: number;
  /** How long an idle worker is kept before it exits, in ms (default 60 s); none is started before it is needed. */
  idleMs?: number;
  /** Told about a worker that failed with no task to fail (a task's own failure rejects its run). */
  onError?: (error: Error) => void;
}

/** A worker's heap cap: a page within the element cap needs a few dozen MB. */
const WORKER_HEAP_MB = 256;
/** Workers run at a lower priority than the main thread, so a busy worker cannot delay Discord's answers. */
const WORKER_NICE = 10;

/**
 * The pool of worker threads that parse and read untrusted content (HTML, feeds, CSS selectors)
 * and draw charts, off the main thread. A task whose `signal` aborts (the run's time limit) is dropped from the
 * line, or, if it is running, its worker thread is terminated mid-work and replaced on demand.
 */
export class ContentWorkers {
  private readonly pool: Piscina;
  private startedCount = 0;
  private closed = false;

  constructor(options: ContentWorkersOptions) {
    const { entry, module } = workerModule(import.meta.url, 'worker');
    this.pool = new Piscina({
      filename: entry,
      workerData: { module },
      execArgv: [],
      minThreads: 0,
      maxThreads: options.size,
      idleTimeout: options.idleMs ?? 60_000,
      niceIncrement: WORKER_NICE,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // Unlistened, piscina's 'error' (a worker dying between tasks) would end the process.
    this.pool.on('error', (error: Error) => options.onError?.(error));
    this.pool.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'taskStarted' in message) this.startedCount++;
    });
  }

  /**
   * Runs task `name` in a worker and resolves with its answer. Rejects with the error the task
   * threw (a ValidationError or StewardError keeps its class, code and facts), with
   * `signal.reason` once `signal` aborts (the worker is terminated if the task was running), or
   * with the worker's own failure (out of memory, crashed).
   */
  async run<K extends ContentTaskName>(name: K, input: ContentTasks[K]['input'], signal: AbortSignal): Promise<ContentTasks[K]['output']> {
    if (this.closed) throw new Error('content workers are closed: Steward is stopping');
    let outcome: WireOutcome<ContentTasks[K]['output']>;
    try {
      // TypeScript cannot correlate `name` and `input` through K; ContentTasks[K] ties them.
      const message = { name, input } as ContentTaskMessage;
      outcome = (await this.pool.run(message, { signal })) as WireOutcome<ContentTasks[K]['output']>;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error;
    }
    if (outcome.ok) return outcome.value;
    throw fromWire(outcome.error);
  }

  /** How many tasks a worker has begun (for tests and benchmarks that wait for work to be under way). */
  get tasksStarted(): number {
    return this.startedCount;
  }

  /** The worker threads alive now (a terminated one is gone from the list at once, and emits `exit` when it has stopped). */
  threads(): readonly Worker[] {
    return this.pool.threads;
  }

  /** Terminates every worker; tasks still waiting or running reject. The pool takes no work after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
