/** What a step of the turn decides (the bookkeeping in finish.ts turns it into the turn's result). */
import type { Subject } from '../schema/cards';
import type { Verdict } from '../schema/rules';
import type { Aside } from '../dialogs/runner';
import type { Frame, PendingChoice, Reply } from '../dialogs/types';

export interface Outcome {
  /** A subject id: one of the classifier's intents or a subject only answer cards cover. */
  intent: Subject;
  /** The answer card this turn answered with, by id. */
  answer?: string;
  confidence: number;
  replies: Reply[];
  sources: string[];
  choices: PendingChoice[];
  /**
   * The dialog after this turn: a frame (open, or a finished check), null when the open dialog
   * ended, undefined when the turn did not touch the dialogs (an aside, if one is open).
   */
  dialog?: Frame | null;
  /** How a turn that did not touch an open dialog relates to it (default: a question of its own). */
  aside?: Aside;
  /** Intents whose whole answer this turn gave. */
  answered?: string[];
  /** What later follow-ups are about (undefined: the subject stays). */
  subject?: Subject;
  /** 那上海呢 compares: the user's own province is not changed. */
  keepRegion?: boolean;
  end?: boolean;
  verdict?: Verdict;
}
