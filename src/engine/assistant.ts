/**
 * The turn function: (state, event) → replies and the next state. The only place that composes
 * the NLU, the knowledge and the dialogs. It knows no channel and does no I/O.
 */
import type { IntentId } from '../schema/knowledge';
import type { Knowledge } from '../knowledge/load';
import { domainNlu, withoutPlaces, type Nlu, type Understanding } from '../nlu/nlu';
import { bareAnswer, isExactly, isQuestion, parseLeadingYesNo } from '../nlu/answers';
import { normalizeLabel, normalizeText } from '../nlu/normalize';
import { removePersonalData } from '../privacy/mask';
import { patternAnswer, reprompt, showStep, transitionFor, withChoices, yesNoChoices } from '../dialogs/flow';
import { regionBlock, regionDifferences, relatedChoices, renderAnswer, sourceTitles, titleOf } from './render';
import { personalLead, personalParts, type Who } from '../dialogs/personal';
import { Interview, type InterviewStep } from '../dialogs/interview';
import type { Goal, Situation, Verdict } from '../schema/rules';
import {
  newConversationState,
  type ConversationState,
  type FlowPosition,
  type PendingChoice,
  type Reply,
  type TurnEvent,
  type TurnResult,
} from './types';

/** What a turn decides before the bookkeeping common to every turn. */
interface Outcome {
  intent: IntentId;
  confidence: number;
  replies: Reply[];
  sources: string[];
  choices: PendingChoice[];
  flow?: ConversationState['flow'];
  interview?: ConversationState['interview'];
  end?: boolean;
  verdict?: Verdict;
  lastCheck?: ConversationState['lastCheck'];
}

/** Intents that do not interrupt an interview question (it carries on asking instead). */
// Thanks mid-interview gets its answer (不客气) and the question again, not "not understood".
const NOT_SIDE_QUESTIONS = new Set<IntentId>(['interview.start', 'chitchat.greeting', 'fallback']);

/** Not offered as the second question of a message: conversation, not a question. */
const NOT_SECOND_QUESTIONS = new Set<IntentId>(['interview.start', 'chitchat.greeting', 'chitchat.thanks', 'handoff.human']);

/** Where one question of a message ends and the next may begin. */
const QUESTION_BREAK = /[，,。；;！!？?\s]+/u;

/** The clauses of a message that ask something (a question word or mark), in order. */
function questionClauses(normalized: string): string[] {
  return normalized.split(QUESTION_BREAK).filter((c) => c.length >= 3 && isQuestion(c));
}

/** The user speaks of themselves: a place named so is their province (我在上海, 我是广东的). */
const SELF = /我|本人|咱/u;

/** After these, a bare place (北京) is not a follow-up about that province. */
const NOT_REGIONAL = new Set<IntentId>(['chitchat.greeting', 'chitchat.thanks', 'handoff.human']);

const MAX_SUGGESTIONS = 3;

export class Assistant {
  private trained: Nlu | undefined;
  private readonly interview: Interview;

  /** `lazy`: train the NLU on first use, not now (the server's main thread, when an engine thread answers the turns). */
  constructor(
    readonly knowledge: Knowledge,
    opts: { lazy?: boolean } = {},
  ) {
    if (!opts.lazy) this.trained = domainNlu(knowledge);
    this.interview = new Interview(knowledge);
  }

  /** The trained NLU (trained now if the assistant was built lazy). */
  get nlu(): Nlu {
    this.trained ??= domainNlu(this.knowledge);
    return this.trained;
  }

  /** The greeting a new conversation opens with. */
  greet(state: ConversationState = newConversationState()): TurnResult {
    const choices = relatedChoices(this.knowledge.answers.get('chitchat.greeting')?.related ?? [], this.knowledge);
    return this.finish(state, {
      intent: 'chitchat.greeting',
      confidence: 1,
      replies: [withChoices(this.knowledge.messages.greeting, choices)],
      sources: [],
      choices,
    });
  }

