/**
 * The FAQ follow-up dialogs of dialogs/*.yaml: show a step, read the answer to its question in the
 * question's own terms (a choice by number or label, its answer words, the common yes/no words,
 * its patterns), follow the transition. Dialog content is data; this file only walks it.
 */
import type { Knowledge } from '../knowledge/load';
import type { DialogFile, DialogQuestion, Transition } from '../schema/dialog';
import type { IntentId } from '../schema/knowledge';
import type { Goal, Situation } from '../schema/rules';
import { answerWords, isExactly, parseLeadingYesNo } from '../nlu/answers';
import { normalizeLabel } from '../nlu/normalize';
import { pattern } from './pattern';
import { answerFor } from './personal';
import { relatedChoices } from './render';
import type { DialogInput, DialogTurn, FaqFrame, PendingChoice, PendingQuestion, Reply } from './types';
import { must } from '../util/must';

/** A FAQ dialog's turn; `interview` hands over to the eligibility interview (the runner starts it). */
export type FaqTurn = DialogTurn & { interview?: { goal: Goal; prefill: Situation } };

export class FaqDialogs {
  constructor(private readonly k: Knowledge) {}

  private dialog(frame: Pick<FaqFrame, 'dialog'>): DialogFile {
    return must(this.k.dialogs.get(frame.dialog), `dialog ${frame.dialog}`);
  }

  private ask(frame: FaqFrame): DialogQuestion | undefined {
    return this.dialog(frame).steps[frame.step]?.ask;
  }

  /** Whether a message may be met with this dialog (none of its notWhen patterns matches). */
  fits(dialogId: string, normalized: string): boolean {
    const dialog = must(this.k.dialogs.get(dialogId), `dialog ${dialogId}`);
    return !dialog.notWhen.some((p) => pattern(p).test(normalized));
  }

  /** Opens a dialog at its first step. */
  begin(dialogId: string, intent: IntentId, input: DialogInput): FaqTurn {
    const dialog = must(this.k.dialogs.get(dialogId), `dialog ${dialogId}`);
    const first = this.show(dialog, dialog.start, intent, input);
    // The opening message may answer the first question already (社保上个月停了): it is not asked, its answer is followed.
    const ask = dialog.steps[dialog.start].ask;
    const said = ask && toldAlready(ask, input.normalized);
    const next = said && ask.on[said];
    if (!next || !('step' in next) || !first.frame) return first;
    const then = this.show(dialog, next.step, intent, input);
    return { ...then, replies: [first.replies[0], ...then.replies], sources: [...(first.sources ?? []), ...(then.sources ?? [])], answered: [...(first.answered ?? []), ...(then.answered ?? [])] };
  }

  /** The question the frame waits on: yes/no, its two answers as choices 1 and 2. */
  pending(frame: FaqFrame): PendingQuestion | undefined {
    const ask = this.ask(frame);
    return ask && { text: ask.text, expects: 'yesno', choices: [ask.choices.yes, ask.choices.no] };
  }

  /** The pending question's answers as choices of the conversation (their own words go back to the dialog). */
  choices(frame: FaqFrame): PendingChoice[] {
    return (this.pending(frame)?.choices ?? []).map((label) => ({ label, target: { answer: label } }));
  }

  /** The message read as an answer to the step's question; undefined when it is none. */
  answer(frame: FaqFrame, input: DialogInput): FaqTurn | undefined {
    const ask = this.ask(frame);
    const yn = ask && readAnswer(ask, input.normalized, this.k);
    return yn && this.follow(frame, ask.on[yn], input);
  }

  /**
   * The question again for a reply that was neither an answer nor a question: first in words
   * (请回答…), then as numbered choices (never the same request twice in a row); a third miss
   * leaves the dialog, so nobody is held in it.
   */
  reprompt(frame: FaqFrame): FaqTurn {
    const ask = must(this.ask(frame), `the question of ${frame.dialog}/${frame.step}`);
    const labels = [ask.choices.yes, ask.choices.no];
    if (frame.tries >= 2) return { replies: [], left: true };
    const text = frame.tries === 0 ? ask.reprompt : `${ask.text}\n${this.k.messages.pickNumber}`;
    return { frame: { ...frame, tries: frame.tries + 1 }, replies: [{ text, choices: labels }] };
  }

