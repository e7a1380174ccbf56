/**
 * The one interface every channel talks to. A channel turns its request into a ChatRequest,
 * awaits the TurnResult and renders the neutral replies its own way.
 */
import type { TurnResult } from '../engine/types';
import type { Verdict } from '../schema/rules';

export interface ChatRequest {
  /** Stable per user and channel, e.g. `wechat:<openid>` or the web page's id. */
  conversationId: string;
  text: string;
  /** web | api | teams | wechat | console … (kept in the transcript) */
  channel: string;
  now?: Date;
}

export interface ChatService {
  /** Runs one turn: loads the conversation, answers, stores the masked turn. Turns of one conversation run one at a time. */
  handle(req: ChatRequest): Promise<TurnResult>;
  /** The greeting for a new conversation (stored like a turn with empty text). */
  greet(conversationId: string, channel: string): Promise<TurnResult>;
  /** The rule checker on a raw situation (throws SituationError with the field on bad input). */
  check(situation: unknown): Verdict;
  /** The stored transcript of a conversation, oldest first (masked). */
  history(conversationId: string): Promise<{ at: string; text: string; replies: { text: string; choices?: string[] }[] }[]>;
}