  /** Answers an intent directly, as if the user had picked it (the staff console's /check). */
  answer(state: ConversationState, intent: IntentId, now: Date = new Date()): TurnResult {
    return this.finish(state, this.answerIntent(intent, 1, now, state));
  }

  /** Classifies without touching any conversation. */
  classify(text: string): Understanding {
    return this.nlu.understand(text);
  }

  /** Runs one turn. Never throws on user input: anything unusable gets the fallback. */
  turn(state: ConversationState, event: TurnEvent): TurnResult {
    // An ID-card or mobile number is read as if it were not there (it says nothing about the question),
    // and the reply starts by saying it was hidden.
    const text = removePersonalData(event.text ?? '');
    if (text === (event.text ?? '')) return this.respondTo(state, event);
    const note = { text: this.knowledge.messages.personalData };
    if (!normalizeText(text)) {
      return this.finish(state, { intent: 'fallback', confidence: 1, replies: [note], sources: [], choices: state.choices, flow: state.flow, interview: state.interview });
    }
    const result = this.respondTo(state, { ...event, text });
    result.replies.unshift(note);
    return result;
  }

  private respondTo(state: ConversationState, event: TurnEvent): TurnResult {
    const k = this.knowledge;
    const normalized = normalizeText(event.text ?? '');
    if (!normalized) {
      return this.finish(state, { intent: 'fallback', confidence: 1, replies: [{ text: k.messages.emptyInput }], sources: [], choices: state.choices, flow: state.flow });
    }

    const now = event.now ?? new Date();
    if (state.interview) return this.finish(state, this.continueInterview(state, normalized, now));
    // Facts the user states (age, reason, employer gone, hours…) are kept and used by later answers.
    const stated = this.interview.factsIn(normalized);
    if (Object.keys(stated).length) state = { ...state, profile: { ...state.profile, ...stated } };
    // A province named anywhere is remembered: later answers add what the article says about it.
    const place = k.regions.find(normalized);
    // 那上海呢 compares; 我在上海 / 我是上海的 says where the user is.
    const before = state.region;
    const aboutSelf = place !== undefined && SELF.test(normalized);
    if (place) state = { ...state, region: place };

    // An offered choice wins over a control word with the same text (不用了 as an answer).
    const picked = this.pickChoice(state, normalized, now);
    if (picked) return this.finish(state, picked);

    const control = this.control(state, normalized);
    if (control) return this.finish(state, control);

    if (state.flow) {
      const answer = parseLeadingYesNo(normalized, k.nlu) ?? patternAnswer(k.dialogs.get(state.flow.id)!, state.flow.step, normalized);
      if (answer) return this.finish(state, this.follow(state, answer, now));
    }

    const reopened = state.lastCheck && !state.flow ? this.interview.reopen(state.lastCheck, normalized, now) : undefined;
    if (reopened) return this.finish(state, this.interviewOutcome(reopened));

    // 注销要收费吗: the article says nothing; the nearest answer (the steps) would mislead.
    const gap = /注销|注册/u.test(normalized) ? k.messages.notCovered.find((g) => g.words.some((w) => normalized.includes(w)) && !g.unless.some((w) => normalized.includes(w))) : undefined;
    if (gap && !state.flow) {
      const choices = this.starterChoices();
      return this.finish(state, { intent: 'fallback', confidence: 1, replies: [withChoices(gap.text, choices)], sources: [], choices });
    }

    const onlyPlace = place !== undefined && this.isOnlyPlace(normalized);
    // 我在南京 while a dialog waits for its answer: noted, and the dialog's question asked again.
    if (onlyPlace && state.flow) {
      const noted: Outcome = { intent: state.flow.intent, confidence: 1, replies: [{ text: k.messages.regionNotedShort.replaceAll('{province}', place) }], sources: [], choices: [] };
      return this.finish(state, { ...this.backToFlow({ ...state.flow, idle: false }, noted), flow: state.flow });
    }
    const followUp = onlyPlace ? this.regionFollowUp(state, place) : undefined;
    if (followUp) return this.finish(aboutSelf ? state : { ...state, region: before }, followUp);
    if (onlyPlace) return this.finish(state, this.regionNoted(place));

    const u = this.understandLong(normalized);
    if (state.flow && u.decision !== 'answer' && !state.flow.idle) return this.finish(state, this.reask(state));
    // The same question twice in a row (inside its dialog or just after): the user wants the answer, not the dialog's first step again.
    if (u.decision === 'answer' && u.intent === state.lastIntent && k.answers.get(u.intent)?.flow) return this.finish(state, this.plainAnswer(u.intent, u.confidence, state));
    let outcome = this.respond(u, state, now);
    if (state.flow && !state.flow.idle && u.decision === 'answer') outcome = this.backToFlow(state.flow, outcome);
    if (u.truncated) outcome.replies.unshift({ text: k.messages.tooLong });
    return this.finish(state, outcome);
  }

