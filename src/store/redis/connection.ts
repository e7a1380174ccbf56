/**
 * The Redis store's connection. Commands fail fast while Redis is away (no offline queue), so a
 * request gets a 503 at once; the client keeps reconnecting and service resumes by itself. A Redis
 * that accepts the connection but does not answer (paused, overloaded, a dead peer) is bounded
 * too: each command gives up after commandTimeoutMs and a silent socket is dropped, so a turn or
 * a health check gets its 503 within about a second instead of waiting for TCP.
 */
import { Redis, type ChainableCommander } from 'ioredis';
import { StoreUnavailableError } from '../types';

export interface RedisConnectionOptions {
  /** Put before every key, so several deployments (or tests) can share one Redis. Default `jianli:`. */
  prefix?: string;
  /** A command unanswered after this long fails (503); the same bound applies to connecting. Default 1000. */
  commandTimeoutMs?: number;
}

/** s: state, t: transcript (list), l: lock, h: the conversation's handoff tickets (list). */
export type KeyKind = 's' | 't' | 'l' | 'h';

export class RedisConnection {
  readonly redis: Redis;
  readonly prefix: string;
  private lastError = '';

  constructor(url: string, opts: RedisConnectionOptions = {}) {
    this.prefix = opts.prefix ?? 'jianli:';
    const timeout = opts.commandTimeoutMs ?? 1000;
    this.redis = new Redis(url, {
      // No queue while disconnected: a command then fails at once instead of waiting for Redis.
      enableOfflineQueue: false,
      // A command lost with its connection is not resent on the next one: its caller already has a 503.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Each command (the handshake's included) fails after this long without a reply…
      commandTimeout: timeout,
      // …and a socket that stays silent that long while a reply is due is dropped and reconnected,
      // so the next requests fail fast (not ready) instead of each waiting out its timeout.
      socketTimeout: timeout,
      connectTimeout: timeout,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      lazyConnect: false,
    });
    // Without a listener ioredis prints every reconnect failure; we report them through health() and 503s.
    this.redis.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    // A reason from an earlier outage would mislead the next one's 503s.
    this.redis.on('ready', () => {
      this.lastError = '';
    });
  }

  key(kind: KeyKind, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** Every ticket of every conversation, scored by creation time, for the newest-first listing. */
  get ticketIndex(): string {
    return `${this.prefix}handoffs`;
  }

  /**
   * Runs Redis calls, turning every failure into StoreUnavailableError (a 503): not reaching Redis,
   * a timeout, and an error reply too (OOM, MISCONF, READONLY…: Redis cannot serve the request).
   * `fn` must only call Redis.
   */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(this.lastError || `redis is ${this.redis.status}`);
    try {
      return await fn();
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Runs a pipeline or transaction through call(); a command's error in its results is thrown as well. */
  async exec(batch: ChainableCommander): Promise<[Error | null, unknown][]> {
    const results = (await this.call(() => batch.exec())) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw unavailable(failed[0]);
    return results;
  }

  /** Waits until Redis answers. */
  async ready(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.redis.status !== 'ready') {
      if (Date.now() > until) throw new StoreUnavailableError(this.lastError || 'redis did not become ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async health(): Promise<{ ok: boolean; reason?: string }> {
    if (this.redis.status !== 'ready') return { ok: false, reason: this.lastError || `redis is ${this.redis.status}` };
    try {
      await this.redis.ping();
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}

function unavailable(err: unknown): StoreUnavailableError {
  if (err instanceof StoreUnavailableError) return err;
  const message = (err as Error)?.message ?? String(err);
  return new StoreUnavailableError(message === 'Command timed out' ? 'redis did not answer in time (command timeout)' : message);
}
