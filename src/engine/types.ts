/** Channel-neutral turn types: what comes in, what the engine keeps, what goes out. */
import type { Subject } from '../schema/cards';
import type { Verdict } from '../schema/rules';
import type { Frame, PendingChoice, Profile, Reply } from '../dialogs/types';

export { plainReply } from '../dialogs/types';
export type { ChoiceTarget, Frame, PendingChoice, Profile, Reply } from '../dialogs/types';

/** Everything the engine remembers about one conversation (JSON-serialisable). */
export interface ConversationState {
  version: 2;
  /**
   * The dialogs: the open one last. A finished eligibility check stays as a closed interview frame
   * (a correction reopens it) under any FAQ follow-up opened after it.
   */
  stack: Frame[];
  /** The choices of the last reply, picked by number or label. */
  choices: PendingChoice[];
  /** Consecutive turns that ended in fallback. */
  fallbackStreak: number;
  turns: number;
  lastIntent?: Subject;
  /** Source titles of the last answer, for staff who need to quote them. */
  lastSources: string[];
  /** The province the user last named (or the interview recorded): answers add its differences. */
  region?: string;
  /** Facts the user has stated about their case (age, reason, employer, hours…), in the rule checker's terms; the province is `region`. */
  profile?: Profile;
  /** Who is asking, when it is not the engineer: a firm's HR (我是人事, 我们公司) — answers are for the firm. */
  role?: 'employer';
  /** What the last answer was about: short follow-ups (为什么, 需要多久) are about it. */
  subject?: Subject;
  /** The answer card the last answer came from: follow-ups (为什么, 要多久) are about it. */
  lastCard?: string;
  /** Intents whose whole answer has been given: asked again, they get a reminder. */
  answered: string[];
  /** Fingerprints of the long reply blocks said so far: none is said word for word again. */
  said: string[];
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
  intent: Subject;
  /** The answer card the turn answered with (knowledge/cards), by id. */
  answer?: string;
  confidence: number;
  replies: Reply[];
  sources: string[];
  /** The user asked to end the conversation. */
  end?: boolean;
  /** Set on the turn that ends an eligibility interview. */
  verdict?: Verdict;
}

export function newConversationState(): ConversationState {
  return { version: 2, stack: [], choices: [], fallbackStreak: 0, turns: 0, lastSources: [], answered: [], said: [] };
}