  /**
   * A message longer than the NLU reads is a story with the question usually at its end: the last
   * clause that asks, when it is understood on its own, decides; otherwise the start and the end.
   */
  private understandLong(normalized: string): Understanding {
    const u = this.nlu.understandNormalized(normalized);
    if (!u.truncated) return u;
    const last = questionClauses(normalized).at(-1);
    const v = last ? this.nlu.understandNormalized(last) : undefined;
    return v?.decision === 'answer' ? { ...v, truncated: true } : u;
  }

  /** Quit, cancel and restart words. */
  private control(state: ConversationState, normalized: string): Outcome | undefined {
    const { nlu, messages } = this.knowledge;
    const inFlow = state.flow;
    if (inFlow && (isExactly(normalized, nlu.quit) || isExactly(normalized, nlu.cancel))) {
      return this.leftFlow(inFlow.intent);
    }
    if (isExactly(normalized, nlu.quit)) {
      return { intent: 'chitchat.thanks', confidence: 1, replies: [{ text: messages.goodbye }], sources: [], choices: [], end: true };
    }
    if (isExactly(normalized, nlu.restart)) {
      if (inFlow) return this.startFlow(inFlow.id, inFlow.intent, state);
      const greeting = this.greet(state);
      return { intent: 'chitchat.greeting', confidence: 1, replies: greeting.replies, sources: [], choices: greeting.state.choices };
    }
    return undefined;
  }

  /** A number or the exact label of one of the last reply's choices. */
  private pickChoice(state: ConversationState, normalized: string, now: Date): Outcome | undefined {
    if (!state.choices.length) return undefined;
    let choice: PendingChoice | undefined;
    if (/^\d{1,3}$/.test(normalized)) {
      choice = state.choices[Number(normalized) - 1];
      if (!choice) {
        const labels = state.choices.map((c) => c.label);
        return { intent: state.flow?.intent ?? 'fallback', confidence: 1, replies: [{ text: this.knowledge.messages.choiceOutOfRange, choices: labels }], sources: [], choices: state.choices, flow: state.flow };
      }
    } else {
      choice = state.choices.find((c) => normalizeLabel(c.label) === normalized);
    }
    if (!choice) return undefined;
    if ('answer' in choice.target) return state.flow ? this.follow(state, choice.target.answer, now) : undefined;
    return this.answerIntent(choice.target.intent, 1, now, state);
  }

  /** Follows a yes/no answer inside the active dialog. */
  private follow(state: ConversationState, answer: 'yes' | 'no', now: Date): Outcome {
    const flow = state.flow!;
    const dialog = this.knowledge.dialogs.get(flow.id)!;
    const next = transitionFor(dialog, flow.step, answer);
    if (!next || 'end' in next) {
      return this.leftFlow(flow.intent);
    }
    if ('intent' in next) return this.answerIntent(next.intent, 1, now, state);
    if ('interview' in next) return this.startInterview(next.interview.goal, next.interview.prefill, now, state);
    const out = showStep(dialog, next.step, flow.intent, this.knowledge, state);
    return { intent: flow.intent, confidence: 1, ...out };
  }

