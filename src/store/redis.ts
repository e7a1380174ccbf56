/**
 * The scale-out store: Redis, shared by any number of server instances. Its parts are in
 * src/store/redis/: the connection (fail fast with StoreUnavailableError, 1 s command timeouts),
 * the conversation states (a per-conversation lock across instances), the transcript log and the
 * handoff tickets.
 */
import type { ConversationStore } from './types';
import { RedisConnection, type RedisConnectionOptions } from './redis/connection';
import { RedisConversations, type RedisConversationsOptions } from './redis/conversations';
import { RedisTickets } from './redis/tickets';
import { RedisTranscripts } from './redis/transcripts';

export type RedisStoreOptions = RedisConnectionOptions & RedisConversationsOptions;

export class RedisStore implements ConversationStore {
  readonly kind = 'redis' as const;
  readonly conversations: RedisConversations;
  readonly transcripts: RedisTranscripts;
  readonly tickets: RedisTickets;
  private readonly conn: RedisConnection;

  constructor(url: string, opts: RedisStoreOptions = {}) {
    this.conn = new RedisConnection(url, opts);
    this.conversations = new RedisConversations(this.conn, opts);
    this.transcripts = new RedisTranscripts(this.conn);
    this.tickets = new RedisTickets(this.conn, opts.retentionDays);
  }

  health(): Promise<{ ok: boolean; reason?: string }> {
    return this.conn.health();
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