  /** The question again after an aside, with its answers as choices. */
  again(frame: FaqFrame): Reply {
    const ask = must(this.ask(frame), `the question of ${frame.dialog}/${frame.step}`);
    return { text: `${this.k.messages.backToQuestion}${ask.text}`, choices: [ask.choices.yes, ask.choices.no] };
  }

  /** 重新开始 inside a dialog: its first step again. */
  restart(frame: FaqFrame, input: DialogInput): FaqTurn {
    return this.begin(frame.dialog, frame.intent, input);
  }

  /** Left (算了, a declined offer): said so, and where to go next. */
  left(): FaqTurn {
    const choices = relatedChoices(this.k.conversation.intents.starters, this.k);
    return { replies: [withChoices(this.k.messages.flowLeft, choices)], choices, left: true };
  }

  private follow(frame: FaqFrame, next: Transition, input: DialogInput): FaqTurn {
    if ('end' in next) return this.left();
    if ('intent' in next) return { replies: [], next: next.intent };
    if ('interview' in next) return { replies: [], interview: { goal: next.interview.goal, prefill: next.interview.prefill } };
    return this.show(this.dialog(frame), next.step, frame.intent, input);
  }

  /** Renders a step: its words, the answer it includes (led by what applies to this person), its question. */
  private show(dialog: DialogFile, stepName: string, intent: IntentId, input: DialogInput): FaqTurn {
    const step = dialog.steps[stepName];
    const entry = step.answer ? this.k.answers.get(step.answer) : undefined;
    const body = answerFor(entry, input.who, this.k, input.said, { text: step.text, sources: step.sources });
    const answered = step.answer ? [step.answer] : [];
    if (step.ask) {
      const frame: FaqFrame = { kind: 'faq', dialog: dialog.id, step: stepName, intent, tries: 0 };
      return { frame, replies: [{ text: body.text }, { text: step.ask.text, choices: [step.ask.choices.yes, step.ask.choices.no] }], sources: body.sources, answered };
    }
    const choices = relatedChoices(step.related, this.k);
    return { replies: [withChoices(body.text, choices)], choices, sources: body.sources, answered };
  }
}

/** A question's answer told in a message that was not its reply: only its own patterns count (no before yes). */
function toldAlready(ask: DialogQuestion, normalized: string): 'yes' | 'no' | undefined {
  if (ask.patterns?.no.some((p) => pattern(p).test(normalized))) return 'no';
  if (ask.patterns?.yes.some((p) => pattern(p).test(normalized))) return 'yes';
  return undefined;
}

/**
 * Yes or no to a step's question: a choice by number (1 yes, 2 no) or label, the question's own
 * answer words, the common yes/no words (with hedges: 好像没有), then its patterns (no before yes).
 */
export function readAnswer(ask: DialogQuestion, normalized: string, k: Knowledge): 'yes' | 'no' | undefined {
  if (normalized === '1' || normalized === normalizeLabel(ask.choices.yes)) return 'yes';
  if (normalized === '2' || normalized === normalizeLabel(ask.choices.no)) return 'no';
  const words = answerWords(k);
  if (isExactly(normalized, ask.answers.no, words.particles)) return 'no';
  if (isExactly(normalized, ask.answers.yes, words.particles)) return 'yes';
  const yn = parseLeadingYesNo(normalized, words);
  // 好的，谢谢 to an offer closes the conversation politely: it is no, not a yes that starts something.
  if (yn === 'yes' && k.conversation.words.thanks.some((w) => normalized.includes(w))) return 'no';
  if (yn) return yn;
  if (ask.patterns?.no.some((p) => pattern(p).test(normalized))) return 'no';
  if (ask.patterns?.yes.some((p) => pattern(p).test(normalized))) return 'yes';
  return undefined;
}

export function withChoices(text: string, choices: PendingChoice[]): Reply {
  return choices.length ? { text, choices: choices.map((c) => c.label) } : { text };
}
