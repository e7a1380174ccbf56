/**
 * Conversation state on Redis. A conversation's turns are serialised across instances by a
 * per-conversation lock with expiry (SET NX PX, released by a compare-and-delete script); the
 * state and the turn's transcript line are written in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { ConversationState } from '../../engine/types';
import { KeyedQueue } from '../keyed-queue';
import { StoreUnavailableError, type ConversationStates, type TurnRecord } from '../types';
import type { RedisConnection } from './connection';

interface StateRecord {
  state: ConversationState;
  updatedAt: string;
}

export interface RedisConversationsOptions {
  /** Milliseconds a lock is held at most, should its holder die. */
  lockTtlMs?: number;
  /** How long to wait for a busy conversation's lock. */
  lockWaitMs?: number;
  /** Keys expire after this many idle days (the retention setting). */
  retentionDays?: number;
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisConversations implements ConversationStates {
  private readonly queue = new KeyedQueue();
  /**
   * The state read with a section's lock, for the next read (then read from Redis again). Nobody
   * writes a state without its lock, and a write or delete drops the entry, so it is the stored value.
   */
  private readonly prefetched = new Map<string, string | null>();

  constructor(
    private readonly conn: RedisConnection,
    private readonly opts: RedisConversationsOptions = {},
  ) {}

  ready(timeoutMs?: number): Promise<void> {
    return this.conn.ready(timeoutMs);
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
    const { conn } = this;
    // In-process queue first, so one instance does not contend with itself for the Redis lock.
    return this.queue.run(conversationId, async () => {
      const lock = conn.key('l', conversationId);
      const token = randomBytes(12).toString('hex');
      const ttl = this.opts.lockTtlMs ?? 5000;
      const deadline = Date.now() + (this.opts.lockWaitMs ?? 5000);
      for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
        // The state is read in the same round trip as the lock is taken (a section almost always
        // starts by reading it). Redis runs the two in order, and nobody writes the state without
        // the lock, so when the lock is ours the value read is the current one.
        const [locked, state] = await conn.exec(conn.redis.pipeline().set(lock, token, 'PX', ttl, 'NX').get(conn.key('s', conversationId)));
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
        await conn.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
      }
    });
  }

  async read(conversationId: string): Promise<ConversationState | undefined> {
    const early = this.prefetched.get(conversationId);
    this.prefetched.delete(conversationId);
    const raw = early !== undefined ? early : await this.conn.call(() => this.conn.redis.get(this.conn.key('s', conversationId)));
    return raw ? (JSON.parse(raw) as StateRecord).state : undefined;
  }

  async write(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    this.prefetched.delete(conversationId);
    const s = this.conn.key('s', conversationId);
    const t = this.conn.key('t', conversationId);
    const record: StateRecord = { state, updatedAt: turn.at };
    const multi = this.conn.redis.multi().set(s, JSON.stringify(record)).rpush(t, JSON.stringify(turn));
    if (this.opts.retentionDays) {
      const seconds = Math.round(this.opts.retentionDays * 86400);
      multi.expire(s, seconds).expire(t, seconds);
    }
    await this.conn.exec(multi);
  }

  async delete(conversationId: string): Promise<boolean> {
    this.prefetched.delete(conversationId);
    const { conn } = this;
    const h = conn.key('h', conversationId);
    const tickets = await conn.call(() => conn.redis.lrange(h, 0, -1));
    const multi = conn.redis.multi().del(conn.key('s', conversationId), conn.key('t', conversationId), h);
    if (tickets.length) multi.zrem(conn.ticketIndex, ...tickets);
    const results = await conn.exec(multi);
    const deleted = Number(results?.[0]?.[1] ?? 0);
    return deleted > 0;
  }

  async purgeIdleSince(cutoff: Date): Promise<number> {
    const { conn } = this;
    const head = conn.key('s', '');
    let purged = 0;
    let cursor = '0';
    do {
      const [next, keys] = await conn.call(() => conn.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        const raw = await conn.call(() => conn.redis.get(key));
        if (raw && new Date((JSON.parse(raw) as StateRecord).updatedAt) < cutoff) {
          await this.delete(key.slice(head.length));
          purged++;
        }
      }
    } while (cursor !== '0');
    return purged;
  }
}
