/**
 * The embedded default store, for one server process.
 *
 * A turn is made durable by one line in a shared journal (src/store/journal.ts): concurrent turns
 * share one write, so a turn costs a fraction of a file operation instead of the four or five of
 * rewriting its own files (BENCHMARKS.md: that was the turn-rate limit). Behind the journal, every
 * two seconds, a writer thread (apply-worker.mjs) applies each conversation's turns to its own
 * files: a lowdb state file, rewritten in place (the journal covers a torn write), and an
 * append-only JSON-lines transcript; then the applied journal segment is removed. After a crash the segments left are applied at start-up,
 * skipping what the state files say was applied already (a torn state file is rewritten), and
 * transcript lines carry their journal position so a turn applied twice is read once.
 *
 * Reads see turns not yet applied (they are merged from memory), so the journal is invisible to
 * callers. Handoff tickets are appended to one JSON-lines file per conversation, so `forget`
 * removes them with the conversation. A lock file keeps a second process (a `jianli export`
 * while the server runs) from applying the same journal.
 *
 * File names are one-to-one with conversation ids (src/store/file-names.ts); files of the old
 * naming scheme are renamed at start-up. A line cut short by a crash (transcript, tickets, journal)
 * is ended before the next append, so it never swallows the next record. With `fsync`
 * (JIANLI_FSYNC=1) a turn is on disk before `append` resolves, and a checkpoint syncs the files
 * before it removes the journal segment.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConversationState } from '../engine/types';
import type { HandoffTicket } from '../handoff/types';
import { appendLines, fileName as baseName, idOfFileName, migrateLegacyFiles } from './file-names';
import { comparePositions, Journal, positionKey, type JournalPosition } from './journal';
import { KeyedQueue, type ConversationStore, type ConversationTranscript, type StoredConversation, type TurnRecord } from './types';

interface StateFile {
  conversationId: string;
  state: ConversationState;
  updatedAt: string;
  /** The last journal entry applied to this conversation's files. */
  applied?: JournalPosition;
}

/** One turn in the journal. */
interface JournalRecord {
  c: string;
  s: ConversationState;
  t: TurnRecord;
}

/** A conversation's turns in the journal, not yet applied to its files. */
interface PendingConversation {
  /** The newest state, as JSON (a turn gets its own copy to change). */
  state: string;
  updatedAt: string;
  /**
   * Each turn as JSON only (serialised once for the journal and reused for the transcript; parsed
   * again only for an export): thousands of turns wait here between checkpoints, and plain strings
   * cost the garbage collector far less to keep than the turns' object trees.
   */
  turns: { json: string; position: JournalPosition }[];
  last: JournalPosition;
}

/** Adds a journaled turn to the conversation's pending entry (its newest state and the turn). */
function addTurn(pending: Map<string, PendingConversation>, id: string, state: string, at: string, turn: PendingConversation['turns'][number]): void {
  const p = pending.get(id);
  if (p) {
    p.state = state;
    p.updatedAt = at;
    p.turns.push(turn);
    p.last = turn.position;
  } else {
    pending.set(id, { state, updatedAt: at, turns: [turn], last: turn.position });
  }
}

/** A transcript line: the turn and, when it came through the journal, its position. */
type TranscriptLine = TurnRecord & { j?: string };

export interface LowdbStoreOptions {
  /** How often the journal is applied to the conversation files (ms). */
  checkpointMs?: number;
  /** Pending turns that trigger an early checkpoint. */
  maxPendingTurns?: number;
  /** Conversation states kept in memory for the next turn. */
  cacheSize?: number;
  /** Sync each turn to disk before `append` resolves, and the conversation files before a journal segment is removed (JIANLI_FSYNC=1). */
  fsync?: boolean;
  log?: (line: string) => void;
}

/** Conversations per message to the writer thread. */
const APPLY_CHUNK = 256;

/** What the writer thread (apply-worker.mjs) does for one conversation. */
interface ApplyJob {
  transcriptPath: string;
  statePath: string;
  lines: string;
  stateFile: string;
}

