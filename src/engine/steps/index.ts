/**
 * The turn, in order: each step takes the message or passes it on (Botkit's handleTurn — interrupts,
 * the active dialog, then triggers — and grammY's composer, as one visible list).
 */
import type { Step } from '../context';
import { privacyOnly } from './privacy';
import { emptyInput } from './empty';
import { pickChoice } from './pick-choice';
import { controlWords } from './control';
import { pendingAnswer } from './pending-answer';
import { remark } from './remark';
import { correction } from './correction';
import { notCovered } from './not-covered';
import { factStatement, factsOfUnclearQuestion } from './fact-statement';
import { regionFollowUp, regionStatement } from './region';
import { followUp } from './follow-up';
import { answerCard } from './answer-card';
import { newQuestion } from './new-question';
import { notUnderstood } from './not-understood';

export const STEPS: readonly (readonly [name: string, step: Step])[] = [
  ['privacy', privacyOnly],
  ['empty input', emptyInput],
  ['pick a choice', pickChoice],
  ['control words', controlWords],
  ['the pending question', pendingAnswer],
  ['a remark', remark],
  ['correction of the check', correction],
  ['a statement of facts', factStatement],
  ['region follow-up', regionFollowUp],
  ['region statement', regionStatement],
  ['follow-up on the subject', followUp],
  ['an answer card', answerCard],
  ['not covered', notCovered],
  ['a new question', newQuestion],
  ['facts with an unclear question', factsOfUnclearQuestion],
  ['not understood', notUnderstood],
];
