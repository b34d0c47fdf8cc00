/**
 * At most `limit` holders per key at once (a per-host limit for fetches); the others wait in the
 * order they asked. Keys with nobody holding or waiting cost nothing.
 */
export class KeyedLimiter {
  private readonly keys = new Map<string, { active: number; queue: (() => void)[] }>();

  constructor(readonly limit: number) {}

  /**
   * Resolves with a release function once the key has room. Rejects with the signal's reason
   * when `signal` aborts first (then nothing is held).
   */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    let entry = this.keys.get(key);
    if (!entry) {
      entry = { active: 0, queue: [] };
      this.keys.set(key, entry);
    }
    const held = entry;
    const releaser = () => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        const next = held.queue.shift();
        if (next) next();
        else if (--held.active === 0) this.keys.delete(key);
      };
    };
    if (held.active < this.limit) {
      held.active++;
      return Promise.resolve(releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        held.queue = held.queue.filter((w) => w !== turn);
        reject(signal!.reason);
      };
      // A turn handed over by a release: the slot passes on without the count dropping.
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(releaser());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      held.queue.push(turn);
    });
  }
}
