/** Storage of conversations: the engine state plus a masked transcript. */
import type { ConversationState } from '../engine/types';

/** One stored turn, masked. */
export interface TurnRecord {
  at: string;
  channel: string;
  text: string;
  intent: string;
  confidence: number;
  replies: { text: string; choices?: string[] }[];
}

export interface StoredConversation {
  conversationId: string;
  state: ConversationState;
  turns: TurnRecord[];
}

/** The Store interface both implementations (lowdb, Redis) provide. */
export interface ConversationStore {
  get(conversationId: string): Promise<StoredConversation | undefined>;
  /** Saves the new state and appends the turn; atomic per conversation. */
  append(conversationId: string, state: ConversationState, turn: TurnRecord): Promise<void>;
  delete(conversationId: string): Promise<boolean>;
  close(): Promise<void>;
}
