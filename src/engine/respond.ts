/**
 * The ways a turn answers, shared by the steps: an intent (its interview, its dialog or its
 * answer), an answer given before (a one-line reminder and the part asked for, or a question
 * back), a dialog's turn, the closest questions, "not understood".
 */
import type { Knowledge } from '../knowledge/load';
import type { IntentId } from '../schema/knowledge';
import type { Understanding } from '../nlu/nlu';
import { withChoices } from '../dialogs/faq';
import { answerFor, personalLead } from '../dialogs/personal';
import { fillTemplate, relatedChoices, titleOf } from '../dialogs/render';
import type { DialogTurn, PendingChoice } from '../dialogs/types';
import type { Answers, TurnContext } from './context';
import type { Outcome } from './outcome';
import { must } from '../util/must';
import { askedWords } from './part-asked';

const MAX_SUGGESTIONS = 3;

/**
 * The FAQ follow-up of an intent that may begin now, for this person and this message (the answer
 * step and the card step both ask): not walked before; not for a firm's HR (the follow-ups ask the
 * engineer for their own proof); not for someone a rule no remedy lifts already rules out (over 65,
 * no check of the conditions to register); not for a message its notWhen patterns exclude.
 */
export function followUpFor(ctx: TurnContext, intent: IntentId): string | undefined {
  const entry = ctx.k.answers.get(intent);
  if (!entry?.flow || ctx.state.answered.includes(intent) || ctx.state.role === 'employer') return undefined;
  if (entry.check && personalLead(entry.check, ctx.who, ctx.k, entry.covers)?.final) return undefined;
  return ctx.runner.faq.fits(entry.flow, ctx.normalized) ? entry.flow : undefined;
}

export class Responder implements Answers {
  constructor(private readonly k: Knowledge) {}

  /** Conversation itself (thanks, a greeting, a person): never a subject, never "answered before". */
  private conversational(intent: IntentId): boolean {
    const roles = this.k.conversation.intents;
    return roles.remarks.includes(intent) || roles.notRegional.includes(intent);
  }

  /** An intent: through its interview or its dialog when it has one, else its answer (a reminder when given before). */
  answer(ctx: TurnContext, intent: IntentId, confidence: number): Outcome {
    const entry = this.k.answers.get(intent);
    // Only `fallback` has no answer entry (the loader checks every other intent has one).
    if (!entry) return this.fallback(ctx, confidence);
    if (entry.interview) return { ...this.dialog(ctx, ctx.runner.beginInterview(entry.interview, {}, ctx.input), intent), confidence, subject: intent };
    const flow = followUpFor(ctx, intent);
    if (flow) return { ...this.dialog(ctx, ctx.runner.beginFaq(flow, intent, ctx.input), intent), confidence, subject: intent };
    return this.plain(ctx, intent, confidence);
  }

  /**
   * An intent's answer without its dialog: in full the first time, a reminder after. `covered`:
   * rule findings the answer a follow-up is about already explained (not led with again).
   */
  plain(ctx: TurnContext, intent: IntentId, confidence: number, covered: string[] = []): Outcome {
    const entry = must(this.k.answers.get(intent), `the answer of ${intent}`);
    const choices = relatedChoices(entry.related, this.k);
    const conversational = this.conversational(intent);
    if (ctx.state.answered.includes(intent)) {
      // Conversation again (a second 你好, 转人工) is short; a question again gets a reminder.
      const brief = this.k.conversation.say.briefly[intent];
      if (!conversational) return this.reminder(ctx, intent, confidence);
      if (brief) return { intent, confidence, replies: [withChoices(brief, choices)], sources: [], choices };
    }
    const body = answerFor(entry, ctx.who, this.k, ctx.said, {}, covered);
    return {
      intent,
      confidence,
      replies: [withChoices(body.text, choices)],
      sources: body.sources,
      choices,
      answered: [intent],
      ...(conversational ? {} : { subject: intent }),
    };
  }

