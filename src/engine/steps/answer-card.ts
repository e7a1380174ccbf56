/**
 * A question an answer card answers. The cards (knowledge/cards) are ranked for the message with
 * the classifier's subject probabilities as a prior. Where the classifier is sure of one of its own
 * subjects, that subject's answer and dialog stay; cards answer the ground it has no subject for
 * (变更注册, 有效期, 65岁, 费用, 相邻问题, 范围外) when the best card is clearly ahead, and when the
 * classifier cannot read the message, several close cards are offered as choices.
 */
import { type LoadedCard } from '../../schema/cards';
import { isIntentId } from '../../schema/knowledge';
import { CardIndex } from '../../knowledge/rank';
import { withChoices } from '../../dialogs/faq';
import type { Ranked } from '../../knowledge/rank';
import type { PendingChoice } from '../../dialogs/types';
import { topicalClauses, type Step, type TurnContext } from '../context';
import { answerWords, isExactly, isQuestion } from '../../nlu/answers';
import type { Outcome } from '../outcome';

import { indexFor, conversationSubject, firstCardOf, prior, contrasted, forTheFirm, kindsAsked, unlikeKind, namedProcedures } from '../card-ranking';
import { answer, cardFor, withDialog, offer } from '../card-answer';
import { sentencesOf } from '../part-asked';

