/**
 * The embedded default store, for one server process, in the data folder. Its parts, one job each,
 * are in src/store/lowdb/:
 *
 * - files.ts: each conversation's files (a lowdb state file, an append-only JSON-lines transcript,
 *   a JSON-lines file of handoff tickets), named one-to-one with the ids (file-names.ts, which also
 *   renames files of the old naming scheme at start-up); json-lines.ts ends a line cut short by a
 *   crash before the next append and skips it when reading.
 * - journal.ts and recovery.ts: a turn is durable once it is a line in a shared group-commit
 *   journal; segments a stopped process left are applied at start-up, skipping what was applied.
 * - conversations.ts: the conversation states (the journal, the checkpoints, a cache); the
 *   transcript log (transcripts.ts) and the tickets (tickets.ts) beside them.
 * - writer.ts (and apply-worker.mjs): the thread that applies journaled turns to the files.
 * - lock.ts: a second process (a `jianli export` while the server runs) is kept from applying the
 *   same journal.
 *
 * With `fsync` (JIANLI_FSYNC=1) a turn is on disk before `write` resolves, a ticket before `save`
 * resolves, and a checkpoint syncs the files before it removes the journal segment.
 */
import { join } from 'node:path';
import type { ConversationStore } from './types';
import { LowdbConversations, type LowdbConversationsOptions } from './lowdb/conversations';
import { ConversationFiles } from './lowdb/files';
import { Journal } from './lowdb/journal';
import { DataFolderLock } from './lowdb/lock';
import { LowdbTickets } from './lowdb/tickets';
import { LowdbTranscripts } from './lowdb/transcripts';
import { Writer } from './lowdb/writer';

export interface LowdbStoreOptions extends LowdbConversationsOptions {
  /** Sync each turn to disk before `write` resolves, and the conversation files before a journal segment is removed (JIANLI_FSYNC=1). */
  fsync?: boolean;
}

export class LowdbStore implements ConversationStore {
  readonly kind = 'lowdb' as const;
  readonly conversations: LowdbConversations;
  readonly transcripts: LowdbTranscripts;
  readonly tickets: LowdbTickets;
  private readonly lock: DataFolderLock;
  private readonly journal: Journal;
  private readonly writer: Writer;

  constructor(dataDir: string, opts: LowdbStoreOptions = {}) {
    const fsync = opts.fsync ?? false;
    const files = new ConversationFiles(dataDir);
    this.lock = new DataFolderLock(join(dataDir, 'store.lock'));
    this.lock.acquire();
    this.journal = new Journal(join(dataDir, 'journal'), { fsync });
    this.writer = new Writer(fsync);
    this.conversations = new LowdbConversations(files, this.journal, this.writer, opts);
    this.transcripts = new LowdbTranscripts(files, this.conversations);
    this.tickets = new LowdbTickets(files, this.conversations.recovered, fsync);
  }

  /** Applies every turn journaled so far to the conversation files (tests, benchmarks). */
  flush(): Promise<void> {
    return this.conversations.flush();
  }

  /** Turns journaled, the write calls that stored them and the syncs that made them durable (fsync mode), since start-up. */
  journalStats(): { lines: number; writes: number; syncs: number } {
    return this.journal.stats();
  }

  async health(): Promise<{ ok: boolean; reason?: string }> {
    const reason = this.conversations.failure;
    return reason ? { ok: false, reason } : { ok: true };
  }

  async close(): Promise<void> {
    await this.conversations.close();
    this.journal.close();
    await this.writer.stop();
    this.lock.release();
  }
}