  /**
   * A side question (or thanks) answered inside a FAQ dialog: its question is asked again and may
   * still be answered by the next message, as in the interview. Once only: a second side question
   * leaves the dialog, so nobody is held in it.
   */
  private backToFlow(flow: FlowPosition, side: Outcome): Outcome {
    const ask = this.knowledge.dialogs.get(flow.id)!.steps[flow.step]?.ask;
    if (!ask || side.flow || side.interview || side.end) return side;
    const choices = yesNoChoices(ask);
    return {
      ...side,
      replies: [...side.replies.map((r) => ({ text: r.text })), withChoices(`${this.knowledge.messages.backToQuestion}${ask.text}`, choices)],
      choices,
      flow: { ...flow, idle: true },
    };
  }

  /** The dialog's question again, when the reply was neither an answer nor a new question. */
  private reask(state: ConversationState): Outcome {
    const flow = { ...state.flow!, tries: state.flow!.tries + 1 };
    const dialog = this.knowledge.dialogs.get(flow.id)!;
    return { intent: flow.intent, confidence: 1, replies: [reprompt(dialog, flow, this.knowledge.messages.pickNumber)], sources: [], choices: state.choices, flow };
  }

  /** What to say for an understood (or not understood) free-text message. */
  private respond(u: Understanding, state: ConversationState, now: Date): Outcome {
    const k = this.knowledge;
    // 要什么材料，多久能办好？ Two questions, each understood: the first is answered, the second offered.
    const asked = this.questionsAsked(u);
    if (asked) {
      const [first, second] = asked;
      const outcome = this.answerIntent(first, 1, now, state);
      const title = titleOf(second, k);
      if (outcome.flow || outcome.interview || outcome.replies.length !== 1) {
        // The first opened a dialog waiting for its answer: the second is named, not offered as a number.
        const later = { text: k.messages.alsoAskedLater.replaceAll('{title}', title) };
        return { ...outcome, replies: [...outcome.replies.slice(0, -1), later, ...outcome.replies.slice(-1)] };
      }
      const choices: PendingChoice[] = [{ label: title, target: { intent: second } }, ...outcome.choices.filter((c) => !('intent' in c.target && c.target.intent === second))];
      const text = `${outcome.replies[0].text}\n\n${k.messages.alsoAsked.replaceAll('{title}', title)}`;
      return { ...outcome, replies: [withChoices(text, choices)], choices };
    }
    if (u.decision === 'answer') return this.answerIntent(u.intent, u.confidence, now, state);
    if (u.decision === 'suggest') {
      const handoff: PendingChoice = { label: k.messages.handoffChoice, target: { intent: 'handoff.human' } };
      const choices = [
        // 转人工 is offered once, at the end, even when it is among the closest questions.
        ...u.candidates
          .filter((c) => c.label !== 'handoff.human')
          .slice(0, MAX_SUGGESTIONS)
          .map((c): PendingChoice => ({ label: titleOf(c.label, k), target: { intent: c.label } })),
        handoff,
      ];
      return { intent: 'fallback', confidence: u.confidence, replies: [withChoices(k.messages.suggest, choices)], sources: [], choices };
    }
    return this.fallbackOutcome(state.fallbackStreak, u.confidence, u.reason === 'other-domain' ? k.messages.otherDomain : undefined);
  }

  /**
   * Two different questions in one message, in the order asked: clauses that ask (a question word
   * or mark) and are each understood on their own. A clause that only tells something never counts.
   */
  private questionsAsked(u: Understanding): [IntentId, IntentId] | undefined {
    const clauses = questionClauses(u.normalized);
    if (clauses.length < 2) return undefined;
    const intents: IntentId[] = [];
    for (const clause of clauses) {
      const v = this.nlu.understandNormalized(clause);
      if (v.decision === 'answer' && !NOT_SECOND_QUESTIONS.has(v.intent) && !intents.includes(v.intent)) intents.push(v.intent);
    }
    return intents.length >= 2 ? [intents[0], intents[1]] : undefined;
  }

  /** "Not understood": what the assistant can do, starter questions and the way to a person. */
  private fallbackOutcome(streak: number, confidence: number, lead = this.knowledge.messages.fallback): Outcome {
    const k = this.knowledge;
    // A second miss in a row: give the hotline straight away instead of only offering it.
    const text = streak >= 1 ? `${lead}\n\n${k.messages.hotline}` : lead;
    const choices = this.starterChoices();
    return { intent: 'fallback', confidence, replies: [withChoices(text, choices)], sources: [], choices };
  }

