/**
 * Which messages have already been taken on, so none is answered (and stored) twice: WeChat's
 * retries and a captured request replayed within the timestamp window carry the same MsgId.
 * In memory for one process; in Redis (SET NX EX) when several instances share a Redis store,
 * so a retry or replay that reaches another instance is recognised too.
 */
import { Redis } from 'ioredis';
import { RedisPageStore, type PageStore, type RedisPagesLike } from './pages';
import { RetryCache } from './retry-cache';

export interface MsgIdClaims {
  /** True for the first claim of `key` within `ttlSeconds`, false if it was claimed already. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claim (its turn failed, so WeChat's retry may run it again). */
  release(key: string): Promise<void>;
}

/** One process's claims; bounded, so a flood cannot grow it without end. */
export class MemoryMsgIdClaims implements MsgIdClaims {
  private readonly seen: RetryCache<true>;

  constructor(opts: { now?: () => number; maxEntries?: number } = {}) {
    // Each claim brings its TTL (the router's, the same for all its claims).
    this.seen = new RetryCache<true>({ ttlMs: 0, maxEntries: opts.maxEntries ?? 100_000, now: opts.now ?? Date.now });
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.seen.get(key)) return false;
    this.seen.set(key, true, ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }
}

/** The two commands the Redis claims use (an ioredis client has them). */
export interface RedisLike {
  set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): Promise<'OK' | null>;
  del(key: string): Promise<number>;
}

/** Claims shared by every instance on one Redis: `SET <prefix><key> 1 NX EX <ttl>`. */
export class RedisMsgIdClaims implements MsgIdClaims {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix = 'jianli:wechat:msg:',
    private readonly onClose?: () => void,
  ) {}

  /**
   * A connection of its own to the store's Redis (the store keeps its client private). A command
   * waits while the client connects at start-up, and fails (a 500, so WeChat retries) after 2 s
   * without an answer or after one reconnection attempt while Redis is away.
   */
  static connect(url: string, prefix?: string): RedisMsgIdClaims {
    const client = new Redis(url, {
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    // Failures reach the request that needed Redis; without a listener ioredis prints each one.
    client.on('error', () => undefined);
    return new RedisMsgIdClaims(client, prefix, () => client.disconnect());
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  /**
   * The waiting parts of long answers on the same Redis (`jianli:wechat:pages:<OpenID>`, or the
   * claims' prefix with `msg:` replaced by `pages:`), so any instance answers "回复 0"; undefined
   * when the client cannot GET (a fake with SET and DEL only).
   */
  pageStore(): PageStore | undefined {
    const client = this.redis as Partial<RedisPagesLike>;
    if (typeof client.get !== 'function') return undefined;
    const prefix = this.prefix.endsWith('msg:') ? `${this.prefix.slice(0, -'msg:'.length)}pages:` : `${this.prefix}pages:`;
    return new RedisPageStore(this.redis as unknown as RedisPagesLike, prefix);
  }

  close(): void {
    this.onClose?.();
  }
}
