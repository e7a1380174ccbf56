/**
 * Ranking the answer cards for a turn: one index per loaded knowledge, the classifier's subject
 * probabilities as a prior, a subject's first card (its general answer), and the contrast rules
 * (another procedure, an out-of-scope card, another kind of question).
 */
import { SUBJECT_IDS, type LoadedCard, type Subject } from '../schema/cards';
import type { Goal } from '../schema/rules';
import { effectiveGoal, goalFor } from '../rules/check';
import { isIntentId } from '../schema/knowledge';
import type { Knowledge } from '../knowledge/load';
import { withoutPlaces, type Nlu, type Understanding } from '../nlu/nlu';
import { CardIndex } from '../knowledge/rank';
import type { Ranked } from '../knowledge/rank';
import { type TurnContext } from './context';
import { normalizeText } from '../nlu/normalize';
import { modelCacheFromEnv } from '../nlu/model-cache';

/** One ranking index per loaded knowledge (built on first use, with the NLU's segmenter and place-neutral reading). */
const indexes = new WeakMap<Knowledge, CardIndex<LoadedCard>>();
export function indexFor(ctx: TurnContext): CardIndex<LoadedCard> {
  return cardIndex(ctx.k, ctx.nlu);
}

/** The ranking index of this knowledge, read with this NLU's segmenter (built once per knowledge). */
export function cardIndex(k: Knowledge, nlu: Pick<Nlu, 'segmenter'>): CardIndex<LoadedCard> {
  let index = indexes.get(k);
  if (!index) {
    index = new CardIndex(k.cards.cards, {
      segmenter: nlu.segmenter,
      settings: k.cards.settings,
      genericWords: k.nlu.genericWords,
      neutralize: (t) => withoutPlaces(k, t),
      cache: modelCacheFromEnv(),
    });
    indexes.set(k, index);
  }
  return index;
}

/** A subject's first card in its file: its general answer. */
export function firstCardOf(ctx: TurnContext, subject: string): LoadedCard | undefined {
  return ctx.k.cards.cards.find((c) => c.subject === subject);
}

/** The subject of each goal's procedure: where a conversation goes when the person's facts redirect it. */
const GOAL_SUBJECT: Readonly<Record<Goal, Subject>> = { deregister: 'process.steps', change: 'change.registration', reregister: 'faq.reregistration' };

/**
 * What the conversation is about: the last answer's subject; but when that subject is a procedure the rule checker
 * decides (its answer has `check`) and the person's facts redirect that procedure (someone changing employer asked
 * about deregistering or registering again; someone already deregistered asking about deregistering), the procedure
 * that applies to them (change.registration, faq.reregistration).
 */
export function conversationSubject(ctx: TurnContext): Subject | undefined {
  const about = ctx.state.subject;
  const entry = about && isIntentId(about) ? ctx.k.answers.get(about) : undefined;
  if (!entry?.check || !ctx.who.profile) return about;
  const { goal } = effectiveGoal({ ...ctx.who.profile, goal: goalFor(entry.check, ctx.who.profile) }, ctx.k.rules);
  return goal === entry.check ? about : GOAL_SUBJECT[goal];
}

/** The classifier's subject probabilities; subjects only cards cover start from a neutral one. */
export function prior(ctx: TurnContext, u: Understanding): Map<string, number> {
  const p = new Map<string, number>();
  for (const c of u.candidates) p.set(c.label, c.score);
  const { unknownSubjectPrior, contextPrior, classifierOnly, followUpChars } = ctx.k.cards.settings;
  for (const s of SUBJECT_IDS) if (!isIntentId(s)) p.set(s, unknownSubjectPrior);
  // For a short follow-up (那补偿还能要到不) the conversation's subject counts at least contextPrior: it is about it more often than not.
  const about = conversationSubject(ctx);
  const short = [...ctx.normalized].length <= followUpChars;
  if (about && short && !(classifierOnly as readonly string[]).includes(about)) p.set(about, Math.max(p.get(about) ?? 0, contextPrior));
  return p;
}

/**
 * A message that names its procedure (注销, 延续, 变更…) is not answered by a card about another
 * one: a card whose question names only other procedures counts for `contrastWeight` of its score.
 */
export function contrasted(ctx: TurnContext, ranked: Ranked<LoadedCard>[]): Ranked<LoadedCard>[] {
  const { contrastWords, contrastWeight, kindWeight, employerBoost } = ctx.k.cards.settings;
  const named = namedProcedures(ctx);
  const kinds = kindsAsked(ctx);
  const forFirm = ctx.state.role === 'employer';
  if (!named.length && !kinds.length && !forFirm) return ranked;
  // A card about another procedure, or out of scope and about none of those named (资质人数不够，能先不注销吗 is not about 资质).
  // (What a card is about: its question and its direct first sentence — 直接申请注销就行 is about 注销 whatever the question says.)
  // (And a card whose whole answer never names the procedure asked but names another is about that other:
  // 单位不给离职证明 answered for 注销 is not the answer for 变更缺材料.)
  const namesOther = (t: string) => contrastWords.some((w) => !named.includes(w) && t.includes(w));
  const other = (c: LoadedCard) => {
    const about = `${c.question}${c.answer.split('。')[0]}`;
    const whole = `${c.question}${c.answer}`;
    const byLead = !named.some((w) => about.includes(w)) && (c.scope !== 'in' || namesOther(about));
    const byWhole = !named.some((w) => whole.includes(w)) && namesOther(whole);
    return named.length > 0 && (byLead || byWhole);
  };
  const unlike = (c: LoadedCard) => unlikeKind(kinds, c);
  return ranked
    .map((r) => {
      const firmCard = forFirm && forTheFirm(ctx, r.card);
      const f = (other(r.card) ? contrastWeight : 1) * (unlike(r.card) ? kindWeight : 1) * (firmCard ? employerBoost : 1);
      return f === 1 ? r : { ...r, score: r.score * f, match: r.match * f };
    })
    .sort((a, b) => b.score - a.score);
}

/** The procedures a message names (注销, 延续, 变更…: the settings' contrastWords), read in canonical form (退出注册 is 注销注册). */
export function namedProcedures(ctx: TurnContext): string[] {
  return ctx.k.cards.settings.contrastWords.filter((w) => ctx.canonical.includes(w));
}

/** The kinds of question a message asks (多久 → duration), from the settings' questionKinds, read in canonical form. */
export function kindsAsked(ctx: TurnContext): [string, string[]][] {
  return Object.entries(ctx.k.cards.settings.questionKinds).filter(([, words]) => words.some((w) => ctx.canonical.includes(w)));
}

/** A card that never asks one of these kinds of question (none of its phrasings has a word of it). */
export function unlikeKind(kinds: readonly [string, string[]][], c: LoadedCard): boolean {
  return kinds.some(([, words]) => !asksOf(c).some((q) => words.some((w) => q.includes(w))));
}

/** A card written for a firm's HR (its question or phrasings have one of the settings' employerWords). */
export function forTheFirm(ctx: TurnContext, c: LoadedCard): boolean {
  const { employerWords } = ctx.k.cards.settings;
  return asksOf(c).some((q) => employerWords.some((w) => q.includes(w)));
}

/** A card's question and phrasings, normalised (for the kind of question they ask). */
const asked = new WeakMap<LoadedCard, string[]>();
function asksOf(c: LoadedCard): string[] {
  let list = asked.get(c);
  if (!list) asked.set(c, (list = [c.question, ...c.phrasings].map(normalizeText)));
  return list;
}