  /** The greeting's starter questions and the way to a person: offered wherever the user is left without a question. */
  private starterChoices(): PendingChoice[] {
    const k = this.knowledge;
    return [...relatedChoices(k.answers.get('chitchat.greeting')?.related ?? [], k), { label: k.messages.handoffChoice, target: { intent: 'handoff.human' } }];
  }

  /** A dialog declined or cancelled: say so, and offer somewhere to go next. */
  private leftFlow(intent: IntentId): Outcome {
    const choices = this.starterChoices();
    return { intent, confidence: 1, replies: [withChoices(this.knowledge.messages.flowLeft, choices)], sources: [], choices };
  }

  /** Answers an intent: through its dialog when it has one, else with its answer and related questions. */
  private answerIntent(intent: IntentId, confidence: number, now: Date, who: Who): Outcome {
    const entry = this.knowledge.answers.get(intent);
    // Only `fallback` has no answer entry (the loader checks every other intent has one).
    if (!entry) return this.fallbackOutcome(0, confidence);
    if (entry.interview) return { ...this.startInterview(entry.interview, {}, now, who), intent, confidence };
    if (entry.flow) return { ...this.startFlow(entry.flow, intent, who), confidence };
    return this.plainAnswer(intent, confidence, who);
  }

  /** An intent's answer and related questions, without starting its dialog. */
  private plainAnswer(intent: IntentId, confidence: number, who: Who): Outcome {
    const k = this.knowledge;
    const entry = k.answers.get(intent)!;
    const region = who.region;
    const personal = entry.check ? personalLead(entry.check, who, k, entry.covers) : undefined;
    const body = renderAnswer({ ...personalParts(entry.answer, personal, k), region: region ? { province: region, details: entry.regionDetails } : undefined }, k);
    const choices = relatedChoices(entry.related, k);
    return { intent, confidence, replies: [withChoices(body.text, choices)], sources: body.sources, choices };
  }

  /** The message is a place and nothing else that asks (北京, 我在江苏, 那上海呢, 上海也一样吗). */
  private isOnlyPlace(normalized: string): boolean {
    const rest = bareAnswer(withoutPlaces(this.knowledge, normalized));
    return this.knowledge.nlu.regionFollowUps.some((f) => bareAnswer(f) === rest);
  }

  /** 我在江苏 with nothing asked before: the province is noted and the starter questions offered. */
  private regionNoted(province: string): Outcome {
    const choices = this.starterChoices();
    return { intent: 'chitchat.greeting', confidence: 1, replies: [withChoices(this.knowledge.messages.regionNoted.replaceAll('{province}', province), choices)], sources: [], choices };
  }

  /**
   * 那上海呢 / 上海也一样吗 after an answer: what the article says about that province for the
   * same question, or that it names nothing (never the whole answer again).
   */
  private regionFollowUp(state: ConversationState, province: string): Outcome | undefined {
    const k = this.knowledge;
    const intent = state.lastIntent;
    const entry = intent ? k.answers.get(intent) : undefined;
    if (!intent || !entry || entry.interview || NOT_REGIONAL.has(intent)) return undefined;
    // An answer with no province-specific details: only whether the article names any (never another topic's, e.g. a receipt step under re-registration).
    const diffs = regionDifferences(province, entry.regionDetails, k);
    const blocks = [diffs.lines.length ? regionBlock(province, diffs.lines, k) : k.messages.regionNothing.replaceAll('{province}', province)];
    // The general note only where the province has nothing of its own (its lines already say to check locally).
    if (!diffs.lines.length && entry.answer.regional) blocks.push(`【${k.messages.regionalLabel}】${entry.answer.regional}`);
    const sources = sourceTitles(diffs.sources, k);
    if (sources.length) blocks.push(`【${k.messages.sourcesLabel}】${sources.join('；')}`);
    const choices = relatedChoices(entry.related, k);
    return { intent, confidence: 1, replies: [withChoices(blocks.join('\n\n'), choices)], sources, choices };
  }