export const answerCard: Step = (ctx) => {
  const { settings } = ctx.k.cards;
  // Inside the interview only a question of its own is a card's business (an answer is the interview's).
  const inInterview = ctx.open?.kind === 'interview';
  if (!ctx.k.cards.cards.length || (inInterview && !isQuestion(ctx.normalized, ctx.k.conversation.words.questions))) return undefined;
  // A bare yes / no / not sure answers nothing here (no question waits for it).
  const words = answerWords(ctx.k);
  if (isExactly(ctx.normalized, [...words.yes, ...words.no, ...(words.unsure ?? [])], words.particles)) return undefined;
  const u = ctx.understanding();
  const index = indexFor(ctx);
  // Another certificate or account named without a word of this domain (二建注册要什么材料): only a card
  // that speaks of it answers (我还有个一建 那个要一起注销吗 → the 建造师 card).
  if (u.reason === 'other-domain') return aboutOtherDomain(ctx, index);
  const two = twoQuestions(ctx, index);
  if (two) return two;
  const domainWord = settings.domainWords.some((w) => ctx.normalized.includes(w));
  // Cards of a subject that starts a dialog (the check) need a word of the domain or the classifier naming it.
  const starts: Readonly<Record<string, number | undefined>> = ctx.k.conversation.limits.startConfidence;
  const ranked = contrasted(ctx, index.rank(ctx.asked, { prior: prior(ctx, u) })).filter(
    (r) => domainWord || starts[r.card.subject] === undefined || (u.decision === 'answer' && u.intent === r.card.subject),
  );
  // A conversation already about registration makes a message of its own words part of the domain (那补偿还能要到不).
  const about = conversationSubject(ctx);
  const inDomain = domainWord || (about !== undefined && !(settings.classifierOnly as readonly string[]).includes(about));
  // A long story whose question the classifier cannot read alone: its reading of the whole story does not decide.
  const storyDoubt = ctx.asked !== ctx.text && ctx.nlu.understandNormalized(ctx.asked).decision !== 'answer';
  const knows = u.decision === 'answer' && !storyDoubt ? u.intent : undefined;
  // A long story matches any card by a small share: the classifier's subject then picks its closest card.
  // A short message gets the subject's first card (its general answer): a few shared words say little.
  const noneClose = !ranked.some((r) => r.match >= settings.decide.suggest);
  const story = [...ctx.asked].length >= settings.storyChars;
  const storyCard =
    noneClose && knows && isIntentId(knows) && !settings.classifierOnly.includes(knows) && u.confidence >= settings.storyConfidence
      ? ranked.find((r) => r.card.subject === knows && r.match > 0 && (story || r.card === firstCardOf(ctx, knows)))
      : undefined;
  // A firm's HR whose question the classifier puts on a subject answered for the engineer: that subject's closest
  // card written for the firm, rather than the engineer's answer (证和章还在公司柜子里 → what the firm does with them).
  const firmCard =
    ctx.state.role === 'employer' && knows && !storyCard
      ? ranked.find(
          (r) =>
            r.card.subject === knows && r.match > 0 && forTheFirm(ctx, r.card) && !ranked.some((o) => o.match >= settings.decide.suggest && o.score > r.score),
        )
      : undefined;
  const close = ranked.filter((r) => r.match >= settings.decide.suggest || r === storyCard || r === firmCard);
  const d = index.decide(ranked);
  // A question that states a reason with a card of its own, which neither the classifier nor a clear card reads.
  const reasonCard = ctx.stated.reason && settings.reasonCards[ctx.stated.reason];
  if (reasonCard && !knows && d.kind !== 'answer' && isQuestion(ctx.normalized, ctx.k.conversation.words.questions)) {
    const card = ctx.k.cards.byId.get(reasonCard);
    if (card) return answer(ctx, card, u.confidence);
  }
  if (!close.length) return undefined;
  // Conversation (greetings, thanks, a person, the check itself) stays with the classifier and its
  // dialogs, unless a card clearly answers a question of another subject.
  if (knows && settings.classifierOnly.includes(knows)) {
    const clear = d.kind === 'answer' && d.match >= settings.outOfDomainMatch && !(settings.classifierOnly as readonly string[]).includes(d.card.subject);
    if (!clear) return undefined;
  }
  // A message the classifier calls out of its domain gets an in-scope card only on a strong match.
  // (With a word of the domain in it — 注册, 延续, 学时… — the classifier's doubt counts for less: it knows only its own subjects.)
  const { chooseRatio, maxChoices } = settings.decide;
  // Only a short, vague message (证书, 注销的事) gets a menu of alike cards; a real question gets the closest
  // card answered, its rivals offered as choices (a menu answers nothing).
  const vague = [...ctx.normalized].length < settings.menuMaxChars;
  // A short follow-up (需要什么材料, 要提前多久, 那补偿还能要到不) after an answer is about that answer's subject.
  // (It asks, or tells a fact: 这个我也说不准 is neither.)
  const tells = isQuestion(ctx.normalized, ctx.k.conversation.words.questions) || Object.keys(ctx.stated).length > 0;
  const followsUp = about !== undefined && [...ctx.normalized].length <= settings.followUpChars && tells;
  // (Its card must match nearly as well as the best: the subject is a tie-breaker, not a reason to answer a worse card.)
  const topMatch = Math.max(...close.map((r) => r.match));
  // (Nor a card that never asks the kind of question asked: 要交什么 after the steps is about materials.)
  const kinds = kindsAsked(ctx);
  // (The last card's `next` — the questions that usually come after it — count as its subject: 要提前多久 after
  // 注册快到期了 is the renewal's timing, whatever else 提前多久 matches.)
  const lastCard = ctx.state.lastCard ? ctx.k.cards.byId.get(ctx.state.lastCard) : undefined;
  const inContext = (c: LoadedCard) => c.subject === about || (lastCard?.next.includes(c.id) ?? false);
  const onSubject = followsUp
    ? ranked.find((r) => inContext(r.card) && r.match >= settings.decide.suggest && r.match >= settings.followUpRatio * topMatch && !unlikeKind(kinds, r.card))
    : undefined;
  if (
    u.decision === 'fallback' &&
    !onSubject &&
    close[0].card.scope === 'in' &&
    close[0].match < (inDomain ? settings.answerWithChoices : settings.outOfDomainMatch)
  ) {
    // In the domain, the close questions to pick from rather than "not understood" when several of different
    // subjects are alike; otherwise the closest is answered (its rivals offered).
    const inScope = close.filter((r) => r.card.scope === 'in').map((r) => r.card);
    if (!inDomain || ctx.open) return undefined;
    if (vague && inScope.length > 1 && hasRival(close, close[0], settings.menuRatio)) return offer(ctx, inScope.slice(0, maxChoices), u.confidence);
  }
  const near = (r: Ranked<LoadedCard>, best: Ranked<LoadedCard>) => r.score >= chooseRatio * best.score;
  let best = close[0];
  if (onSubject) best = onSubject;
  // The classifier's subject: its closest card, unless a card of a subject only cards cover is clearly ahead.
  else if (knows && isIntentId(knows) && best.card.subject !== knows) {
    const top = best;
    const own = ranked.find(
      (r) => r.card.subject === knows && r.match > 0 && (r === storyCard || (r.match >= settings.decide.suggest && r.match >= settings.ownRatio * top.match)),
    );
    const cardsOnlyAhead = d.kind === 'answer' && !isIntentId(d.card.subject);
    // (The classifier's answers are about 注销: a message naming only another procedure, 变更批下来要多久, gets the
    // close card that names it rather than the subject's card that does not.)
    const procedures = namedProcedures(ctx);
    const namesIt = (c: LoadedCard) => procedures.length > 0 && !procedures.includes(settings.ownProcedure) && procedures.some((w) => c.question.includes(w));
    const namedByBest = namesIt(best.card) && !(own && namesIt(own.card));
    if (own && (!cardsOnlyAhead || near(own, best)) && !namedByBest) best = own;
    // Sure of a subject none of whose cards is close: its own answer, not another subject's card.
    else if (!own) {
      const sure = u.confidence >= settings.storyConfidence;
      const weak = best.match < settings.decide.answer;
      const fairlySure = u.confidence >= settings.keepConfidence;
      // (A firm's HR gets a card written for the firm rather than the subject's answer for the engineer.)
      const forFirm = ctx.state.role === 'employer' && forTheFirm(ctx, best.card);
      // (A card of a subject only cards cover that matches well is answered when the classifier's subject has no card near at all:
      // 出国三年，注销还是等过期 is the abroad card, not the general list of reasons.)
      const ownNear = ranked.some((r) => r.card.subject === knows && r.match >= settings.decide.suggest);
      // (Nor does a sure classifier outvote a card of any subject that retrieval puts clearly ahead, when its own
      // subject has no card within ownRatio of it: 信用修复怎么申请 is the repair card, whatever the classifier makes of 申请.)
      const clearlyAhead = d.kind === 'answer' && d.card === best.card && u.confidence < settings.certainConfidence;
      const cardsOnlyWins = (!isIntentId(best.card.subject) && !ownNear && best.match >= settings.answerWithChoices) || clearlyAhead;
      if (!forFirm && !cardsOnlyWins && !namesIt(best.card) && (isIntentId(best.card.subject) ? sure || (weak && fairlySure) : sure && weak)) return undefined;
    }
  }
  // A card answered before: a close one not yet answered instead (the follow-up asks something new) — of its subject
  // first, else of any (我证明年3月到期 after the maternity answer is about renewal, not maternity again).
  if (ctx.state.answered.includes(`card:${best.card.id}`)) {
    const top = best;
    const unanswered = close.filter((r) => r.card.scope === 'in' && !ctx.state.answered.includes(`card:${r.card.id}`) && near(r, top));
    const fresh = unanswered.find((r) => r.card.subject === top.card.subject) ?? unanswered[0];
    if (fresh) best = fresh;
  }
  const others = close.filter((r) => r !== best && r.card.scope === 'in' && near(r, best)).map((r) => r.card);
  // Weak and unclear, with nothing the classifier understood: the close questions to pick from.
  if (best.match < settings.answerWithChoices && !knows && !onSubject) {
    const inScope = close.filter((r) => r.card.scope === 'in' && near(r, close[0])).map((r) => r.card);
    // One close card well ahead of the rest is answered (its rivals offered); several alike of different subjects are a menu.
    if ((vague && hasRival(close, best, settings.menuRatio)) || best.card.scope !== 'in')
      return ctx.open || inScope.length < 2 ? undefined : offer(ctx, inScope.slice(0, maxChoices), u.confidence);
  }
  const answered = answer(ctx, best.card, u.confidence, others.slice(0, maxChoices - 1));
  // The subject's follow-up question only when the classifier is sure of that subject too:
  // a neighbouring card must not drag its follow-up into an unrelated question.
  const agreed = knows === best.card.subject && u.confidence >= settings.storyConfidence;
  const outcome = agreed && !inInterview && isIntentId(best.card.subject) ? withDialog(ctx, answered, best.card.subject) : answered;
  // A message longer than is read: say that only its start and end were read.
  return u.truncated ? { ...outcome, replies: [{ text: ctx.k.messages.tooLong }, ...outcome.replies] } : outcome;
};

