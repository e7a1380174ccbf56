/**
 * Handoff tickets on Redis: a list per conversation (deleted with it) and one sorted set of every
 * ticket scored by its creation time, for the newest-first listing of all conversations.
 */
import type { HandoffTicket } from '../../handoff/types';
import { newestFirst, type TicketStore } from '../types';
import type { RedisConnection } from './connection';

export class RedisTickets implements TicketStore {
  constructor(
    private readonly conn: RedisConnection,
    /** The per-conversation lists expire and the index is trimmed after this many days (the retention setting). */
    private readonly retentionDays?: number,
  ) {}

  async save(ticket: HandoffTicket): Promise<void> {
    const { conn } = this;
    const json = JSON.stringify(ticket);
    const h = conn.key('h', ticket.conversationId);
    const multi = conn.redis.multi().rpush(h, json).zadd(conn.ticketIndex, Date.parse(ticket.createdAt), json);
    if (this.retentionDays) {
      // The per-conversation list expires with the conversation; the shared index is trimmed by age.
      const ms = this.retentionDays * 86400_000;
      multi.pexpire(h, Math.round(ms)).zremrangebyscore(conn.ticketIndex, '-inf', `(${Date.now() - ms}`);
    }
    await conn.exec(multi);
  }

  async list(limit: number, conversationId?: string): Promise<HandoffTicket[]> {
    const { conn } = this;
    if (limit <= 0) return [];
    const lines = conversationId
      ? await conn.call(() => conn.redis.lrange(conn.key('h', conversationId), 0, -1))
      : // The index is in creation order already: only the newest `limit` are read.
        await conn.call(() => conn.redis.zrevrange(conn.ticketIndex, 0, limit - 1));
    return newestFirst(lines.map((l) => JSON.parse(l) as HandoffTicket)).slice(0, limit);
  }
}
