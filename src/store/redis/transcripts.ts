/** The transcript log on Redis: a list per conversation, written with its state (conversations.ts). */
import type { ConversationTranscript, TranscriptLog, TurnRecord } from '../types';
import type { RedisConnection } from './connection';

export class RedisTranscripts implements TranscriptLog {
  constructor(private readonly conn: RedisConnection) {}

  async read(conversationId: string): Promise<TurnRecord[]> {
    const lines = await this.conn.call(() => this.conn.redis.lrange(this.conn.key('t', conversationId), 0, -1));
    return lines.map((l) => JSON.parse(l) as TurnRecord);
  }

  async *scan(): AsyncIterable<ConversationTranscript> {
    const { conn } = this;
    const head = conn.key('t', '');
    // SCAN may return a key twice while the keyspace changes; each transcript is yielded once.
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await conn.call(() => conn.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        if (seen.has(key)) continue;
        seen.add(key);
        const lines = await conn.call(() => conn.redis.lrange(key, 0, -1));
        yield { conversationId: key.slice(head.length), turns: lines.map((l) => JSON.parse(l) as TurnRecord) };
      }
    } while (cursor !== '0');
  }
}
