/** Records the store tests write: an answered turn, a state after some turns, a handoff ticket. */
import { newConversationState } from '../../src/engine/types';
import type { HandoffTicket } from '../../src/handoff/types';
import type { TurnRecord } from '../../src/store/types';

/** An answered turn of `text`, its reply `re:<text>`. */
export const turn = (text: string, at = new Date().toISOString()): TurnRecord => ({
  at,
  channel: 'test',
  text,
  intent: 'fallback',
  confidence: 1,
  replies: [{ text: `re:${text}` }],
});

/** A new conversation's state after `turns` turns. */
export const stateWith = (turns: number) => ({ ...newConversationState(), turns });

/** A handoff ticket the user asked for (转人工). */
export const ticket = (id: string, conversationId: string, createdAt = new Date().toISOString()): HandoffTicket => ({
  id,
  conversationId,
  channel: 'test',
  createdAt,
  reason: 'requested',
  summary: { intentPath: ['handoff.human'], lastMessages: ['转人工'] },
});
