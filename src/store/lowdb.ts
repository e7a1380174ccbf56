/**
 * The embedded default store. Per conversation: a lowdb state file (rewritten atomically by
 * lowdb's steno writer: temp file + rename, so a crash leaves the last good file) and an
 * append-only JSON-lines transcript. A turn touches only its own conversation's two files, so its
 * cost does not grow with the number of stored conversations, nor with the length of the transcript.
 * Handoff tickets are appended to one JSON-lines file per conversation as well, so `forget`
 * removes them with the conversation and two conversations never write the same file.
 */
import { mkdirSync } from 'node:fs';
import { appendFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConversationState } from '../engine/types';
import type { HandoffTicket } from '../handoff/types';
import { KeyedQueue, type ConversationStore, type ConversationTranscript, type StoredConversation, type TurnRecord } from './types';

interface StateFile {
  conversationId: string;
  state: ConversationState;
  updatedAt: string;
}

/** File name for a conversation id: readable when safe, hashed otherwise (ids come from users). */
function baseName(conversationId: string): string {
  if (/^[\w.:-]{1,100}$/.test(conversationId) && !conversationId.startsWith('.')) return conversationId.replace(/:/g, '_');
  return `h_${createHash('sha256').update(conversationId).digest('hex').slice(0, 40)}`;
}

export class LowdbStore implements ConversationStore {
  readonly kind = 'lowdb' as const;
  private readonly stateDir: string;
  private readonly transcriptDir: string;
  private readonly handoffDir: string;
  private readonly queue = new KeyedQueue();

  constructor(dataDir: string) {
    this.stateDir = join(dataDir, 'conversations');
    this.transcriptDir = join(dataDir, 'transcripts');
    this.handoffDir = join(dataDir, 'handoffs');
    mkdirSync(this.stateDir, { recursive: true });
    mkdirSync(this.transcriptDir, { recursive: true });
    mkdirSync(this.handoffDir, { recursive: true });
  }

  private statePath(id: string) {
    return join(this.stateDir, `${baseName(id)}.json`);
  }

  private transcriptPath(id: string) {
    return join(this.transcriptDir, `${baseName(id)}.jsonl`);
  }

  private handoffPath(id: string) {
    return join(this.handoffDir, `${baseName(id)}.jsonl`);
  }

  private db(id: string): Low<StateFile | null> {
    return new Low<StateFile | null>(new JSONFile(this.statePath(id)), null);
  }

  exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(conversationId, work);
  }

  async getState(conversationId: string): Promise<ConversationState | undefined> {
    const db = this.db(conversationId);
    await db.read();
    return db.data?.state;
  }

  async append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    // Transcript first: a crash between the two writes leaves an extra logged turn, never a lost one.
    await appendFile(this.transcriptPath(conversationId), `${JSON.stringify(turn)}\n`, 'utf8');
    const db = this.db(conversationId);
    // The whole record is replaced: nothing in it depends on the previous one, so it is not read first.
    db.data = { conversationId, state, updatedAt: turn.at };
    await db.write();
  }

  async export(conversationId: string): Promise<StoredConversation | undefined> {
    const db = this.db(conversationId);
    await db.read();
    if (!db.data) return undefined;
    return { conversationId, state: db.data.state, turns: await this.readTranscript(conversationId) };
  }

  private readTranscript(conversationId: string): Promise<TurnRecord[]> {
    return readJsonLines<TurnRecord>(this.transcriptPath(conversationId));
  }

  async *scan(): AsyncIterable<ConversationTranscript> {
    for (const name of await readdir(this.transcriptDir)) {
      if (!name.endsWith('.jsonl')) continue;
      const base = name.slice(0, -'.jsonl'.length);
      // File names may be hashes; the state file knows the real id.
      const state = JSON.parse(await readFile(join(this.stateDir, `${base}.json`), 'utf8').catch(() => 'null')) as StateFile | null;
      yield { conversationId: state?.conversationId ?? base, turns: await readJsonLines<TurnRecord>(join(this.transcriptDir, name)) };
    }
  }

  async saveHandoff(ticket: HandoffTicket): Promise<void> {
    // One small append per ticket (O_APPEND): concurrent tickets of other conversations touch other files.
    await appendFile(this.handoffPath(ticket.conversationId), `${JSON.stringify(ticket)}\n`, 'utf8');
  }

  async listHandoffs(limit: number, conversationId?: string): Promise<HandoffTicket[]> {
    const files = conversationId ? [this.handoffPath(conversationId)] : (await readdir(this.handoffDir)).filter((n) => n.endsWith('.jsonl')).map((n) => join(this.handoffDir, n));
    const tickets: HandoffTicket[] = [];
    for (const f of files) tickets.push(...(await readJsonLines<HandoffTicket>(f)));
    return newestFirst(tickets).slice(0, Math.max(0, limit));
  }

  async delete(conversationId: string): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      const existed = await stat(this.statePath(conversationId)).then(() => true, () => false);
      const hadTranscript = await stat(this.transcriptPath(conversationId)).then(() => true, () => false);
      const hadTickets = await stat(this.handoffPath(conversationId)).then(() => true, () => false);
      await rm(this.statePath(conversationId), { force: true });
      await rm(this.transcriptPath(conversationId), { force: true });
      await rm(this.handoffPath(conversationId), { force: true });
      return existed || hadTranscript || hadTickets;
    });
  }

  async purgeIdleSince(cutoff: Date): Promise<number> {
    let purged = 0;
    for (const name of await readdir(this.stateDir)) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.stateDir, name);
      const data = JSON.parse(await readFile(path, 'utf8').catch(() => 'null')) as StateFile | null;
      if (data && new Date(data.updatedAt) >= cutoff) continue;
      await rm(path, { force: true });
      await rm(join(this.transcriptDir, name.replace(/\.json$/, '.jsonl')), { force: true });
      await rm(join(this.handoffDir, name.replace(/\.json$/, '.jsonl')), { force: true });
      purged++;
    }
    return purged;
  }

  async health() {
    return { ok: true };
  }

  async close(): Promise<void> {}
}

/** A JSON-lines file's complete lines; a line cut short by a crash is skipped; a missing file is empty. */
async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const rows: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      // Partial last line after a crash: not a complete record.
    }
  }
  return rows;
}

/** Newest ticket first; ties (same millisecond) in a stable order. */
export function newestFirst(tickets: HandoffTicket[]): HandoffTicket[] {
  return [...tickets].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
