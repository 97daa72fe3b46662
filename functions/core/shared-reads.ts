/**
 * A read of what a process keeps per store (a cache's refill), shared by every caller that asks
 * while it is under way, so concurrent first requests, or a request and the api's start-up read,
 * make one read between them. `forget` (after a write through this process) drops the read under
 * way, so that what it overtook is not kept.
 */
export class SharedReads<K extends object, V> {
  private readonly loading = new WeakMap<K, Promise<V>>();

  /** Joins the read of `key` under way, or starts `read`; `keep` gets its value unless forgotten meanwhile. */
  join(key: K, read: () => Promise<V>, keep: (value: V) => void): Promise<V> {
    const under = this.loading.get(key);
    if (under) return under;
    const load: Promise<V> = read().then((value) => {
      if (this.loading.get(key) === load) keep(value);
      return value;
    });
    this.loading.set(key, load);
    const done = () => this.loading.get(key) === load && this.loading.delete(key);
    load.then(done, done);
    return load;
  }

  forget(key: K) {
    this.loading.delete(key);
  }
}
