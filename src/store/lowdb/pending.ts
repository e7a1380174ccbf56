/** Journaled turns not yet applied to their conversation's files, and how transcript lines carry them. */
import type { ConversationState } from '../../engine/types';
import type { TurnRecord } from '../types';
import type { JournalPosition } from './journal';

/** One turn in the journal. */
export interface JournalRecord {
  c: string;
  s: ConversationState;
  t: TurnRecord;
}

/** A conversation's turns in the journal, not yet applied to its files. */
export interface PendingConversation {
  /** The newest state, as JSON (a turn gets its own copy to change). */
  state: string;
  updatedAt: string;
  /**
   * Each turn as JSON only (serialised once for the journal and reused for the transcript; parsed
   * again only for an export): thousands of turns wait here between checkpoints, and plain strings
   * cost the garbage collector far less to keep than the turns' object trees.
   */
  turns: PendingTurn[];
  last: JournalPosition;
}

export interface PendingTurn {
  json: string;
  position: JournalPosition;
}

/** Adds a journaled turn to the conversation's pending entry (its newest state and the turn). */
export function addTurn(pending: Map<string, PendingConversation>, id: string, state: string, at: string, turn: PendingTurn): void {
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
