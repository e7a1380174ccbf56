/**
 * One runner for every dialog: the FAQ follow-ups (faq.ts) and the eligibility interview
 * (interview.ts) are the same kind of thing — begun, continued by an answer to the pending
 * question, re-prompted, restarted, left — and the runner owns what is common to them: the control
 * words (退出/算了, 重新开始, 转人工), the question asked again after an aside, a choice picked by
 * number or words (each dialog reads its own), the correction of a finished check.
 */
import type { Knowledge } from '../knowledge/load';
import type { IntentId } from '../schema/knowledge';
import type { Goal, Situation } from '../schema/rules';
import { answerWords, isExactly } from '../nlu/answers';
import { normalizeLabel } from '../nlu/normalize';
import { FaqDialogs, type FaqTurn } from './faq';
import { Interview, type InterviewStep } from './interview';
import type { DialogInput, DialogTurn, Frame, InterviewFrame, PendingChoice, PendingQuestion, Reply } from './types';

/** How an aside (something answered while a question waited) relates to the dialog. */
export type Aside =
  /** A question of its own: the interview asks its question again; a FAQ follow-up is dropped. */
  | 'question'
  /** Conversation (thanks): a FAQ follow-up asks its question again once, then is dropped. */
  | 'remark'
  /** A fact noted (我在南京): every dialog asks its question again. */
  | 'note';

/** What the message says to the open dialog as a whole rather than to its question. */
export type Control = { turn: DialogTurn } | { handoff: true };

export class DialogRunner {
  readonly faq: FaqDialogs;
  readonly interview: Interview;

  constructor(private readonly k: Knowledge) {
    this.faq = new FaqDialogs(k);
    this.interview = new Interview(k);
  }

  /** Opens a FAQ follow-up dialog. */
  beginFaq(dialogId: string, intent: IntentId, input: DialogInput): DialogTurn {
    return this.settle(this.faq.begin(dialogId, intent, input), input);
  }

  /**
   * Starts the eligibility interview from what the user has already said (their profile; their
   * province for their own deregistration — re-registration asks for the new employer's).
   */
  beginInterview(goal: Goal, prefill: Situation, input: DialogInput): DialogTurn {
    let facts: Situation = { ...input.who.profile, ...prefill };
    if (input.who.region && goal === 'deregister' && !facts.region) facts = { ...facts, region: input.who.region };
    return this.fromInterview(this.interview.start(goal, facts, input.now, input.said));
  }

  /** The question the open frame waits on. */
  pending(frame: Frame): PendingQuestion | undefined {
    return frame.kind === 'faq' ? this.faq.pending(frame) : this.interview.pending(frame.check);
  }

  /** The pending question's answers as the conversation's choices (picking one gives its words to the dialog). */
  choices(frame: Frame): PendingChoice[] {
    return (this.pending(frame)?.choices ?? []).map((label) => ({ label, target: { answer: label } }));
  }

  /**
   * Control words addressed to the open dialog: leave it (退出, 算了), start it again (重新开始),
   * ask for a person (转人工). A choice the pending question offers is an answer, never a control word.
   */
  control(frame: Frame, input: DialogInput): Control | undefined {
    const n = input.normalized;
    if (this.pending(frame)?.choices.some((c) => normalizeLabel(c) === n)) return undefined;
    const { nlu, conversation } = this.k;
    const { particles } = answerWords(this.k);
    if (isExactly(n, nlu.quit, particles) || isExactly(n, nlu.cancel, particles)) {
      return { turn: frame.kind === 'faq' ? this.faq.left() : { replies: [{ text: this.k.interview.quit }], left: true } };
    }
    if (isExactly(n, nlu.restart, particles)) {
      return { turn: frame.kind === 'faq' ? this.settle(this.faq.restart(frame, input), input) : this.fromInterview(this.interview.restart(frame.check, input.now)) };
    }
    if (isExactly(n, conversation.words.handoff, particles)) return { handoff: true };
    return undefined;
  }

  /** The message read as an answer to the pending question, in the question's own terms; undefined when it is none. */
  answer(frame: Frame, input: DialogInput): DialogTurn | undefined {
    if (frame.kind === 'faq') {
      const turn = this.faq.answer(frame, input);
      return turn && this.settle(turn, input);
    }
    const step = this.interview.answer(frame.check, input.normalized, input.now, input.said);
    return step && this.fromInterview(step);
  }

  /** The pending question again, for a reply that was neither its answer nor a question answered. */
  reprompt(frame: Frame, input: DialogInput): DialogTurn {
    if (frame.kind === 'faq') return this.faq.reprompt(frame);
    return this.fromInterview(this.interview.reprompt(frame.check, input.normalized));
  }

  /**
   * After an aside was answered: the frame and its question asked again, or undefined when the
   * dialog is dropped (a FAQ follow-up after a new question, or after a second remark).
   */
  resume(frame: Frame, aside: Aside): { frame: Frame; reply: Reply } | undefined {
    if (frame.kind === 'interview') {
      const ask = this.interview.askAgain(frame.check);
      return { frame, reply: { text: `${this.k.interview.sideAnswerThen}${ask.text}`, choices: ask.choices } };
    }
    if (aside === 'question' || (aside === 'remark' && frame.aside)) return undefined;
    return { frame: aside === 'remark' ? { ...frame, aside: true } : frame, reply: this.faq.again(frame) };
  }

  /** A correction after the verdict (我刚才说错了…, 改一下第2个, 不对) reopens the finished check; undefined when it is none. */
  reopen(closed: InterviewFrame, input: DialogInput): DialogTurn | undefined {
    const step = this.interview.reopen(closed.check, input.normalized, input.now, input.said);
    return step && this.fromInterview(step);
  }

  /** A FAQ dialog that hands over to the interview starts it with what the dialog learned. */
  private settle(turn: FaqTurn, input: DialogInput): DialogTurn {
    if (!turn.interview) return turn;
    const started = this.beginInterview(turn.interview.goal, turn.interview.prefill, input);
    return { ...started, replies: [...turn.replies, ...started.replies], sources: turn.sources, answered: turn.answered };
  }

  private fromInterview(step: InterviewStep): DialogTurn {
    if (step.state) return { frame: { kind: 'interview', check: step.state }, replies: step.replies };
    // Ended with a verdict: the check is kept, closed, for corrections. Quit: nothing is kept.
    if (step.ended) return { frame: { kind: 'interview', check: step.ended, closed: true }, replies: step.replies, verdict: step.verdict };
    return { replies: step.replies, left: true };
  }
}
