/**
 * The parts of a long answer still waiting to be read, per user. The channel keeps them itself
 * (the conversation state belongs to the engine): in this process's memory, or in Redis under
 * `jianli:wechat:pages:<OpenID>` when the MsgIds are claimed there, so every instance can serve
 * "回复 0". They expire after a day; a new answer replaces them.
 */
import { RetryCache } from './retry-cache';

/** A long answer's parts and the next one to send (0-based). */
export interface PagedAnswer {
  parts: string[];
  next: number;
  /** The message (retry key) whose answer these parts are. */
  key: string;
}

export interface PageStore {
  get(openId: string): Promise<PagedAnswer | undefined>;
  set(openId: string, paged: PagedAnswer): Promise<void>;
  delete(openId: string): Promise<void>;
}

/** How long waiting parts are kept. */
export const PAGES_TTL_SECONDS = 24 * 3600;

/** One process's pages; bounded, the oldest dropped first. */
export class MemoryPageStore implements PageStore {
  private readonly pages: RetryCache<PagedAnswer>;

  constructor(opts: { now?: () => number; maxEntries?: number; ttlSeconds?: number } = {}) {
    this.pages = new RetryCache({ ttlMs: (opts.ttlSeconds ?? PAGES_TTL_SECONDS) * 1000, maxEntries: opts.maxEntries ?? 10_000, now: opts.now ?? Date.now });
  }

  async get(openId: string): Promise<PagedAnswer | undefined> {
    const paged = this.pages.get(openId);
    return paged && { ...paged, parts: [...paged.parts] };
  }

  async set(openId: string, paged: PagedAnswer): Promise<void> {
    this.pages.set(openId, { ...paged, parts: [...paged.parts] });
  }

  async delete(openId: string): Promise<void> {
    this.pages.delete(openId);
  }
}

/** The Redis commands the page store uses (an ioredis client has them). */
export interface RedisPagesLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ex: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** Pages shared by every instance: one JSON value per user, `SET … EX`. */
export class RedisPageStore implements PageStore {
  constructor(
    private readonly redis: RedisPagesLike,
    private readonly prefix = 'jianli:wechat:pages:',
    private readonly ttlSeconds = PAGES_TTL_SECONDS,
  ) {}

  async get(openId: string): Promise<PagedAnswer | undefined> {
    const text = await this.redis.get(this.prefix + openId);
    if (!text) return undefined;
    try {
      const value = JSON.parse(text) as Partial<PagedAnswer>;
      if (!Array.isArray(value.parts) || !value.parts.every((p) => typeof p === 'string') || typeof value.next !== 'number' || typeof value.key !== 'string')
        return undefined;
      return { parts: value.parts, next: value.next, key: value.key };
    } catch {
      return undefined;
    }
  }

  async set(openId: string, paged: PagedAnswer): Promise<void> {
    await this.redis.set(this.prefix + openId, JSON.stringify(paged), 'EX', this.ttlSeconds);
  }

  async delete(openId: string): Promise<void> {
    await this.redis.del(this.prefix + openId);
  }
}
