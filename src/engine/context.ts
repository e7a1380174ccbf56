/**
 * What every step of a turn reads: the message as normalised, the facts and the province it
 * states, the conversation state with them applied, the open dialog, and the NLU's understanding
 * (computed only when a step asks for it).
 */
import type { Knowledge } from '../knowledge/load';
import type { Nlu, Understanding } from '../nlu/nlu';
import type { IntentId } from '../schema/knowledge';
import type { Situation } from '../schema/rules';
import type { DialogRunner } from '../dialogs/runner';
import type { DialogInput, DialogTurn, Frame, InterviewFrame, PendingChoice, Who } from '../dialogs/types';
import { isQuestion } from '../nlu/answers';
import { pattern } from '../dialogs/pattern';
import type { Outcome } from './outcome';
import { fingerprint } from './said';
import { openFrame } from './state';
import type { ConversationState } from './types';

/** A step of the turn: an outcome when the message is its business, undefined to pass it on. */
export type Step = (ctx: TurnContext) => Outcome | undefined;

/** The ways a turn answers, shared by the steps (implemented by respond.ts). */
export interface Answers {
  /** An intent: its interview, its dialog, or its answer (a reminder when given before). */
  answer(ctx: TurnContext, intent: IntentId, confidence: number): Outcome;
  /** An intent's answer without its dialog; `covered`: findings not to lead with again. */
  plain(ctx: TurnContext, intent: IntentId, confidence: number, covered?: string[]): Outcome;
  /** A dialog's turn as the turn's outcome. */
  dialog(ctx: TurnContext, turn: DialogTurn, intent: IntentId): Outcome;
  /** The closest questions as numbered choices. */
  suggestions(u: Understanding): Outcome;
  /** "Not understood", or `lead` instead of its words. */
  fallback(ctx: TurnContext, confidence: number, lead?: string): Outcome;
  /** Where to go when the user is left without a question. */
  starters(): PendingChoice[];
}

export interface TurnContext {
  readonly k: Knowledge;
  /** The state as stored. */
  readonly stored: ConversationState;
  /** The state with this message's facts and province applied (outside an interview, which reads them itself). */
  readonly state: ConversationState;
  /** The message with personal data taken out, and normalised (NFKC, Simplified, …). */
  readonly text: string;
  readonly normalized: string;
  /** The normalised message with the segmenter's rewrites (退出注册 → 注销注册, 咋 → 怎么), read once per turn. */
  readonly canonical: string;
  /** The message carried personal data, taken out before reading. */
  readonly masked: boolean;
  readonly now: Date;
  /** Facts the message states (Interview.factsIn): statements only, never a clause that asks. */
  readonly stated: Situation;
  /** The message corrects what was said before (不对，我记错了): its facts replace the earlier ones. */
  readonly correcting: boolean;
  /** A province named in the message. */
  readonly place?: string;
  /** The user speaks of themselves (我在南京): the place is theirs, not a comparison. */
  readonly aboutSelf: boolean;
  /** The dialog waiting for an answer. */
  readonly open?: Frame;
  /** The finished eligibility check, when no dialog is open above it (a correction reopens it). */
  readonly closed?: InterviewFrame;
  /** Whom answers are for: the province and the facts known (an interview's answers included). */
  readonly who: Who;
  /** What the message asks, as the cards are ranked for it: the whole message, or the question of a long one. */
  readonly asked: string;
  /** The message as a dialog reads it. */
  readonly input: DialogInput;
  /** A long block this conversation has already said word for word. */
  said(block: string): boolean;
  /** The NLU's reading of the message (computed on first use). */
  understanding(): Understanding;
  readonly nlu: Nlu;
  readonly runner: DialogRunner;
  readonly respond: Answers;
}

/** A message stating this many facts of the check tells its case; one fact is a question's context. */
const FACTS_OF_A_CHECK = 2;

/** Where one question of a message ends and the next may begin. */
const QUESTION_BREAK = /[，,。；;！!？?\s]+/u;

/**
 * The question of a long message (a pasted notice, a story): its last clause that asks, read with
 * the clauses just before it when it is short (这是真的吗 says nothing alone); undefined when no
 * clause asks.
 */
export function askedSentence(normalized: string, k: Knowledge): string | undefined {
  const asks = (s: string) => s.length >= 3 && s.length <= MAX_ASKED && isQuestion(s, k.conversation.words.questions);
  // Each clause keeps its closing mark (？ and 吗 ask).
  const clauses = normalized
    .split(/(?<=[。；;！!？?\n，,])/u)
    .map((s) => s.trim())
    .filter(Boolean);
  let at = clauses.length - 1;
  while (at >= 0 && !asks(clauses[at])) at--;
  if (at < 0) return undefined;
  let asked = clauses[at];
  for (let i = at - 1; i >= 0 && asked.length < MIN_ASKED; i--) asked = `${clauses[i]}${asked}`;
  return asked;
}

