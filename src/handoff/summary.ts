/**
 * The conversation summary a ticket carries: intent path, what the interview learned, the
 * verdict so far and the last user messages. Built from the stored (already masked) transcript;
 * anything else copied into it is masked again here, so a ticket never carries personal data.
 */
import type { ConversationState, TurnResult } from '../engine/types';
import { activeInterview } from '../engine/state';
import type { Knowledge } from '../knowledge/load';
import type { InterviewState } from '../dialogs/interview';
import { describeFact } from '../dialogs/summary';
import { checkEligibility } from '../rules/check';
import { maskPersonalData } from '../privacy/mask';
import type { SituationField, Verdict } from '../schema/rules';
import type { TurnRecord } from '../store/types';
import type { HandoffSummary } from './types';

export interface SummaryInput {
  /** The stored transcript, this turn included, oldest first. */
  turns: TurnRecord[];
  result: TurnResult;
  previous: ConversationState | undefined;
  knowledge: Knowledge;
  limits: { intents: number; messages: number };
}

export function summarizeConversation({ turns, result, previous, knowledge, limits }: SummaryInput): HandoffSummary {
  // Greeting records have no user text; they are the assistant opening, not a step the user took.
  const spoken = turns.filter((t) => t.text.trim() !== '');
  const summary: HandoffSummary = {
    intentPath: spoken.slice(-limits.intents).map((t) => t.intent),
    lastMessages: spoken.slice(-limits.messages).map((t) => maskPersonalData(t.text)),
  };
  // The interview still running, or the one this turn ended (its last state is the previous one).
  const interview = activeInterview(result.state) ?? activeInterview(previous);
  if (interview) summary.interview = interviewFacts(interview, knowledge);
  const verdict = result.verdict
    ? brief(result.verdict)
    : interview
      ? brief(checkEligibility(interview.situation, knowledge.rules))
      : lastRecordedVerdict(turns);
  if (verdict) summary.verdictSoFar = verdict;
  return summary;
}

function interviewFacts(interview: InterviewState, k: Knowledge): { goal: string; facts: string[] } {
  const s = interview.situation;
  const fields = k.rules.rules.goals[interview.goal].fields.filter((f) => s[f] !== undefined) as SituationField[];
  return { goal: interview.goal, facts: fields.map((f) => maskPersonalData(describeFact(f, s, k))) };
}

function brief(v: Verdict): NonNullable<HandoffSummary['verdictSoFar']> {
  return { status: v.status, blockers: v.blockers.map((b) => b.code), missing: [...v.missing] };
}

/** After an interview has ended its state is gone; the transcript still has its verdict. */
function lastRecordedVerdict(turns: TurnRecord[]): HandoffSummary['verdictSoFar'] {
  const v = [...turns].reverse().find((t) => t.verdict)?.verdict;
  return v ? { status: v.status, blockers: [...(v.blockers ?? [])], missing: [...(v.missing ?? [])] } : undefined;
}
