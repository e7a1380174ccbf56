/** Channel-neutral turn types: what comes in, what the engine keeps, what goes out. */
import type { IntentId } from '../schema/knowledge';
import type { Situation, Verdict } from '../schema/rules';
import type { InterviewState } from '../dialogs/interview';

/** A reply as every channel can render it: text plus optional choices (buttons or numbered lines). */
export interface Reply {
  text: string;
  choices?: string[];
}

/** A reply as JSON for clients and transcripts: `choices` only when there are some. */
export function plainReply(r: Reply): Reply {
  return r.choices?.length ? { text: r.text, choices: r.choices } : { text: r.text };
}

/** Where picking a numbered choice leads. */
export type ChoiceTarget = { intent: IntentId } | { answer: 'yes' | 'no' };

export interface PendingChoice {
  label: string;
  target: ChoiceTarget;
}

/** An active FAQ follow-up dialog. */
export interface FlowPosition {
  id: string;
  step: string;
  /** The intent that opened the dialog; reported for turns inside it. */
  intent: IntentId;
  /** Replies that could not be understood at this step. */
  tries: number;
  /** A side question was answered while the step waited: one more message may still answer it. */
  idle?: boolean;
}

/** Everything the engine remembers about one conversation (JSON-serialisable). */
export interface ConversationState {
  version: 1;
  flow?: FlowPosition;
  /** An eligibility interview in progress. */
  interview?: InterviewState;
  /** The choices of the last reply, picked by number or label. */
  choices: PendingChoice[];
  /** Consecutive turns that ended in fallback. */
  fallbackStreak: number;
  turns: number;
  lastIntent?: IntentId;
  /** Source titles of the last answer, for staff who need to quote them. */
  lastSources: string[];
  /** The province the user last named (or the interview recorded): answers add its differences. */
  region?: string;
  /** Facts the user has stated about their case (age, reason, employer, hours…), in the rule checker's terms; the province is `region`. */
  profile?: Omit<Situation, 'goal' | 'region'>;
  /** The last finished eligibility interview, reopened by a correction after its verdict. */
  lastCheck?: InterviewState;
}

/** One incoming user message, already stripped of channel details. */
export interface TurnEvent {
  text: string;
  channel?: string;
  /** The time of the message; decision dates are counted from it (default: now). */
  now?: Date;
}

/** The outcome of one turn. */
export interface TurnResult {
  state: ConversationState;
  intent: IntentId;
  confidence: number;
  replies: Reply[];
  sources: string[];
  /** The user asked to end the conversation. */
  end?: boolean;
  /** Set on the turn that ends an eligibility interview. */
  verdict?: Verdict;
}

export function newConversationState(): ConversationState {
  return { version: 1, choices: [], fallbackStreak: 0, turns: 0, lastSources: [] };
}
