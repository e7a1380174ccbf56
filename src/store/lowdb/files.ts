/**
 * The embedded store's files of each conversation, in three folders of the data folder: a lowdb
 * state file (conversations/<name>.json), an append-only JSON-lines transcript
 * (transcripts/<name>.jsonl) and a JSON-lines file of handoff tickets (handoffs/<name>.jsonl).
 * Names are one-to-one with conversation ids (file-names.ts).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConversationState } from '../../engine/types';
import { fileName, idOfFileName, type StoreFolders } from './file-names';
import type { JournalPosition } from './journal';

/** A conversation's state file. */
export interface StateFile {
  conversationId: string;
  state: ConversationState;
  updatedAt: string;
  /** The last journal entry applied to this conversation's files. */
  applied?: JournalPosition;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** State file names (without `.json`) in a folder. */
const stateNames = (names: string[]) => names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -'.json'.length));

export class ConversationFiles implements StoreFolders {
  readonly stateDir: string;
  readonly transcriptDir: string;
  readonly handoffDir: string;
  /** File base names of the conversations with a state file: a new conversation costs no file lookup. */
  private readonly known: Set<string>;

  constructor(dataDir: string) {
    this.stateDir = join(dataDir, 'conversations');
    this.transcriptDir = join(dataDir, 'transcripts');
    this.handoffDir = join(dataDir, 'handoffs');
    mkdirSync(this.stateDir, { recursive: true });
    mkdirSync(this.transcriptDir, { recursive: true });
    mkdirSync(this.handoffDir, { recursive: true });
    this.known = new Set(stateNames(readdirSync(this.stateDir)));
  }

  statePath(id: string): string {
    return join(this.stateDir, `${fileName(id)}.json`);
  }

  transcriptPath(id: string): string {
    return join(this.transcriptDir, `${fileName(id)}.jsonl`);
  }

  handoffPath(id: string): string {
    return join(this.handoffDir, `${fileName(id)}.jsonl`);
  }

  /** Reads the state files' names again (after files were renamed at start-up). */
  async rescan(): Promise<void> {
    this.known.clear();
    for (const n of stateNames(await readdir(this.stateDir))) this.known.add(n);
  }

  /** Whether a conversation may have a state file (false: it certainly has none). */
  mayHaveState(id: string): boolean {
    return this.known.has(fileName(id));
  }

  /** Notes that a conversation's state file was written. */
  written(id: string): void {
    this.known.add(fileName(id));
  }

  /** The state file, or null when it is empty or missing; a file torn by a crash throws. */
  async readState(id: string): Promise<StateFile | null> {
    const db = new Low<StateFile | null>(new JSONFile(this.statePath(id)), null);
    await db.read();
    return db.data;
  }

  /** Removes a conversation's files; true when one of them existed. */
  async remove(id: string): Promise<boolean> {
    this.known.delete(fileName(id));
    const paths = [this.statePath(id), this.transcriptPath(id), this.handoffPath(id)];
    const existed = await Promise.all(paths.map(exists));
    for (const p of paths) await rm(p, { force: true });
    return existed.some(Boolean);
  }

  /**
   * Removes the files of the conversations whose state was last updated before `cutoff` (and of
   * those whose state file cannot be read); `forgotten` hears each id. Returns how many.
   */
  async removeIdleSince(cutoff: Date, forgotten: (id: string) => void): Promise<number> {
    let purged = 0;
    for (const name of await readdir(this.stateDir)) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.stateDir, name);
      const data = JSON.parse(await readFile(path, 'utf8').catch(() => 'null')) as StateFile | null;
      if (data && new Date(data.updatedAt) >= cutoff) continue;
      if (data) forgotten(data.conversationId);
      const base = name.slice(0, -'.json'.length);
      this.known.delete(base);
      await rm(path, { force: true });
      await rm(join(this.transcriptDir, `${base}.jsonl`), { force: true });
      await rm(join(this.handoffDir, `${base}.jsonl`), { force: true });
      purged++;
    }
    return purged;
  }

  /** Every transcript file with its conversation's id (hashed names: the state file knows it). */
  async *transcriptFiles(): AsyncIterable<{ conversationId: string; path: string }> {
    for (const name of await readdir(this.transcriptDir)) {
      if (!name.endsWith('.jsonl')) continue;
      const base = name.slice(0, -'.jsonl'.length);
      const state = JSON.parse(await readFile(join(this.stateDir, `${base}.json`), 'utf8').catch(() => 'null')) as StateFile | null;
      yield { conversationId: state?.conversationId ?? idOfFileName(base) ?? base, path: join(this.transcriptDir, name) };
    }
  }

  /** The handoff ticket files: one conversation's, or all. */
  async handoffFiles(conversationId?: string): Promise<string[]> {
    if (conversationId) return [this.handoffPath(conversationId)];
    return (await readdir(this.handoffDir)).filter((n) => n.endsWith('.jsonl')).map((n) => join(this.handoffDir, n));
  }
}
