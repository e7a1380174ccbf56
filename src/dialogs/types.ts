/**
 * What the dialogs and the engine share: replies and choices, the frames of the dialog stack, and
 * what a dialog turn produces. The engine imports these; nothing here imports the engine.
 */
import type { IntentId } from '../schema/knowledge';
import type { Goal, Situation, SituationField, Verdict } from '../schema/rules';

/** A reply as every channel can render it: text plus optional choices (buttons or numbered lines). */
export interface Reply {
  text: string;
  choices?: string[];
}

/** A reply as JSON for clients and transcripts: `choices` only when there are some. */
export function plainReply(r: Reply): Reply {
  return r.choices?.length ? { text: r.text, choices: r.choices } : { text: r.text };
}

/**
 * Where picking a numbered choice leads: an intent's answer, or (`answer`) the choice's own words
 * given to the dialog whose question offered it.
 */
/** Where picking a choice leads: an intent's answer, an answer to the dialog's question, or an answer card. */
export type ChoiceTarget = { intent: IntentId } | { answer: string } | { card: string };

export interface PendingChoice {
  label: string;
  target: ChoiceTarget;
}

/** The facts the user has stated about their case, in the rule checker's terms (the province is kept apart). */
export type Profile = Omit<Situation, 'goal' | 'region'>;

/** Whom an answer is for: the province and the facts the conversation has kept. */
export interface Who {
  region?: string;
  profile?: Profile;
}

/** What the interview remembers between turns (part of the conversation state). */
export interface InterviewState {
  goal: Goal;
  situation: Situation;
  /** Fields in the order they were answered, for "改一下第2个". */
  asked: SituationField[];
  /** Fields the user chose not to answer (only skippable ones). */
  skipped: SituationField[];
  current?: SituationField;
  /** Replies not understood for the current question. */
  tries: number;
  /** The current question re-asks an answer the user asked to change (改一下第N个). */
  amending?: boolean;
}

/** A FAQ follow-up dialog waiting at one of its steps. */
export interface FaqFrame {
  kind: 'faq';
  dialog: string;
  step: string;
  /** The intent that opened the dialog; reported for turns inside it, and the subject of follow-ups. */
  intent: IntentId;
  /** Replies at this step that were neither an answer nor a question. */
  tries: number;
  /** A remark (thanks) was answered while the question waited: the next one drops the dialog. */
  aside?: boolean;
}

/** The eligibility interview: open while it asks, closed (kept for corrections) once it gave its verdict. */
export interface InterviewFrame {
  kind: 'interview';
  check: InterviewState;
  closed?: boolean;
}

export type Frame = FaqFrame | InterviewFrame;

/** What the pending question of a dialog expects. */
export type Expects = 'yesno' | 'choice' | 'region' | 'number' | 'text';

/** The question a frame waits on, in its own terms. */
export interface PendingQuestion {
  text: string;
  expects: Expects;
  /** The answers as labels: a number picks the label at that position. */
  choices: string[];
}

/** What a dialog reads from one message. */
export interface DialogInput {
  normalized: string;
  now: Date;
  who: Who;
  /** A long block the conversation has already said word for word. */
  said: (block: string) => boolean;
}

/** One turn of a dialog. */
export interface DialogTurn {
  /** The frame after the turn; undefined when the dialog ended (a closed interview frame is kept). */
  frame?: Frame;
  replies: Reply[];
  sources?: string[];
  /** Offered once the dialog ended (its last step's related questions). */
  choices?: PendingChoice[];
  /** The dialog hands over to this intent's answer. */
  next?: IntentId;
  verdict?: Verdict;
  /** Intents whose whole answer this turn gave. */
  answered?: IntentId[];
  /** The message said the dialog should stop (退出, 算了). */
  left?: boolean;
}
