/**
 * A handoff ticket: what a person on the hotline needs to pick up a conversation the assistant
 * could not finish. Everything in it is masked before it is stored or sent.
 */
import type { Verdict } from '../schema/rules';

/** Why a ticket was opened. */
export type HandoffReason = 'requested' | 'repeated_fallback' | 'complaint';

export const HANDOFF_REASONS: readonly HandoffReason[] = ['requested', 'repeated_fallback', 'complaint'];

/** The conversation so far, in the words staff read. */
export interface HandoffSummary {
  /** The last intents of the conversation, oldest first (this turn last). */
  intentPath: string[];
  /** What the eligibility interview learned, when one ran or is running. */
  interview?: { goal: string; facts: string[] };
  /** The rule checker's view of what is known, when an interview ran or is running. */
  verdictSoFar?: { status: Verdict['status']; blockers: string[]; missing: string[] };
  /** The user's last messages, oldest first, masked. */
  lastMessages: string[];
}

export interface HandoffTicket {
  id: string;
  conversationId: string;
  channel: string;
  /** ISO time of the turn that opened the ticket. */
  createdAt: string;
  reason: HandoffReason;
  summary: HandoffSummary;
}
