/**
 * What several instances on one Redis share besides the conversations (those are the store's):
 * rate-limit counts, the missed-questions log and knowledge reloads. Each gets its own connection
 * to the store's Redis (JIANLI_STORE), as the WeChat MsgId claims do; the store keeps its client
 * private.
 */
import { Redis } from 'ioredis';
import type { IncrementResponse, Options as RateLimitOptions, Store } from 'express-rate-limit';
import { RedisStore as RateLimitRedisStore, type RedisReply } from 'rate-limit-redis';

/** Every key this file writes starts with this (the conversation store uses the same `jianli:`). */
export const SHARED_PREFIX = 'jianli:';

/** Whether a JIANLI_STORE value names Redis. */
export function isRedisUrl(store: string | undefined): store is string {
  return !!store && /^rediss?:\/\//.test(store);
}

/**
 * A connection for the shared state. Commands sent while it connects wait for it; while Redis is
 * away one fails after a reconnection attempt or a second without an answer, so a request that
 * needs Redis gets its error (a 503) quickly, and the client keeps reconnecting by itself.
 */
export function connectShared(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `jianli-${name}`,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  // Failures reach the callers that needed Redis; without a listener ioredis prints each reconnect.
  client.on('error', () => undefined);
  return client;
}

/** Waits until `client` is connected, or fails after `timeoutMs` with a line naming Redis's address. */
export async function whenReady(client: Redis, url: string, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', ready);
      reject(new Error(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//…@')} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', ready);
  });
}

/**
 * rate-limit-redis's store, made to survive Redis being away when it starts: the store loads its
 * Lua scripts once (at init), and a load that failed would fail every later count. Here a failed
 * count loads them again, so counting resumes when Redis is back.
 */
class ResilientRateLimitStore extends RateLimitRedisStore {
  override async init(options: RateLimitOptions): Promise<void> {
    await super.init(options).catch(() => undefined);
  }

  override async increment(key: string): Promise<IncrementResponse> {
    try {
      return await super.increment(key);
    } catch (err) {
      const [increment, get] = [this.loadIncrementScript(), this.loadGetScript()];
      // Failures of these loads show up in the next count.
      increment.catch(() => undefined);
      get.catch(() => undefined);
      this.incrementScriptSha = increment;
      this.getScriptSha = get;
      throw err;
    }
  }
}

/** The rate limits' stores on Redis: one count per address and per conversation, whichever instance is asked. */
export function redisRateLimitStores(client: Redis, prefix = `${SHARED_PREFIX}rl:`): { address: Store; conversation: Store } {
  const sendCommand = (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>;
  return {
    address: new ResilientRateLimitStore({ sendCommand, prefix: `${prefix}a:` }),
    conversation: new ResilientRateLimitStore({ sendCommand, prefix: `${prefix}c:` }),
  };
}
