/**
 * The embedded default store: lowdb, one JSON file per conversation, so a turn rewrites only its
 * own conversation's file however many are stored. lowdb's JSONFile writes through steno, which
 * writes a temporary file and renames it: a crash mid-write leaves the last good file.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConversationState } from '../engine/types';
import type { ConversationStore, StoredConversation, TurnRecord } from './types';

/** File name for a conversation id: readable when safe, hashed otherwise (ids come from users). */
function fileName(conversationId: string): string {
  if (/^[\w.:-]{1,100}$/.test(conversationId)) return `${conversationId.replace(/:/g, '_')}.json`;
  return `h_${createHash('sha256').update(conversationId).digest('hex').slice(0, 40)}.json`;
}

export class LowdbStore implements ConversationStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'conversations');
    mkdirSync(this.dir, { recursive: true });
  }

  private db(conversationId: string): Low<StoredConversation | null> {
    return new Low<StoredConversation | null>(new JSONFile(join(this.dir, fileName(conversationId))), null);
  }

  async get(conversationId: string): Promise<StoredConversation | undefined> {
    const db = this.db(conversationId);
    await db.read();
    return db.data ?? undefined;
  }

  async append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    const db = this.db(conversationId);
    await db.read();
    const current = db.data ?? { conversationId, state, turns: [] };
    db.data = { conversationId, state, turns: [...current.turns, turn] };
    await db.write();
  }

  async delete(conversationId: string): Promise<boolean> {
    const path = join(this.dir, fileName(conversationId));
    const existed = readdirSync(this.dir).includes(fileName(conversationId));
    await rm(path, { force: true });
    return existed;
  }

  async close(): Promise<void> {}
}
