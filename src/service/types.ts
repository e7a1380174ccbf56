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
  /**
   * The sender's id for this message (the API's Idempotency-Key header, WeChat's MsgId, the Teams
   * activity id, the web page's per-message key). The same key again in the same conversation
   * gets the stored reply and stores nothing new (kept with the conversation's state, see
   * IDEMPOTENCY_KEYS_KEPT and IDEMPOTENCY_TTL_MS).
   */
  idempotencyKey?: string;
  /**
   * The message is a click on a choice offered when the conversation had this many turns (a
   * Teams card button). If the conversation has moved on since, the click is stale: it is
   * answered with a note and the current choices, and not acted on or stored.
   */
  choiceOfTurn?: number;
}

/** A turn's outcome; `replayed` when it is the stored reply to an idempotency key seen before. */
export type ChatResult = TurnResult & { replayed?: true; stale?: true };

/** Idempotency keys a channel may pass: 1–128 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export interface ChatService {
  /** Runs one turn: loads the conversation, answers, stores the masked turn. Turns of one conversation run one at a time. */
  handle(req: ChatRequest): Promise<ChatResult>;
  /** The greeting for a new conversation (stored like a turn with empty text). */
  greet(conversationId: string, channel: string): Promise<TurnResult>;
  /** The rule checker on a raw situation (throws SituationError with the field on bad input). */
  check(situation: unknown): Verdict;
  /** The stored transcript of a conversation, oldest first (masked). */
  history(conversationId: string): Promise<{ at: string; text: string; replies: { text: string; choices?: string[] }[] }[]>;
}