/** Another close card of a different subject scoring alike (menuRatio of the best): the message could mean either. */
function hasRival(close: readonly Ranked<LoadedCard>[], best: Ranked<LoadedCard>, menuRatio: number): boolean {
  return close.some((r) => r !== best && r.score >= menuRatio * best.score && r.card.subject !== best.card.subject);
}

/**
 * Two questions in one message (要什么材料，多久能办好？), each clearly a card of its own subject:
 * the first answered, the second offered as choice 1 — or named for later when the first opens a
 * follow-up that waits for a reply.
 */
function twoQuestions(ctx: TurnContext, index: CardIndex<LoadedCard>): Outcome | undefined {
  const clauses = topicalClauses(ctx.understanding().normalized, ctx.k);
  if (clauses.length < 2) return undefined;
  const cards: LoadedCard[] = [];
  const matches = new Map<LoadedCard, number>();
  const { decide, ownRatio } = ctx.k.cards.settings;
  for (const clause of clauses) {
    const v = ctx.nlu.understandNormalized(clause);
    const ranked = index.rank(clause, { prior: prior(ctx, v) });
    const d = index.decide(ranked);
    // (The classifier's subject keeps the clause only with a card near the best one: ownRatio of its match.)
    const top = ranked[0]?.match ?? 0;
    const own = v.decision === 'answer' ? ranked.find((r) => r.card.subject === v.intent && r.match >= decide.suggest && r.match >= ownRatio * top) : undefined;
    // (A clause's closest card counts when it matches well (decide.answer), as a single question's would.)
    const closest = d.kind === 'answer' ? d.card : ranked[0] && ranked[0].match >= decide.answer ? ranked[0].card : undefined;
    const card = own?.card ?? closest;
    if (card && card.scope === 'in' && !cards.includes(card)) {
      cards.push(card);
      matches.set(card, ranked.find((r) => r.card === card)?.match ?? 0);
    }
  }
  if (cards.length < 2) return undefined;
  // In the order asked; but a first clause its card fits only weakly (证过期了 会咋样) goes after a second card the whole
  // message fits better (还能补办延续吗: the expiry card first).
  let [first, second] = cards;
  if ((matches.get(first) ?? 0) < decide.answer) {
    const whole = index.rank(ctx.asked, { prior: prior(ctx, ctx.understanding()) });
    const at = (c: LoadedCard) => {
      const i = whole.findIndex((r) => r.card === c);
      return i < 0 ? whole.length : i;
    };
    if (at(second) < at(first)) [first, second] = [second, first];
  }
  const { k } = ctx;
  const one = answer(ctx, first, 1);
  const outcome = isIntentId(first.subject) ? withDialog(ctx, one, first.subject) : one;
  // The second is answered too, by its card's direct first sentence (for this person's facts); the whole card is a choice.
  const brief = (template: string) => template.replaceAll('{title}', second.question).replaceAll('{answer}', sentencesOf(cardFor(ctx, second).answer)[0] ?? '');
  if (outcome.dialog) {
    const later = { text: brief(k.messages.alsoAskedBriefLater) };
    return { ...outcome, replies: [...outcome.replies.slice(0, -1), later, ...outcome.replies.slice(-1)] };
  }
  const choices: PendingChoice[] = [
    { label: second.question, target: { card: second.id } },
    ...outcome.choices.filter((c) => !('card' in c.target && c.target.card === second.id)),
  ].slice(0, 4);
  const text = `${outcome.replies.map((r) => r.text).join('\n\n')}\n\n${brief(k.messages.alsoAskedBrief)}`;
  return { ...outcome, replies: [withChoices(text, choices)], choices };
}

/** The best card that names the other certificate or account the message names, answered when close; else nothing. */
function aboutOtherDomain(ctx: TurnContext, index: CardIndex<LoadedCard>): Outcome | undefined {
  const named = ctx.k.nlu.otherDomains.filter((w) => ctx.canonical.includes(w));
  const speaksOf = (c: LoadedCard) => [c.question, ...c.phrasings].some((q) => named.some((w) => q.includes(w)));
  const best = index.rank(ctx.normalized).find((r) => speaksOf(r.card));
  return best && best.match >= ctx.k.cards.settings.decide.suggest ? answer(ctx, best.card, 1) : undefined;
}
