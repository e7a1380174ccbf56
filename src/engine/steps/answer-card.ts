/**
 * A question an answer card answers. The cards (knowledge/cards) are ranked for the message with
 * the classifier's subject probabilities as a prior. Where the classifier is sure of one of its own
 * subjects, that subject's answer and dialog stay; cards answer the ground it has no subject for
 * (变更注册, 有效期, 65岁, 费用, 相邻问题, 范围外) when the best card is clearly ahead, and when the
 * classifier cannot read the message, several close cards are offered as choices.
 */
import { SUBJECT_IDS, type LoadedCard } from '../../schema/cards';
import { isIntentId } from '../../schema/knowledge';
import type { Knowledge } from '../../knowledge/load';
import { withoutPlaces, type Understanding } from '../../nlu/nlu';
import { CardIndex } from '../../knowledge/rank';
import { withChoices } from '../../dialogs/faq';
import { cardReply } from '../../knowledge/card-reply';
import type { PendingChoice } from '../../dialogs/types';
import type { Step, TurnContext } from '../context';
import type { Outcome } from '../outcome';

/** One ranking index per loaded knowledge (built on first use, with the NLU's segmenter and place-neutral reading). */
const indexes = new WeakMap<Knowledge, CardIndex<LoadedCard>>();
export function indexFor(ctx: TurnContext): CardIndex<LoadedCard> {
  let index = indexes.get(ctx.k);
  if (!index) {
    const k = ctx.k;
    index = new CardIndex(k.cards.cards, { segmenter: ctx.nlu.segmenter, settings: k.cards.settings, genericWords: k.nlu.genericWords, neutralize: (t) => withoutPlaces(k, t) });
    indexes.set(k, index);
  }
  return index;
}

/** The classifier's subject probabilities; subjects only cards cover start from a neutral one. */
function prior(ctx: TurnContext, u: Understanding): Map<string, number> {
  const p = new Map<string, number>();
  for (const c of u.candidates) p.set(c.label, c.score);
  for (const s of SUBJECT_IDS) if (!isIntentId(s)) p.set(s, ctx.k.cards.settings.unknownSubjectPrior);
  return p;
}

export const answerCard: Step = (ctx) => {
  const { settings } = ctx.k.cards;
  if (!ctx.k.cards.cards.length || ctx.open?.kind === 'interview') return undefined;
  const u = ctx.understanding();
  // Conversation (greetings, thanks, a person, the check itself) stays with the classifier and its dialogs.
  if (u.decision === 'answer' && settings.classifierOnly.includes(u.intent)) return undefined;
  const index = indexFor(ctx);
  const ranked = index.rank(ctx.text, { prior: prior(ctx, u) });
  const d = index.decide(ranked);
  if (d.kind === 'none') return undefined;
  // A subject the classifier knows keeps its own answer and dialog; cards answer the ground it does
  // not cover (变更注册, 有效期, 65岁, 费用, 相邻问题, 范围外) and what it cannot read at all.
  const classifierKnows = u.decision === 'answer' && isIntentId(u.intent);
  // Inside a FAQ follow-up an unclear reply is the follow-up's to re-ask, not a list of cards.
  if (d.kind === 'choose') {
    // Only questions this assistant answers are offered; close out-of-scope cards are no menu.
    const inScope = d.cards.filter((c) => c.scope === 'in');
    return classifierKnows || ctx.open || inScope.length < 2 ? undefined : offer(ctx, inScope, u.confidence);
  }
  if (classifierKnows && isIntentId(d.card.subject)) return undefined;
  if (u.decision === 'fallback' && d.card.scope === 'in' && d.match < settings.outOfDomainMatch) return undefined;
  return answer(ctx, d.card, u.confidence);
};

/** A card as the turn's answer: a reminder when it was given in full before. */
export function answer(ctx: TurnContext, card: LoadedCard, confidence: number): Outcome {
  const { k } = ctx;
  const cards = k.cards;
  const next: PendingChoice[] = card.next.flatMap((id) => {
    const c = cards.byId.get(id);
    return c ? [{ label: c.question, target: { card: c.id } }] : [];
  });
  const subject = card.subject;
  const key = `card:${card.id}`;
  if (ctx.state.answered.includes(key)) {
    const text = k.conversation.say.reminder.replaceAll('{title}', card.question);
    return { intent: subject, answer: card.id, confidence, replies: [withChoices(text, next)], sources: [], choices: next, subject };
  }
  const facts = { ...ctx.who.profile, ...(ctx.who.region ? { region: ctx.who.region } : {}) };
  const reply = cardReply(card, facts, {
    words: { personal: k.messages.personalLead.replace('（{facts}）', ''), inGeneral: k.messages.inGeneral, regionalLabel: k.messages.regionalLabel, sourcesLabel: k.messages.sourcesLabel },
    sourceTitle: (id) => k.sources[id]?.title ?? id,
    byId: cards.byId,
  });
  return { intent: subject, answer: card.id, confidence, replies: [withChoices(reply.text, next)], sources: reply.sources, choices: next, answered: [key], subject };
}

/** The close cards' questions to pick from, and the way to a person. */
function offer(ctx: TurnContext, close: readonly LoadedCard[], confidence: number): Outcome {
  const { k } = ctx;
  const choices: PendingChoice[] = [...close.map((c): PendingChoice => ({ label: c.question, target: { card: c.id } })), { label: k.messages.handoffChoice, target: { intent: 'handoff.human' } }];
  return { intent: 'fallback', confidence, replies: [withChoices(k.messages.suggest, choices)], sources: [], choices };
}

/**
 * A short follow-up after a card's answer: 为什么 gets the card's legal basis (its detail and
 * sources). Other follow-ups are left to the subject's follow-ups.
 */
export function cardFollowUp(ctx: TurnContext, last: LoadedCard, kind: string): Outcome | undefined {
  const { k } = ctx;
  if (kind === 'why') {
    const sources = [...new Set(last.sources.map((id) => k.sources[id]?.title ?? id))];
    const basis = k.conversation.say.cardBasis.replaceAll('{question}', last.question);
    const text = [basis, last.detail?.trim(), `【${k.messages.sourcesLabel}】${sources.join('；')}`].filter(Boolean).join('\n\n');
    const next: PendingChoice[] = last.next.flatMap((id) => {
      const c = k.cards.byId.get(id);
      return c ? [{ label: c.question, target: { card: c.id } }] : [];
    });
    return { intent: last.subject, answer: last.id, confidence: 1, replies: [withChoices(text, next)], sources, choices: next, subject: last.subject };
  }
  // Other follow-ups go on to the subject's own follow-ups.
  return undefined;
}
