/** Contexts for the steps' unit tests: a conversation played up to a point, then one message. */
import type { TurnContext } from '../../../src/engine/context';
import type { Outcome } from '../../../src/engine/outcome';
import { readState } from '../../../src/engine/state';
import { newConversationState, type ConversationState, type TurnResult } from '../../../src/engine/types';
import { sharedAssistant } from '../../helpers/assistant';

export const assistant = sharedAssistant();
export const k = assistant.knowledge;

/** The state after the user said these lines, one turn each. */
export function after(lines: string[]): ConversationState {
  let state = newConversationState();
  for (const text of lines) state = assistant.turn(state, { text }).state;
  return state;
}

/** The context of the message `text` said after `lines`. */
export function ctx(lines: string[], text: string, now = new Date('2025-03-03T10:00:00+08:00')): TurnContext {
  return assistant.context(readState(after(lines)), { text, now });
}

/** The whole turn of `text` after `lines` (to see what the bookkeeping made of a step's outcome). */
export function turn(lines: string[], text: string): TurnResult {
  return assistant.turn(after(lines), { text });
}

/** All reply text of an outcome or a turn. */
export function textOf(o: Pick<Outcome, 'replies'> | undefined): string {
  return (o?.replies ?? []).map((r) => r.text).join('\n');
}