  /** The user's province is known for a deregistration check (re-registration asks for the new employer's). */
  private startInterview(goal: Goal, prefill: Situation, now: Date, who: Who): Outcome {
    // What the user already said is not asked again; the province only for their own deregistration.
    prefill = { ...who.profile, ...prefill };
    if (who.region && goal === 'deregister' && !prefill.region) prefill = { ...prefill, region: who.region };
    return this.interviewOutcome(this.interview.start(goal, prefill, now));
  }

  /** A message inside the interview; a question about something else is answered first. */
  private continueInterview(state: ConversationState, normalized: string, now: Date): Outcome {
    let side: Understanding | undefined;
    const step = this.interview.turn(state.interview!, normalized, now, (t) => {
      const u = this.nlu.understandNormalized(t);
      // Another certificate's question (一建怎么注销) is answered as out of scope, then the question again.
      if (u.reason !== 'other-domain' && (u.decision !== 'answer' || NOT_SIDE_QUESTIONS.has(u.intent))) return false;
      side = u;
      return true;
    });
    const outcome = this.interviewOutcome(step);
    if (step.sideQuestion && side?.reason === 'other-domain') {
      return { ...outcome, intent: 'fallback', replies: [{ text: this.knowledge.messages.otherDomain }, ...outcome.replies] };
    }
    if (step.sideQuestion && side) {
      const inInterview = state.interview?.situation;
      const answer = this.plainAnswer(side.intent, side.confidence, { region: inInterview?.region ?? state.region, profile: { ...state.profile, ...inInterview } });
      return { ...outcome, intent: side.intent, confidence: side.confidence, replies: [...answer.replies.map((r) => ({ text: r.text })), ...outcome.replies], sources: answer.sources };
    }
    return outcome;
  }

  private interviewOutcome(step: InterviewStep): Outcome {
    return { intent: 'interview.start', confidence: 1, replies: step.replies, sources: [], choices: [], interview: step.state, verdict: step.verdict, lastCheck: step.ended };
  }

  private startFlow(dialogId: string, intent: IntentId, who: Who): Outcome {
    const dialog = this.knowledge.dialogs.get(dialogId)!;
    return { intent, confidence: 1, ...showStep(dialog, dialog.start, intent, this.knowledge, who) };
  }

  /** Bookkeeping common to every turn. */
  private finish(state: ConversationState, o: Outcome): TurnResult {
    // A second miss in a row, whatever path it took (suggestions, a wrong number), gives the way to a person.
    const hotline = this.knowledge.messages.hotline;
    if (o.intent === 'fallback' && state.fallbackStreak >= 1 && !o.replies.some((r) => r.text.includes(hotline))) {
      o = { ...o, replies: [...o.replies, { text: hotline }] };
    }
    const checked = o.interview ?? o.lastCheck;
    const { goal: _goal, region: _region, ...facts } = checked?.situation ?? {};
    const next: ConversationState = {
      ...state,
      ...(checked ? { profile: { ...state.profile, ...facts } } : {}),
      flow: o.flow,
      interview: o.interview,
      choices: o.choices,
      turns: state.turns + 1,
      fallbackStreak: o.intent === 'fallback' ? state.fallbackStreak + 1 : 0,
      lastIntent: o.intent,
      lastSources: o.sources.length ? o.sources : state.lastSources,
      // The deregistration check's province is the user's; re-registration asks for the new employer's.
      ...(checked?.goal === 'deregister' && checked.situation.region ? { region: checked.situation.region } : {}),
      // Kept until another interview starts; a correction after the verdict reopens it.
      lastCheck: o.lastCheck ?? (o.interview ? undefined : state.lastCheck),
    };
    return { state: next, intent: o.intent, confidence: round(o.confidence), replies: o.replies, sources: o.sources, ...(o.end ? { end: true } : {}), ...(o.verdict ? { verdict: o.verdict } : {}) };
  }
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