/** A clause longer than this is part of the story, not its question. */
const MAX_ASKED = 80;
/** A question shorter than this is read with the clauses before it. */
const MIN_ASKED = 15;

/** The clauses of a message that ask (a question word or mark), in order. */
export function questionClauses(normalized: string, k: Knowledge): string[] {
  return normalized.split(QUESTION_BREAK).filter((c) => c.length >= 3 && isQuestion(c, k.conversation.words.questions));
}

/** A topic stated before the questions is read with each of them: at most this many characters. */
const MAX_TOPIC = 12;

/**
 * questionClauses(), each read with the short topic stated before the first of them (想做信用修复 怎么申请 要多久
 * asks 想做信用修复怎么申请 and 想做信用修复要多久): the topic names what both ask about.
 */
export function topicalClauses(normalized: string, k: Knowledge): string[] {
  const clauses = questionClauses(normalized, k);
  if (!clauses.length) return clauses;
  const parts = normalized.split(QUESTION_BREAK).filter(Boolean);
  const lead = parts.slice(0, parts.indexOf(clauses[0])).join('');
  const topical = lead && [...lead].length <= MAX_TOPIC ? clauses.map((c) => `${lead}${c}`) : clauses;
  // A later clause without a word of the domain (要交些啥) asks about the procedure an earlier one named (延续注册…).
  const { domainWords, contrastWords } = k.cards.settings;
  return topical.map((c, i) => {
    if (i === 0 || domainWords.some((w) => c.includes(w))) return c;
    const named = contrastWords.find((w) => topical.slice(0, i).some((earlier) => earlier.includes(w)));
    return named ? `${named}${c}` : c;
  });
}

/**
 * What a message asks. A message longer than the NLU reads is a story with the question usually
 * at its end. A message that states several facts of the check and asks for the check in its one
 * question clause (我在南京，没有项目…，帮我看看能不能注销) asks for the check: the facts are its
 * first answers, not the question (read whole, they look like 哪些情况不能注销). A fact with a
 * question (单位破产了，注册怎么注销; 单位不同意，我自己能申请吗) is the question's context and is
 * read with it.
 */
function understand(nlu: Nlu, k: Knowledge, normalized: string, statesFacts: boolean): Understanding {
  return doubted(k, read(nlu, k, normalized, statesFacts));
}

/**
 * The classifier's reading, doubted where it is known to over-read: a subject that needs a word of
 * its own in the message (limits.subjectWords: 单位不配合 only with a word of obstruction), and an
 * intent that starts a dialog, read with less than its start confidence or in a longer message
 * without a word of the domain. A doubted reading is only a suggestion: the cards answer first.
 */
function doubted(k: Knowledge, u: Understanding): Understanding {
  if (u.decision !== 'answer') return u;
  const { startConfidence, startPlainChars, subjectWords } = k.conversation.limits;
  const mustSay = subjectWords[u.intent];
  const needs = startConfidence[u.intent];
  const plain = [...u.normalized].length > startPlainChars && !k.cards.settings.domainWords.some((w) => u.normalized.includes(w));
  const doubt = (mustSay !== undefined && !mustSay.some((w) => u.normalized.includes(w))) || (needs !== undefined && (u.confidence < needs || plain));
  return doubt ? { ...u, intent: 'fallback', confidence: 1 - u.confidence, decision: 'suggest', reason: 'low-confidence' } : u;
}

function read(nlu: Nlu, k: Knowledge, normalized: string, statesFacts: boolean): Understanding {
  const u = nlu.understandNormalized(normalized);
  const clauses = questionClauses(normalized, k);
  if (u.truncated) {
    const asked = askedSentence(normalized, k);
    const v = asked ? nlu.understandNormalized(asked) : undefined;
    return v?.decision === 'answer' ? { ...v, truncated: true } : u;
  }
  // (The clause names the domain itself: 能自己办不 after a story asks who applies, not for the check.)
  const named = clauses.length === 1 && k.cards.settings.domainWords.some((w) => clauses[0].includes(w));
  if (statesFacts && named && clauses[0] !== normalized) {
    const v = nlu.understandNormalized(clauses[0]);
    if (v.decision === 'answer' && k.answers.get(v.intent)?.interview) return { ...v, normalized };
  }
  return u;
}

export interface ContextParts {
  k: Knowledge;
  stored: ConversationState;
  text: string;
  normalized: string;
  masked: boolean;
  now: Date;
  nlu: () => Nlu;
  runner: DialogRunner;
  respond: Answers;
}

