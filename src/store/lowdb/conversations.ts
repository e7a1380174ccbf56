/**
 * Conversation state in the embedded store. A turn is made durable by one line in a shared
 * journal (journal.ts): concurrent turns share one write, so a turn costs a fraction of a file
 * operation instead of the four or five of rewriting its own files (BENCHMARKS.md: that was the
 * turn-rate limit). Every two seconds a checkpoint has the writer thread (writer.ts) apply each
 * conversation's journaled turns to its files, then removes the applied journal segment.
 *
 * Reads see turns not yet applied (they are merged from memory), so the journal is invisible to
 * callers; the newest states are also kept in memory for the next turn.
 */
import type { ConversationState } from '../../engine/types';
import { KeyedQueue } from '../keyed-queue';
import type { ConversationStates, TurnRecord } from '../types';
import type { ConversationFiles } from './files';
import type { Journal } from './journal';
import { addTurn, type PendingConversation, type PendingTurn } from './pending';
import { recoverJournal } from './recovery';
import type { Writer } from './writer';

export interface LowdbConversationsOptions {
  /** How often the journal is applied to the conversation files (ms). */
  checkpointMs?: number;
  /** Pending turns that trigger an early checkpoint. */
  maxPendingTurns?: number;
  /** Conversation states kept in memory for the next turn. */
  cacheSize?: number;
  log?: (line: string) => void;
}

export class LowdbConversations implements ConversationStates {
  private readonly queue = new KeyedQueue();
  /** Journal recovery at start-up; every operation waits for it (and fails with it). */
  readonly recovered: Promise<void>;
  private recoveryError: Error | undefined;
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

  constructor(
    private readonly files: ConversationFiles,
    private readonly journal: Journal,
    private readonly writer: Writer,
    opts: LowdbConversationsOptions = {},
  ) {
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.maxPendingTurns = opts.maxPendingTurns ?? 20_000;
    this.cacheSize = opts.cacheSize ?? 10_000;
    this.recovered = recoverJournal(journal, files, writer, this.log).catch((err: Error) => {
      this.recoveryError = err;
      throw err;
    });
    this.recovered.catch(() => undefined);
    this.timer = setInterval(() => void this.checkpoint().catch(this.checkpointFailed), opts.checkpointMs ?? 2000);
    this.timer.unref();
  }

  /** Why the store cannot serve: its journal recovery failed. */
  get failure(): string | undefined {
    return this.recoveryError && `journal recovery failed: ${this.recoveryError.message}`;
  }

  /** Local files are always reachable: this waits for the journal recovery, however long (no timeout). */
  ready(): Promise<void> {
    return this.recovered;
  }

  exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(conversationId, work);
  }

  private remember(id: string, state: string): void {
    this.states.delete(id);
    this.states.set(id, state);
    if (this.states.size > this.cacheSize) {
      const oldest = this.states.keys().next();
      if (!oldest.done) this.states.delete(oldest.value);
    }
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
    if (!this.files.mayHaveState(id)) return undefined;
    const data = await this.files.readState(id);
    if (!data) return undefined;
    const json = JSON.stringify(data.state);
    this.remember(id, json);
    return json;
  }

  async read(conversationId: string): Promise<ConversationState | undefined> {
    await this.recovered;
    const json = await this.stateJson(conversationId);
    return json === undefined ? undefined : (JSON.parse(json) as ConversationState);
  }

  async write(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void> {
    await this.recovered;
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

  /** A conversation's turns still in the journal (the transcript log merges them with its file), oldest first. */
  journaledTurns(conversationId: string): PendingTurn[] {
    return [...(this.applying?.get(conversationId)?.turns ?? []), ...(this.pending.get(conversationId)?.turns ?? [])];
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
    await this.recovered;
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
      await this.writer.apply(this.files, [...batch]);
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

  delete(conversationId: string): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      // Its journal turns go to its files first, so nothing is left to bring it back after a restart.
      await this.flush();
      this.states.delete(conversationId);
      return this.files.remove(conversationId);
    });
  }

  async purgeIdleSince(cutoff: Date): Promise<number> {
    await this.flush();
    return this.files.removeIdleSince(cutoff, (id) => this.states.delete(id));
  }

  /** Stops the timed checkpoints and applies what is journaled (a failure is logged). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(this.checkpointFailed);
  }
}
