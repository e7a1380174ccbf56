/**
 * A hotline agent turning to the next caller (下一个来电人，问…; knowledge/conversation.yaml
 * words.nextCaller): the conversation starts afresh — no facts, province, dialog, answers or
 * repeat guard of the earlier caller — and the rest of the message is the new caller's.
 */
import type { Knowledge } from '../knowledge/load';
import { newConversationState, type ConversationState } from './types';

/** How far into a message the words may stand (来电人换了，下一位… counts; a word deep in a story does not). */
const WITHIN = 6;

export function forNextCaller(k: Knowledge, state: ConversationState, normalized: string): { state: ConversationState; rest: string } | undefined {
  const words = [...k.conversation.words.nextCaller].sort((a, b) => b.length - a.length);
  for (const w of words) {
    const at = normalized.indexOf(w);
    if (at < 0 || at > WITHIN) continue;
    const rest = normalized.slice(at + w.length).replace(/^[\p{P}\s]+/u, '');
    return { state: { ...newConversationState(), turns: state.turns }, rest };
  }
  return undefined;
}