  /**
   * An answer given in full before: one line naming it, then the lines of it the message asks
   * about (its words that are not the answer's own topic), or else a question back offering the
   * related questions.
   */
  reminder(ctx: TurnContext, intent: IntentId, confidence: number): Outcome {
    const { k } = this;
    const entry = must(k.answers.get(intent), `the answer of ${intent}`);
    const title = titleOf(intent, k);
    const line = k.conversation.say.reminder.replaceAll('{title}', title);
    const part = this.partAsked(ctx, intent);
    const choices = relatedChoices(entry.related, k).filter((c) => !('intent' in c.target && ctx.state.answered.includes(c.target.intent)));
    const offered = choices.length ? choices : relatedChoices(entry.related, k);
    if (part.length) {
      const text = `${part.join('\n')}\n${line}`;
      return { intent, confidence, replies: [withChoices(text, offered)], sources: [], choices: offered, subject: intent };
    }
    const o = k.conversation.say.options;
    const options = offered.map((c) => o.quote.replaceAll('{title}', c.label));
    const joined = options.length > 1 ? `${options.slice(0, -1).join(o.separator)}${o.last}${options.at(-1)}` : (options[0] ?? '');
    // The answer's first sentence, so the reminder still answers; then the question back.
    const first = fillTemplate(entry.answer.text, k)
      .trim()
      .split(/(?<=[。！？])/u)[0];
    const text = [first, line, ...(offered.length ? [k.conversation.say.askBack.replaceAll('{options}', joined)] : [])].join('\n');
    return { intent, confidence, replies: [withChoices(text, offered)], sources: [], choices: offered, subject: intent };
  }

  /** The lines of an answer that name what the message asks about beyond the answer's topic (同意注销函 in the materials). */
  private partAsked(ctx: TurnContext, intent: IntentId): string[] {
    const { k } = this;
    const entry = must(k.answers.get(intent), `the answer of ${intent}`);
    const words = askedWords(ctx, entry.title).filter((w) => [...w].length >= 2);
    if (!words.length) return [];
    return fillTemplate(entry.answer.text, k)
      .split('\n')
      .slice(1)
      .filter((l) => words.some((w) => l.includes(w)));
  }

  /** A dialog's turn as the turn's outcome; a dialog that hands over to an intent gets its answer after. */
  dialog(ctx: TurnContext, turn: DialogTurn, intent: IntentId): Outcome {
    const frame = turn.frame;
    const open = frame !== undefined && !(frame.kind === 'interview' && frame.closed);
    const o: Outcome = {
      intent: frame?.kind === 'interview' || turn.verdict ? 'interview.start' : intent,
      confidence: 1,
      replies: turn.replies,
      sources: turn.sources ?? [],
      choices: open ? ctx.runner.choices(frame) : (turn.choices ?? []),
      dialog: frame ?? null,
      verdict: turn.verdict,
      answered: turn.answered,
    };
    if (!turn.next) return o;
    const then = this.answer(ctx, turn.next, 1);
    return {
      ...then,
      replies: [...o.replies, ...then.replies],
      sources: [...o.sources, ...then.sources],
      dialog: then.dialog ?? null,
      answered: [...(o.answered ?? []), ...(then.answered ?? [])],
    };
  }

  /** The closest questions as numbered choices, 转人工 last (once, even when it is among them). */
  suggestions(u: Understanding): Outcome {
    const { k } = this;
    const handoff: PendingChoice = { label: k.messages.handoffChoice, target: { intent: 'handoff.human' } };
    const choices = [
      ...u.candidates
        .filter((c) => c.label !== 'handoff.human')
        .slice(0, MAX_SUGGESTIONS)
        .map((c): PendingChoice => ({ label: titleOf(c.label, k), target: { intent: c.label } })),
      handoff,
    ];
    return { intent: 'fallback', confidence: u.confidence, replies: [withChoices(k.messages.suggest, choices)], sources: [], choices };
  }

  /** "Not understood": what the assistant can do and the starter questions; shorter on a second miss in a row. */
  fallback(ctx: TurnContext, confidence: number, lead?: string): Outcome {
    const { k } = this;
    const text = lead ?? (ctx.state.fallbackStreak >= 1 ? k.conversation.say.fallbackAgain : k.messages.fallback);
    const choices = this.starters();
    return { intent: 'fallback', confidence, replies: [withChoices(text, choices)], sources: [], choices };
  }

  /** The starter questions and the way to a person: offered wherever the user is left without a question. */
  starters(): PendingChoice[] {
    return relatedChoices(this.k.conversation.intents.starters, this.k);
  }
}
