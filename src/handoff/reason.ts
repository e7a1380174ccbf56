/** Decides whether a turn hands the conversation to a person, and why. */
import type { ConversationState, TurnResult } from '../engine/types';
import { normalizeText } from '../nlu/normalize';
import type { HandoffReason } from './types';

/** True when the message contains one of the (normalised) complaint words. */
export function isComplaint(text: string, complaintWords: readonly string[]): boolean {
  const normalized = normalizeText(text);
  return complaintWords.some((w) => normalized.includes(w));
}

/**
 * The reason this turn opens a ticket, or undefined. A complaint wins over a plain request (a
 * complaint usually also asks for a person, and staff treat it differently); two misunderstood
 * messages in a row come last.
 */
export function handoffReason(
  text: string,
  result: Pick<TurnResult, 'intent'>,
  previous: Pick<ConversationState, 'fallbackStreak'> | undefined,
  complaintWords: readonly string[],
): HandoffReason | undefined {
  if (isComplaint(text, complaintWords)) return 'complaint';
  if (result.intent === 'handoff.human') return 'requested';
  if (result.intent === 'fallback' && (previous?.fallbackStreak ?? 0) >= 1) return 'repeated_fallback';
  return undefined;
}
