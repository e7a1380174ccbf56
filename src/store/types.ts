/**
 * Storage, in three small interfaces (after grammY's StorageAdapter): a conversation's state, its
 * masked transcript, and handoff tickets. Each backend (the embedded lowdb store, Redis) implements
 * all three and hands them out together as a `ConversationStore`; a caller takes only the part it
 * uses. docs/store.md says how to add a backend.
 */
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

/** A conversation as `jianli export` prints it (src/store/export.ts). */
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

/**
 * Conversation state: read, write, delete (grammY's StorageAdapter), plus the exclusive section a
 * turn runs in and `ready`. Deleting and purging remove everything kept about a conversation
 * (its transcript and handoff tickets too).
 */
export interface ConversationStates {
  /**
   * Resolves once the store serves requests. A store behind the network (Redis) that is not
   * reachable within `timeoutMs` (default 5000) rejects with StoreUnavailableError; the embedded
   * store waits for its start-up (journal recovery) however long it takes, and rejects with the
   * reason if it failed (its operations wait for the same, and fail with it).
   */
  ready(timeoutMs?: number): Promise<void>;
  /**
   * Runs `work` with exclusive access to one conversation, across every server instance that
   * shares the store, so two turns of a conversation never interleave and no update is lost.
   */
  exclusive<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
  /** The current state (cheap: the transcript is not read). */
  read(conversationId: string): Promise<ConversationState | undefined>;
  /**
   * Saves the state a turn left and appends the turn's masked record to the transcript log, in
   * one atomic write: a stored state is a logged turn, and an idempotency key kept in the state
   * is stored with its turn, even across a crash.
   */
  write(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void>;
  /** Deletes everything kept about a conversation (transcript and handoff tickets too); true when something existed. */
  delete(conversationId: string): Promise<boolean>;
  /** Deletes, as `delete` does, the conversations idle since before `cutoff`; returns how many. */
  purgeIdleSince(cutoff: Date): Promise<number>;
}

/** The masked turns of each conversation, written by `ConversationStates.write`. */
export interface TranscriptLog {
  /** A conversation's turns, oldest first; empty when there are none. */
  read(conversationId: string): Promise<TurnRecord[]>;
  /** Every conversation's transcript, once each, in no particular order (for the analytics). */
  scan(): AsyncIterable<ConversationTranscript>;
}

/** Handoff tickets. A ticket belongs to its conversation: deleting the conversation deletes it. */
export interface TicketStore {
  save(ticket: HandoffTicket): Promise<void>;
  /** Tickets in `newestFirst` order, at most `limit`; only one conversation's when `conversationId` is given. */
  list(limit: number, conversationId?: string): Promise<HandoffTicket[]>;
}

/** A backend: the three interfaces over one storage, with its health and its end. */
export interface ConversationStore {
  readonly kind: 'lowdb' | 'redis';
  readonly conversations: ConversationStates;
  readonly transcripts: TranscriptLog;
  readonly tickets: TicketStore;
  /** Whether the store answers now, for /healthz. */
  health(): Promise<{ ok: boolean; reason?: string }>;
  close(): Promise<void>;
}

/** The order `TicketStore.list` returns: newest first; ties (same millisecond) by id, descending. */
export function newestFirst(tickets: HandoffTicket[]): HandoffTicket[] {
  return [...tickets].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
