/** Storage of conversations: the engine state plus a masked transcript. */
import type { ConversationState } from '../engine/types';
import type { HandoffTicket } from '../handoff/types';
import type { Verdict } from '../schema/rules';

/** One stored turn, masked. */
export interface TurnRecord {
  at: string;
  channel: string;
  text: string;
  intent: string;
  confidence: number;
  replies: { text: string; choices?: string[] }[];
  /** On the turn that started an eligibility interview (for the analytics' completion rate). */
  interview?: 'started';
  /** On the turn that ended an interview: the verdict as codes only (no personal data). */
  verdict?: { status: Verdict['status']; blockers?: string[]; missing?: string[] };
}

/** One conversation's transcript, as `scan` yields it. */
export interface ConversationTranscript {
  conversationId: string;
  turns: TurnRecord[];
}

/** A conversation as `jianli export` prints it. */
export interface StoredConversation {
  conversationId: string;
  state: ConversationState;
  turns: TurnRecord[];
}

/** The store cannot be reached (Redis down): the HTTP layer answers 503 with the reason. */
export class StoreUnavailableError extends Error {
  constructor(reason: string) {
    super(`conversation store unavailable: ${reason}`);
    this.name = 'StoreUnavailableError';
  }
}

/** The Store interface both implementations (lowdb, Redis) provide. */
export interface ConversationStore {
  readonly kind: 'lowdb' | 'redis';
  /**
   * Runs `work` with exclusive access to one conversation, across every server instance that
   * shares the store, so two turns of a conversation never interleave and no update is lost.
   */
  exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
  /** The current engine state (cheap: the transcript is not read). */
  getState(conversationId: string): Promise<ConversationState | undefined>;
  /** Appends a masked turn and saves the new state. */
  append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void>;
  /** State and whole transcript. */
  export(conversationId: string): Promise<StoredConversation | undefined>;
  /** Every conversation's transcript, one at a time, in no particular order (for the analytics). */
  scan(): AsyncIterable<ConversationTranscript>;
  /** Stores a handoff ticket; it belongs to its conversation, so delete() removes it too. */
  saveHandoff(ticket: HandoffTicket): Promise<void>;
  /** Handoff tickets, newest first, at most `limit`; only one conversation's when `conversationId` is given. */
  listHandoffs(limit: number, conversationId?: string): Promise<HandoffTicket[]>;
  /** Deletes everything kept about a conversation (its handoff tickets too); true when something existed. */
  delete(conversationId: string): Promise<boolean>;
  /** Deletes conversations idle since before `cutoff`; returns how many. */
  purgeIdleSince(cutoff: Date): Promise<number>;
  /** Whether the store answers now, for /healthz. */
  health(): Promise<{ ok: boolean; reason?: string }>;
  close(): Promise<void>;
}

/** Serialises work per key inside one process (the first layer of `exclusive`). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.tails.set(key, next);
    // Forget a drained queue so idle conversations hold no memory.
    next
      .finally(() => {
        if (this.tails.get(key) === next) this.tails.delete(key);
      })
      .catch(() => undefined);
    return next;
  }
}
