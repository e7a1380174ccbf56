/**
 * A small bounded map with expiry. WeChat retries a message it got no answer for (three times,
 * about 5 s apart, same MsgId); remembering each message for a minute lets a retry share the
 * first attempt's work instead of running the turn again.
 */
export interface RetryCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

export class RetryCache<V> {
  /** Insertion order is age order, so the oldest entries are always at the front. */
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly opts: RetryCacheOptions) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.opts.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** `ttlMs` overrides the cache's for this entry (keep it constant per cache: age order is expiry order). */
  set(key: string, value: V, ttlMs = this.opts.ttlMs): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.opts.now() + ttlMs });
    this.prune();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops expired entries from the front, then the oldest while over the bound. */
  private prune(): void {
    const now = this.opts.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires > now && this.entries.size <= this.opts.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