export class LowdbStore implements ConversationStore {
  readonly kind = 'lowdb' as const;
  private readonly stateDir: string;
  private readonly transcriptDir: string;
  private readonly handoffDir: string;
  private readonly lockPath: string;
  private readonly queue = new KeyedQueue();
  private readonly journal: Journal;
  private readonly ready: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private readonly log: (line: string) => void;
  private readonly maxPendingTurns: number;
  private readonly cacheSize: number;
  /** Turns written to the current journal segment. */
  private pending = new Map<string, PendingConversation>();
  private pendingTurns = 0;
  /** Turns of the segment being applied now. */
  private applying: Map<string, PendingConversation> | undefined;
  /** Segments whose application failed: applied again with the next checkpoint, then removed. */
  private retrySegments: string[] = [];
  private checkpointing: Promise<void> | undefined;
  /** Recently used states (JSON), least recently used first. */
  private readonly states = new Map<string, string>();
  private recoveryError: Error | undefined;
  /** File base names of the conversations with a state file: a new conversation costs no file lookup. */
  private readonly known: Set<string>;
  private readonly writer: Writer;
  private readonly fsync: boolean;

  constructor(dataDir: string, opts: LowdbStoreOptions = {}) {
    this.stateDir = join(dataDir, 'conversations');
    this.transcriptDir = join(dataDir, 'transcripts');
    this.handoffDir = join(dataDir, 'handoffs');
    this.lockPath = join(dataDir, 'store.lock');
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.maxPendingTurns = opts.maxPendingTurns ?? 20_000;
    this.cacheSize = opts.cacheSize ?? 10_000;
    this.fsync = opts.fsync ?? false;
    this.writer = new Writer(this.fsync);
    mkdirSync(this.stateDir, { recursive: true });
    mkdirSync(this.transcriptDir, { recursive: true });
    mkdirSync(this.handoffDir, { recursive: true });
    this.lock();
    this.known = new Set(readdirSync(this.stateDir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -'.json'.length)));
    this.journal = new Journal(join(dataDir, 'journal'), { fsync: this.fsync });
    this.ready = this.recover().catch((err: Error) => {
      this.recoveryError = err;
      throw err;
    });
    this.ready.catch(() => undefined);
    this.timer = setInterval(() => void this.checkpoint().catch(this.checkpointFailed), opts.checkpointMs ?? 2000);
    this.timer.unref();
  }

  /** One process applies a data folder's journal; a second one is refused with the reason. */
  private lock(): void {
    let holder: number | undefined;
    try {
      holder = Number(readFileSync(this.lockPath, 'utf8'));
    } catch {
      // No lock yet.
    }
    if (holder && holder !== process.pid && alive(holder)) {
      throw new Error(`the data folder ${join(this.lockPath, '..')} is in use by another process (pid ${holder}): stop the server first, or use its admin API (if that process is gone, remove ${this.lockPath})`);
    }
    writeFileSync(this.lockPath, String(process.pid));
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

  private remember(id: string, state: string): void {
    this.states.delete(id);
    this.states.set(id, state);
    if (this.states.size > this.cacheSize) this.states.delete(this.states.keys().next().value!);
  }

  /** The newest state as JSON: journal turns first, then memory, then the state file. */
  private async stateJson(id: string): Promise<string | undefined> {
    const inJournal = this.pending.get(id)?.state ?? this.applying?.get(id)?.state;
    if (inJournal) return inJournal;
    const cached = this.states.get(id);
    if (cached) {
      this.remember(id, cached);
      return cached;
    }
    if (!this.known.has(baseName(id))) return undefined;
    const db = this.db(id);
    await db.read();
    if (!db.data) return undefined;
    const json = JSON.stringify(db.data.state);
    this.remember(id, json);
    return json;
  }

  async getState(conversationId: string): Promise<ConversationState | undefined> {
    await this.ready;
    const json = await this.stateJson(conversationId);
    return json === undefined ? undefined : (JSON.parse(json) as ConversationState);
  }

  async append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    await this.ready;
    const stateJson = JSON.stringify(state);
    const json = JSON.stringify(turn);
    const { position, written } = this.journal.append(`{"c":${JSON.stringify(conversationId)},"s":${stateJson},"t":${json}}`);
    // Recorded at once, with the segment the line went to: a checkpoint swaps both together.
    addTurn(this.pending, conversationId, stateJson, turn.at, { json, position });
    this.pendingTurns++;
    this.remember(conversationId, stateJson);
    await written;
    if (this.pendingTurns >= this.maxPendingTurns) void this.checkpoint().catch(this.checkpointFailed);
  }

  /** For checkpoints nobody waits for: the failure is logged, and its turns wait for the next one. */
  private readonly checkpointFailed = (err: Error): void => this.log(`store checkpoint failed: ${err.message}`);

  /**
   * Applies the journal's turns to the conversation files and removes the applied segment.
   * One runs at a time; a call during one returns it.
   */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.applyPending().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  /** A checkpoint that covers every turn stored before the call. */
  async flush(): Promise<void> {
    await this.ready;
    while (this.checkpointing) await this.checkpointing.catch(() => undefined);
    await this.checkpoint();
  }

  private async applyPending(): Promise<void> {
    if (!this.pending.size && !this.retrySegments.length) return;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingTurns = 0;
    const segment = this.journal.rotate();
    this.applying = batch;
    try {
      await this.applyAll([...batch]);
      for (const s of [...this.retrySegments, ...(segment ? [segment] : [])]) await this.journal.remove(s);
      this.retrySegments = [];
    } catch (err) {
      // Keep the turns: they go out with the next checkpoint (older turns first), the segment stays until then.
      for (const [id, p] of batch) {
        const newer = this.pending.get(id);
        this.pending.set(id, newer ? { ...newer, turns: [...p.turns, ...newer.turns] } : p);
        this.pendingTurns += p.turns.length;
      }
      if (segment) this.retrySegments.push(segment);
      throw err;
    } finally {
      this.applying = undefined;
    }
  }

  /** The files of a conversation after its journaled turns: transcript lines to append, the state file to write. */
  private job(id: string, p: PendingConversation): ApplyJob {
    // The turn's JSON with its journal position put first: {"j":"…",…the turn's fields}.
    const lines = p.turns.map(({ json, position }) => `{"j":${JSON.stringify(positionKey(position))},${json.slice(1)}\n`).join('');
    const stateFile = `{"conversationId":${JSON.stringify(id)},"state":${p.state},"updatedAt":${JSON.stringify(p.updatedAt)},"applied":${JSON.stringify(p.last)}}`;
    return { transcriptPath: this.transcriptPath(id), statePath: this.statePath(id), lines, stateFile };
  }

  /**
   * Writes conversations' files on the writer thread: under load the file system work (creating
   * two files per new conversation costs up to hundreds of microseconds each in the kernel here)
   * would otherwise take a third of the event loop's time (BENCHMARKS.md).
   */
  private async applyAll(entries: [string, PendingConversation][]): Promise<void> {
    for (let i = 0; i < entries.length; i += APPLY_CHUNK) {
      const chunk = entries.slice(i, i + APPLY_CHUNK);
      await this.writer.run(chunk.map(([id, p]) => this.job(id, p)));
      for (const [id] of chunk) this.known.add(baseName(id));
    }
  }

  /** Applies the segments a stopped process left, oldest first, skipping what was applied. */
  private async recover(): Promise<void> {
    // Files named by the old scheme move first, so the journal below finds what was applied.
    const dirs = { stateDir: this.stateDir, transcriptDir: this.transcriptDir, handoffDir: this.handoffDir };
    if (await migrateLegacyFiles(dirs, () => this.journalIds(), this.log)) {
      this.known.clear();
      for (const n of await readdir(this.stateDir)) if (n.endsWith('.json') && !n.startsWith('.')) this.known.add(n.slice(0, -'.json'.length));
    }
    for (const segment of await this.journal.segments()) {
      const byConversation = new Map<string, PendingConversation>();
      for (const { position, record } of await this.journal.read<JournalRecord>(segment)) {
        addTurn(byConversation, record.c, JSON.stringify(record.s), record.t.at, { json: JSON.stringify(record.t), position });
      }
      const toApply: [string, PendingConversation][] = [];
      for (const [id, p] of byConversation) {
        const db = this.db(id);
        await db.read().catch(() => undefined);
        const applied = db.data?.applied;
        const turns = applied ? p.turns.filter((t) => comparePositions(t.position, applied) > 0) : p.turns;
        if (turns.length) toApply.push([id, { ...p, turns }]);
      }
      await this.applyAll(toApply);
      await this.journal.remove(segment);
    }
  }

  /** The conversation ids in the journal segments left on disk. */
  private async journalIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const segment of await this.journal.segments()) for (const { record } of await this.journal.read<JournalRecord>(segment)) ids.add(record.c);
    return ids;
  }

  async export(conversationId: string): Promise<StoredConversation | undefined> {
    await this.ready;
    const json = await this.stateJson(conversationId);
    if (json === undefined) return undefined;
    return { conversationId, state: JSON.parse(json) as ConversationState, turns: await this.readTranscript(conversationId) };
  }

  /** The transcript file and the turns still in the journal, each turn once. */
  private async readTranscript(conversationId: string): Promise<TurnRecord[]> {
    const rows = await readJsonLines<TranscriptLine>(this.transcriptPath(conversationId));
    const inJournal = [...(this.applying?.get(conversationId)?.turns ?? []), ...(this.pending.get(conversationId)?.turns ?? [])];
    return turnsOnce([...rows, ...inJournal.map(({ json, position }) => ({ ...(JSON.parse(json) as TurnRecord), j: positionKey(position) }))]);
  }

  async *scan(): AsyncIterable<ConversationTranscript> {
    await this.flush();
    for (const name of await readdir(this.transcriptDir)) {
      if (!name.endsWith('.jsonl')) continue;
      const base = name.slice(0, -'.jsonl'.length);
      // File names may be hashes; the state file knows the real id.
      const state = JSON.parse(await readFile(join(this.stateDir, `${base}.json`), 'utf8').catch(() => 'null')) as StateFile | null;
      yield { conversationId: state?.conversationId ?? idOfFileName(base) ?? base, turns: turnsOnce(await readJsonLines<TranscriptLine>(join(this.transcriptDir, name))) };
    }
  }
  async saveHandoff(ticket: HandoffTicket): Promise<void> {
    await this.ready; // old-named ticket files are moved first
    // One small append per ticket (O_APPEND): concurrent tickets of other conversations touch other files.
    await appendLines(this.handoffPath(ticket.conversationId), `${JSON.stringify(ticket)}\n`, this.fsync);
  }

  async listHandoffs(limit: number, conversationId?: string): Promise<HandoffTicket[]> {
    await this.ready;
    const files = conversationId ? [this.handoffPath(conversationId)] : (await readdir(this.handoffDir)).filter((n) => n.endsWith('.jsonl')).map((n) => join(this.handoffDir, n));
    const tickets: HandoffTicket[] = [];
    for (const f of files) tickets.push(...(await readJsonLines<HandoffTicket>(f)));
    return newestFirst(tickets).slice(0, Math.max(0, limit));
  }

  async delete(conversationId: string): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      // Its journal turns go to its files first, so nothing is left to bring it back after a restart.
      await this.flush();
      this.states.delete(conversationId);
      this.known.delete(baseName(conversationId));
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
    await this.flush();
    let purged = 0;
    for (const name of await readdir(this.stateDir)) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.stateDir, name);
      const data = JSON.parse(await readFile(path, 'utf8').catch(() => 'null')) as StateFile | null;
      if (data && new Date(data.updatedAt) >= cutoff) continue;
      if (data) this.states.delete(data.conversationId);
      this.known.delete(name.slice(0, -'.json'.length));
      await rm(path, { force: true });
      await rm(join(this.transcriptDir, name.replace(/\.json$/, '.jsonl')), { force: true });
      await rm(join(this.handoffDir, name.replace(/\.json$/, '.jsonl')), { force: true });
      purged++;
    }
    return purged;
  }

  /** Turns journaled, the write calls that stored them and the syncs that made them durable (fsync mode), since start-up. */
  journalStats(): { lines: number; writes: number; syncs: number } {
    return this.journal.stats();
  }

  async health() {
    return this.recoveryError ? { ok: false, reason: `journal recovery failed: ${this.recoveryError.message}` } : { ok: true };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(this.checkpointFailed);
    this.journal.close();
    await this.writer.stop();
    try {
      if (Number(readFileSync(this.lockPath, 'utf8')) === process.pid) rmSync(this.lockPath, { force: true });
    } catch {
      // Already gone.
    }
  }
}

/** Whether a process exists (EPERM: it does, but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The writer thread, started on first use; it never keeps the process alive. */
class Writer {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

  constructor(private readonly fsync: boolean) {}

  run(jobs: ApplyJob[]): Promise<void> {
    if (!jobs.length) return Promise.resolve();
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, jobs, fsync: this.fsync });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./apply-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const w = this.waiting.get(id);
      this.waiting.delete(id);
      if (error) w?.reject(new Error(error));
      else w?.resolve();
    });
    const fail = (err: Error) => {
      // A lost thread fails what it had; the batch is kept for the next checkpoint and a new thread starts.
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`file writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** Transcript lines without their journal positions, a turn applied twice kept once. */
function turnsOnce(rows: TranscriptLine[]): TurnRecord[] {
  const seen = new Set<string>();
  const turns: TurnRecord[] = [];
  for (const { j, ...turn } of rows) {
    if (j !== undefined) {
      if (seen.has(j)) continue;
      seen.add(j);
    }
    turns.push(turn);
  }
  return turns;
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
