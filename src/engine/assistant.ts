/**
 * The turn function: (state, event) → replies and the next state. The only place that composes
 * the NLU, the knowledge and the dialogs. It knows no channel and does no I/O.
 *
 * A turn builds its context (the message normalised, the facts it states, the understanding on
 * demand), runs the steps of steps/index.ts in order until one takes the message, and does the
 * bookkeeping common to every turn (outcome.ts).
 */
import type { IntentId } from '../schema/knowledge';
import type { Knowledge } from '../knowledge/load';
import { domainNlu, type Nlu, type Understanding } from '../nlu/nlu';
import { normalizeText } from '../nlu/normalize';
import { removePersonalData } from '../privacy/mask';
import { DialogRunner } from '../dialogs/runner';
import { withChoices } from '../dialogs/faq';
import { relatedChoices } from '../dialogs/render';
import { buildContext, type TurnContext } from './context';
import { cardIndex } from './card-ranking';
import { finish } from './finish';
import type { Outcome } from './outcome';
import { Responder } from './respond';
import { readState } from './state';
import { STEPS } from './steps';
import { forNextCaller } from './next-caller';
import { questionBesideInsult } from './insult';
import { newConversationState, type ConversationState, type TurnEvent, type TurnResult } from './types';

export class Assistant {
  private trained: Nlu | undefined;
  private readonly runner: DialogRunner;
  private readonly respond: Responder;

  /** `lazy`: train the NLU on first use, not now (the server's main thread, when an engine thread answers the turns). */
  constructor(
    readonly knowledge: Knowledge,
    opts: { lazy?: boolean } = {},
  ) {
    if (!opts.lazy) {
      this.trained = domainNlu(knowledge);
      // The cards' ranking model is made now too, so the first question does not wait for it.
      cardIndex(knowledge, this.trained).prepare();
    }
    this.runner = new DialogRunner(knowledge);
    this.respond = new Responder(knowledge);
  }

  /** The trained NLU (trained now if the assistant was built lazy). */
  get nlu(): Nlu {
    this.trained ??= domainNlu(this.knowledge);
    return this.trained;
  }

  /** The greeting a new conversation opens with. */
  greet(state: unknown = newConversationState()): TurnResult {
    const k = this.knowledge;
    const choices = relatedChoices(k.answers.get('chitchat.greeting')?.related ?? [], k);
    const ctx = this.context(readState(state), { text: '' });
    return finish(ctx, {
      intent: 'chitchat.greeting',
      confidence: 1,
      replies: [withChoices(k.messages.greeting, choices)],
      sources: [],
      choices,
      dialog: null,
      answered: ['chitchat.greeting'],
    });
  }

  /** Answers an intent directly, as if the user had picked it (the staff console's /check). */
  answer(state: unknown, intent: IntentId, now: Date = new Date()): TurnResult {
    const ctx = this.context(readState(state), { text: '', now });
    return finish(ctx, { ...this.respond.answer(ctx, intent, 1), aside: 'note' });
  }

  /** Classifies without touching any conversation. */
  classify(text: string): Understanding {
    return this.nlu.understand(text);
  }

  /**
   * Runs one turn on a state as stored (an older version is read as the current one). Never
   * throws on user input: anything unusable gets the fallback.
   */
  turn(stored: unknown, event: TurnEvent): TurnResult {
    let state = readState(stored);
    let message = this.read(event);
    // A hotline agent's next caller: the earlier caller's facts are gone; the rest of the message is asked afresh.
    const next = forNextCaller(this.knowledge, state, message.normalized);
    if (next) {
      state = next.state;
      message = { ...message, text: next.rest, normalized: next.rest };
    }
    // An insult that also asks something: the question is answered, headed by an apology.
    // (Only a question the domain or the classifier can read: 问啥都不会 is part of the complaint.)
    const beside = questionBesideInsult(this.knowledge, message.normalized);
    const readable = (t: string) => this.knowledge.cards.settings.domainWords.some((w) => t.includes(w)) || this.nlu.understand(t).decision === 'answer';
    const asked = beside && readable(beside) ? beside : undefined;
    if (asked) message = { ...message, text: asked, normalized: asked };
    const ctx = this.contextOf(state, message, event.now);
    let outcome: Outcome | undefined;
    const { nextCaller: newCaller, insultAnswered } = this.knowledge.conversation.say;
    if (next && !next.rest) outcome = { ...this.respond.fallback(ctx, 1, newCaller), intent: 'chitchat.greeting' };
    else {
      for (const [, step] of STEPS) if ((outcome = step(ctx))) break;
      const heads = [...(next ? [newCaller] : []), ...(asked ? [insultAnswered] : [])];
      if (heads.length && outcome) outcome = { ...outcome, replies: [...heads.map((text) => ({ text })), ...outcome.replies] };
    }
    // The last step always answers; this only satisfies the type.
    return finish(ctx, outcome ?? this.respond.fallback(ctx, 1));
  }

  /** The names of the steps a turn runs, in order (for the staff console and the tests). */
  static get steps(): string[] {
    return STEPS.map(([name]) => name);
  }

  /** What the steps of a turn read, for a state as stored and a message (the steps' tests use it). */
  context(state: ConversationState, event: TurnEvent): TurnContext {
    return this.contextOf(state, this.read(event), event.now);
  }

  /**
   * The message as read once per turn: an ID-card or mobile number is read as if it were not there
   * (it says nothing about the question); the reply starts by saying it was hidden.
   */
  private read(event: TurnEvent): { text: string; normalized: string; masked: boolean } {
    const raw = event.text ?? '';
    const text = removePersonalData(raw);
    return { text, normalized: normalizeText(text), masked: text !== raw };
  }

  private contextOf(state: ConversationState, message: { text: string; normalized: string; masked: boolean }, now = new Date()): TurnContext {
    return buildContext({
      k: this.knowledge,
      stored: state,
      ...message,
      now,
      nlu: () => this.nlu,
      runner: this.runner,
      respond: this.respond,
    });
  }
}