export function buildContext(p: ContextParts): TurnContext {
  const { k, stored, normalized } = p;
  const open = openFrame(stored);
  const top = stored.stack.at(-1);
  const closed = !open && top?.kind === 'interview' ? top : undefined;
  const inInterview = open?.kind === 'interview';
  // Facts the user states (age, reason, employer gone, hours…) are kept and used by later answers;
  // inside the interview the interview reads them itself.
  // A pasted text (a notice, an article) or one longer than the NLU reads: its facts are not the user's.
  const stated = normalized && normalized.length <= k.nlu.maxChars && !pasted(k, normalized) ? p.runner.interview.factsIn(normalized) : {};
  const place = normalized ? k.regions.find(normalized) : undefined;
  let state = stored;
  const correcting = k.conversation.words.corrections.some((w) => normalized.includes(w));
  if (!inInterview && Object.keys(stated).length) state = { ...state, profile: withFacts(k, state.profile ?? {}, stated, correcting) };
  // A reason said before and now denied (公司没破产，只是在清算) no longer stands.
  const denied =
    !inInterview && normalized
      ? k.interview.fields.reason.options?.find((o) => o.value === state.profile?.reason && o.denied.some((p) => pattern(p).test(normalized)))
      : undefined;
  if (denied && state.profile && stated.reason !== denied.value) {
    const { reason: _gone, ...rest } = state.profile;
    state = { ...state, profile: rest };
  }
  if (!inInterview && place) state = { ...state, region: place };
  // Someone speaking for the firm: kept for the conversation (the next caller clears it).
  if (normalized && !state.role && k.conversation.words.employerSide.some((p) => pattern(p).test(normalized))) state = { ...state, role: 'employer' };
  const check = open?.kind === 'interview' ? open.check.situation : undefined;
  // Answers for a firm's HR do not lead with what applies to "you" (the facts they tell are an employee's).
  const who: Who = check
    ? { region: check.region ?? state.region, profile: { ...state.profile, ...withoutGoal(check) } }
    : { region: state.region, profile: state.role === 'employer' ? {} : state.profile };
  const said = new Set(stored.said);
  const saidFn = (block: string) => said.has(fingerprint(block));
  let understood: Understanding | undefined;
  let canonical: string | undefined;
  const statesFacts = Object.keys(stated).length >= FACTS_OF_A_CHECK;
  return {
    k,
    stored,
    text: p.text,
    normalized,
    masked: p.masked,
    now: p.now,
    runner: p.runner,
    respond: p.respond,
    get nlu() {
      return p.nlu();
    },
    get canonical() {
      return (canonical ??= p.nlu().segmenter.canonicalize(normalized));
    },
    stated,
    correcting,
    place,
    aboutSelf: place !== undefined && k.conversation.words.self.some((w) => normalized.includes(w)),
    state,
    asked: normalized.length > k.conversation.limits.storyChars ? (askedSentence(normalized, k) ?? p.text) : p.text,
    open,
    closed,
    who,
    said: saidFn,
    input: { normalized, now: p.now, who, said: saidFn },
    understanding: () => (understood ??= understand(p.nlu(), k, normalized, statesFacts)),
  };
}

/** A long message with numbered items (一、… 二、…): a pasted notice or article. */
function pasted(k: Knowledge, normalized: string): boolean {
  const { storyChars, pastedItems } = k.conversation.limits;
  if (normalized.length <= storyChars) return false;
  // A long text that never speaks of the one asking (我, 本人) is not their story: a notice, an article.
  if (!k.conversation.words.self.some((w) => normalized.includes(w))) return true;
  const items = normalized.match(new RegExp(pastedItems.pattern, 'gu'))?.length ?? 0;
  return items >= pastedItems.min;
}

/**
 * The profile with newly stated facts. A reason of higher precedence stays (a firm gone outranks a
 * later 去新公司: the registration lapsed with the firm, whatever the person does next), unless the
 * message corrects what was said (不对，我记错了).
 */
export function withFacts(k: Knowledge, profile: Situation, stated: Situation, correcting = false): Situation {
  const rank = (r: Situation['reason']) => k.interview.fields.reason.options?.find((o) => o.value === r)?.precedence ?? 0;
  // (A correction says the earlier reason was wrong: the new one replaces it.)
  const keep = !correcting && profile.reason !== undefined && stated.reason !== undefined && rank(profile.reason) > rank(stated.reason);
  return { ...profile, ...stated, ...(keep ? { reason: profile.reason } : {}) };
}

function withoutGoal(s: Situation): Omit<Situation, 'goal' | 'region'> {
  const { goal: _goal, region: _region, ...facts } = s;
  return facts;
}
