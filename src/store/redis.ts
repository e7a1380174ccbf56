/**
 * The scale-out store: Redis, shared by any number of server instances. A conversation's turns
 * are serialised across instances by a per-conversation lock with expiry (SET NX PX, released by
 * a compare-and-delete script). Commands fail fast while Redis is away (no offline queue), so a
 * request gets a 503 at once; the client keeps reconnecting and service resumes by itself.
 * A Redis that accepts the connection but does not answer (paused, overloaded, a dead peer) is
 * bounded too: each command gives up after commandTimeoutMs and a silent socket is dropped, so a
 * turn or a health check gets its 503 within about a second instead of waiting for TCP.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type ChainableCommander } from 'ioredis';
import type { ConversationState } from '../engine/types';
import type { HandoffTicket } from '../handoff/types';
import { KeyedQueue, StoreUnavailableError, type ConversationStore, type ConversationTranscript, type StoredConversation, type TurnRecord } from './types';

interface StateRecord {
  state: ConversationState;
  updatedAt: string;
}

export interface RedisStoreOptions {
  /** Seconds a lock is held at most, should its holder die. */
  lockTtlMs?: number;
  /** How long to wait for a busy conversation's lock. */
  lockWaitMs?: number;
  /** Keys expire after this many idle days (the retention setting). */
  retentionDays?: number;
  prefix?: string;
  /** A command unanswered after this long fails (503); the same bound applies to connecting. Default 1000. */
  commandTimeoutMs?: number;
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisStore implements ConversationStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly queue = new KeyedQueue();
  private readonly prefix: string;
  private lastError = '';

  constructor(
    url: string,
    private readonly opts: RedisStoreOptions = {},
  ) {
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

  /** s: state, t: transcript (list), l: lock, h: the conversation's handoff tickets (list). */
  private key(kind: 's' | 't' | 'l' | 'h', id: string) {
    return `${this.prefix}${kind}:${id}`;
  }

  /** Every ticket of every conversation, scored by creation time, for the newest-first listing. */
  private get handoffIndex() {
    return `${this.prefix}handoffs`;
  }

  /**
   * Runs Redis calls, turning every failure into StoreUnavailableError (a 503): not reaching Redis,
   * a timeout, and an error reply too (OOM, MISCONF, READONLY…: Redis cannot serve the request).
   * `fn` must only call Redis.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(this.lastError || `redis is ${this.redis.status}`);
    try {
      return await fn();
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Runs a pipeline or transaction through call(); a command's error in its results is thrown as well. */
  private async exec(batch: ChainableCommander): Promise<[Error | null, unknown][]> {
    const results = (await this.call(() => batch.exec())) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw unavailable(failed[0]);
    return results;
  }

  /** Waits until Redis answers (for start-up and tests). */
  async ready(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.redis.status !== 'ready') {
      if (Date.now() > until) throw new StoreUnavailableError(this.lastError || 'redis did not become ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    // The caller has its answer once the work is done (the turn is stored by then); the lock's
    // release is one more round trip that the next section of this conversation waits for here,
    // in the in-process queue, but the reply does not.
    return new Promise<T>((resolve, reject) => {
      this.locked(conversationId, work, resolve, reject).catch(reject);
    });
  }

  private locked<T>(conversationId: string, work: () => Promise<T>, resolve: (value: T) => void, reject: (err: unknown) => void): Promise<void> {
    // In-process queue first, so one instance does not contend with itself for the Redis lock.
    return this.queue.run(conversationId, async () => {
      const lock = this.key('l', conversationId);
      const token = randomBytes(12).toString('hex');
      const ttl = this.opts.lockTtlMs ?? 5000;
      const deadline = Date.now() + (this.opts.lockWaitMs ?? 5000);
      for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
        // The state is read in the same round trip as the lock is taken (a section almost always
        // starts by reading it). Redis runs the two in order, and nobody writes the state without
        // the lock, so when the lock is ours the value read is the current one.
        const [locked, state] = await this.exec(this.redis.pipeline().set(lock, token, 'PX', ttl, 'NX').get(this.key('s', conversationId)));
        if (locked?.[1] === 'OK') {
          this.prefetched.set(conversationId, state?.[1] as string | null);
          break;
        }
        if (Date.now() > deadline) throw new StoreUnavailableError(`conversation ${conversationId} is locked by another instance`);
        await new Promise((r) => setTimeout(r, wait));
      }
      try {
        resolve(await work());
      } catch (err) {
        reject(err);
      } finally {
        this.prefetched.delete(conversationId);
        await this.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
      }
    });
  }

  /** The state read with the lock, for the section's first getState (then read from Redis again). */
  private readonly prefetched = new Map<string, string | null>();

  async getState(conversationId: string): Promise<ConversationState | undefined> {
    const early = this.prefetched.get(conversationId);
    this.prefetched.delete(conversationId);
    const raw = early !== undefined ? early : await this.call(() => this.redis.get(this.key('s', conversationId)));
    return raw ? (JSON.parse(raw) as StateRecord).state : undefined;
  }

  async append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    const s = this.key('s', conversationId);
    const t = this.key('t', conversationId);
    const record: StateRecord = { state, updatedAt: turn.at };
    const multi = this.redis.multi().set(s, JSON.stringify(record)).rpush(t, JSON.stringify(turn));
    if (this.opts.retentionDays) {
      const seconds = Math.round(this.opts.retentionDays * 86400);
      multi.expire(s, seconds).expire(t, seconds);
    }
    await this.exec(multi);
  }

  async export(conversationId: string): Promise<StoredConversation | undefined> {
    const [raw, turns] = await this.call(() => Promise.all([this.redis.get(this.key('s', conversationId)), this.redis.lrange(this.key('t', conversationId), 0, -1)]));
    if (!raw) return undefined;
    return { conversationId, state: (JSON.parse(raw) as StateRecord).state, turns: turns.map((l) => JSON.parse(l) as TurnRecord) };
  }

  async *scan(): AsyncIterable<ConversationTranscript> {
    const head = `${this.prefix}t:`;
    // SCAN may return a key twice while the keyspace changes; each transcript is yielded once.
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.call(() => this.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        if (seen.has(key)) continue;
        seen.add(key);
        const lines = await this.call(() => this.redis.lrange(key, 0, -1));
        yield { conversationId: key.slice(head.length), turns: lines.map((l) => JSON.parse(l) as TurnRecord) };
      }
    } while (cursor !== '0');
  }

  async saveHandoff(ticket: HandoffTicket): Promise<void> {
    const json = JSON.stringify(ticket);
    const h = this.key('h', ticket.conversationId);
    const multi = this.redis.multi().rpush(h, json).zadd(this.handoffIndex, Date.parse(ticket.createdAt), json);
    if (this.opts.retentionDays) {
      // The per-conversation list expires with the conversation; the shared index is trimmed by age.
      const ms = this.opts.retentionDays * 86400_000;
      multi.pexpire(h, Math.round(ms)).zremrangebyscore(this.handoffIndex, '-inf', `(${Date.now() - ms}`);
    }
    await this.exec(multi);
  }

  async listHandoffs(limit: number, conversationId?: string): Promise<HandoffTicket[]> {
    if (limit <= 0) return [];
    if (conversationId) {
      const lines = await this.call(() => this.redis.lrange(this.key('h', conversationId), 0, -1));
      return lines
        .map((l) => JSON.parse(l) as HandoffTicket)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
        .slice(0, limit);
    }
    const lines = await this.call(() => this.redis.zrevrange(this.handoffIndex, 0, limit - 1));
    return lines.map((l) => JSON.parse(l) as HandoffTicket);
  }

  async delete(conversationId: string): Promise<boolean> {
    const h = this.key('h', conversationId);
    const tickets = await this.call(() => this.redis.lrange(h, 0, -1));
    const multi = this.redis.multi().del(this.key('s', conversationId), this.key('t', conversationId), h);
    if (tickets.length) multi.zrem(this.handoffIndex, ...tickets);
    const results = await this.exec(multi);
    const deleted = Number(results?.[0]?.[1] ?? 0);
    return deleted > 0;
  }

  async purgeIdleSince(cutoff: Date): Promise<number> {
    let purged = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.call(() => this.redis.scan(cursor, 'MATCH', `${this.prefix}s:*`, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        const raw = await this.call(() => this.redis.get(key));
        if (raw && new Date((JSON.parse(raw) as StateRecord).updatedAt) < cutoff) {
          const id = key.slice(`${this.prefix}s:`.length);
          await this.delete(id);
          purged++;
        }
      }
    } while (cursor !== '0');
    return purged;
  }

  async health() {
    if (this.redis.status !== 'ready') return { ok: false, reason: this.lastError || `redis is ${this.redis.status}` };
    try {
      await this.redis.ping();
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

function unavailable(err: unknown): StoreUnavailableError {
  if (err instanceof StoreUnavailableError) return err;
  const message = (err as Error)?.message ?? String(err);
  return new StoreUnavailableError(message === 'Command timed out' ? 'redis did not answer in time (command timeout)' : message);
}
