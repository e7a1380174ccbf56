/**
 * A question an answer card answers. The cards (knowledge/cards) are ranked for the message with
 * the classifier's subject probabilities as a prior. Where the classifier is sure of one of its own
 * subjects, that subject's answer and dialog stay; cards answer the ground it has no subject for
 * (变更注册, 有效期, 65岁, 费用, 相邻问题, 范围外) when the best card is clearly ahead, and when the
 * classifier cannot read the message, several close cards are offered as choices.
 */
import { SUBJECT_IDS, type LoadedCard } from '../../schema/cards';
import { isIntentId, type IntentId } from '../../schema/knowledge';
import type { Knowledge } from '../../knowledge/load';
import { withoutPlaces, type Understanding } from '../../nlu/nlu';
import { CardIndex } from '../../knowledge/rank';
import { withChoices } from '../../dialogs/faq';
import { cardReply } from '../../knowledge/card-reply';
import { personalLead } from '../../dialogs/personal';
import { factsLead } from './fact-statement';
import { describeFact } from '../../dialogs/summary';
import { regionBlock, regionDifferences, sourceTitles } from '../../dialogs/render';
import type { SituationField } from '../../schema/rules';
import type { Ranked } from '../../knowledge/rank';
import type { PendingChoice } from '../../dialogs/types';
import { questionClauses, type Step, type TurnContext } from '../context';
import { answerWords, isExactly, isQuestion } from '../../nlu/answers';
import { normalizeText } from '../../nlu/normalize';
import type { Outcome } from '../outcome';

/** One ranking index per loaded knowledge (built on first use, with the NLU's segmenter and place-neutral reading). */
const indexes = new WeakMap<Knowledge, CardIndex<LoadedCard>>();
export function indexFor(ctx: TurnContext): CardIndex<LoadedCard> {
  let index = indexes.get(ctx.k);
  if (!index) {
    const k = ctx.k;
    index = new CardIndex(k.cards.cards, {
      segmenter: ctx.nlu.segmenter,
      settings: k.cards.settings,
      genericWords: k.nlu.genericWords,
      neutralize: (t) => withoutPlaces(k, t),
    });
    indexes.set(k, index);
  }
  return index;
}

/** A subject's first card in its file: its general answer. */
function firstCardOf(ctx: TurnContext, subject: string): LoadedCard | undefined {
  return ctx.k.cards.cards.find((c) => c.subject === subject);
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
  // Inside the interview only a question of its own is a card's business (an answer is the interview's).
  const inInterview = ctx.open?.kind === 'interview';
  if (!ctx.k.cards.cards.length || (inInterview && !isQuestion(ctx.normalized, ctx.k.conversation.words.questions))) return undefined;
  // A bare yes / no / not sure answers nothing here (no question waits for it).
  const words = answerWords(ctx.k);
  if (isExactly(ctx.normalized, [...words.yes, ...words.no, ...(words.unsure ?? [])], words.particles)) return undefined;
  const u = ctx.understanding();
  const index = indexFor(ctx);
  const two = twoQuestions(ctx, index);
  if (two) return two;
  const domainWord = settings.domainWords.some((w) => ctx.normalized.includes(w));
  // Cards of a subject that starts a dialog (the check) need a word of the domain or the classifier naming it.
  const starts: Readonly<Record<string, number | undefined>> = ctx.k.conversation.limits.startConfidence;
  const ranked = contrasted(ctx, index.rank(ctx.asked, { prior: prior(ctx, u) })).filter(
    (r) => domainWord || starts[r.card.subject] === undefined || (u.decision === 'answer' && u.intent === r.card.subject),
  );
  // A conversation already about registration makes a message of its own words part of the domain (那补偿还能要到不).
  const about = ctx.state.subject;
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
  const close = ranked.filter((r) => r.match >= settings.decide.suggest || r === storyCard);
  if (!close.length) return undefined;
  const d = index.decide(ranked);
  // Conversation (greetings, thanks, a person, the check itself) stays with the classifier and its
  // dialogs, unless a card clearly answers a question of another subject.
  if (knows && settings.classifierOnly.includes(knows)) {
    const clear = d.kind === 'answer' && d.match >= settings.outOfDomainMatch && !(settings.classifierOnly as readonly string[]).includes(d.card.subject);
    if (!clear) return undefined;
  }
  // A message the classifier calls out of its domain gets an in-scope card only on a strong match.
  // (With a word of the domain in it — 注册, 延续, 学时… — the classifier's doubt counts for less: it knows only its own subjects.)
  const { chooseRatio, maxChoices } = settings.decide;
  if (u.decision === 'fallback' && close[0].card.scope === 'in' && close[0].match < (inDomain ? settings.answerWithChoices : settings.outOfDomainMatch)) {
    // In the domain, the close questions to pick from rather than "not understood".
    const inScope = close.filter((r) => r.card.scope === 'in').map((r) => r.card);
    return inDomain && !ctx.open ? offer(ctx, inScope.slice(0, maxChoices), u.confidence) : undefined;
  }
  const near = (r: Ranked<LoadedCard>, best: Ranked<LoadedCard>) => r.score >= chooseRatio * best.score;
  let best = close[0];
  // A short follow-up (需要什么材料, 要提前多久) after an answer is about that answer's subject.
  const followsUp = about !== undefined && !isIntentId(about) && [...ctx.normalized].length <= settings.followUpChars && best.card.subject !== about;
  const onSubject = followsUp
    ? ranked.find((r) => r.card.subject === about && r.match >= settings.decide.suggest && r.match >= chooseRatio * best.match)
    : undefined;
  if (onSubject) best = onSubject;
  // The classifier's subject: its closest card, unless a card of a subject only cards cover is clearly ahead.
  else if (knows && isIntentId(knows) && best.card.subject !== knows) {
    const top = best;
    const own = ranked.find(
      (r) => r.card.subject === knows && r.match > 0 && (r === storyCard || (r.match >= settings.decide.suggest && r.match >= settings.ownRatio * top.match)),
    );
    const cardsOnlyAhead = d.kind === 'answer' && !isIntentId(d.card.subject);
    if (own && (!cardsOnlyAhead || near(own, best))) best = own;
    // Sure of a subject none of whose cards is close: its own answer, not another subject's card.
    else if (!own) {
      const sure = u.confidence >= settings.storyConfidence;
      const weak = best.match < settings.decide.answer;
      const fairlySure = u.confidence >= settings.keepConfidence;
      if (isIntentId(best.card.subject) ? sure || (weak && fairlySure) : sure && weak) return undefined;
    }
  }
  // A card answered before: a close one not yet answered instead (the follow-up asks something new).
  if (ctx.state.answered.includes(`card:${best.card.id}`)) {
    const top = best;
    const fresh = close.find((r) => r.card.subject === top.card.subject && !ctx.state.answered.includes(`card:${r.card.id}`) && near(r, top));
    if (fresh) best = fresh;
  }
  const others = close.filter((r) => r !== best && r.card.scope === 'in' && near(r, best)).map((r) => r.card);
  // Weak and unclear, with nothing the classifier understood: the close questions to pick from.
  if (best.match < settings.answerWithChoices && !knows) {
    const inScope = close.filter((r) => r.card.scope === 'in' && near(r, close[0])).map((r) => r.card);
    // One close card well ahead of the rest is answered (its rivals offered); several alike are a menu.
    const rival = close.find((r) => r !== best && r.score >= settings.menuRatio * best.score);
    if (rival || best.card.scope !== 'in') return ctx.open || inScope.length < 2 ? undefined : offer(ctx, inScope.slice(0, maxChoices), u.confidence);
  }
  const answered = answer(ctx, best.card, u.confidence, others.slice(0, maxChoices - 1));
  // The subject's follow-up question only when the classifier is sure of that subject too:
  // a neighbouring card must not drag its follow-up into an unrelated question.
  const agreed = knows === best.card.subject && u.confidence >= settings.storyConfidence;
  const outcome = agreed && !inInterview && isIntentId(best.card.subject) ? withDialog(ctx, answered, best.card.subject) : answered;
  // A message longer than is read: say that only its start and end were read.
  return u.truncated ? { ...outcome, replies: [{ text: ctx.k.messages.tooLong }, ...outcome.replies] } : outcome;
};

/**
 * Two questions in one message (要什么材料，多久能办好？), each clearly a card of its own subject:
 * the first answered, the second offered as choice 1 — or named for later when the first opens a
 * follow-up that waits for a reply.
 */
function twoQuestions(ctx: TurnContext, index: CardIndex<LoadedCard>): Outcome | undefined {
  const clauses = questionClauses(ctx.understanding().normalized, ctx.k);
  if (clauses.length < 2) return undefined;
  const cards: LoadedCard[] = [];
  for (const clause of clauses) {
    const v = ctx.nlu.understandNormalized(clause);
    const ranked = index.rank(clause, { prior: prior(ctx, v) });
    const d = index.decide(ranked);
    const own = v.decision === 'answer' ? ranked.find((r) => r.card.subject === v.intent && r.match >= ctx.k.cards.settings.decide.suggest) : undefined;
    const card = own?.card ?? (d.kind === 'answer' ? d.card : undefined);
    if (card && card.scope === 'in' && !cards.some((c) => c.subject === card.subject)) cards.push(card);
  }
  if (cards.length < 2) return undefined;
  const [first, second] = cards;
  const { k } = ctx;
  const one = answer(ctx, first, 1);
  const outcome = isIntentId(first.subject) ? withDialog(ctx, one, first.subject) : one;
  if (outcome.dialog) {
    const later = { text: k.messages.alsoAskedLater.replaceAll('{title}', second.question) };
    return { ...outcome, replies: [...outcome.replies.slice(0, -1), later, ...outcome.replies.slice(-1)] };
  }
  const choices: PendingChoice[] = [
    { label: second.question, target: { card: second.id } },
    ...outcome.choices.filter((c) => !('card' in c.target && c.target.card === second.id)),
  ].slice(0, 4);
  const text = `${outcome.replies.map((r) => r.text).join('\n\n')}\n\n${k.messages.alsoAsked.replaceAll('{title}', second.question)}`;
  return { ...outcome, replies: [withChoices(text, choices)], choices };
}

/**
 * A message that names its procedure (注销, 延续, 变更…) is not answered by a card about another
 * one: a card whose question names only other procedures counts for `contrastWeight` of its score.
 */
function contrasted(ctx: TurnContext, ranked: Ranked<LoadedCard>[]): Ranked<LoadedCard>[] {
  const { contrastWords, contrastWeight, questionKinds, kindWeight } = ctx.k.cards.settings;
  const named = contrastWords.filter((w) => ctx.normalized.includes(w));
  const kinds = Object.entries(questionKinds).filter(([, words]) => words.some((w) => ctx.normalized.includes(w)));
  if (!named.length && !kinds.length) return ranked;
  // A card about another procedure, or out of scope and about none of those named (资质人数不够，能先不注销吗 is not about 资质).
  const other = (c: LoadedCard) =>
    named.length > 0 &&
    !named.some((w) => c.question.includes(w)) &&
    (c.scope !== 'in' || contrastWords.some((w) => !named.includes(w) && c.question.includes(w)));
  // A card that never asks the kind of question the message asks (多久 → a duration).
  const unlike = (c: LoadedCard) => kinds.some(([, words]) => !asksOf(c).some((q) => words.some((w) => q.includes(w))));
  return ranked
    .map((r) => {
      const f = (other(r.card) ? contrastWeight : 1) * (unlike(r.card) ? kindWeight : 1);
      return f === 1 ? r : { ...r, score: r.score * f, match: r.match * f };
    })
    .sort((a, b) => b.score - a.score);
}

/** A card's question and phrasings, normalised (for the kind of question they ask). */
const asked = new WeakMap<LoadedCard, string[]>();
function asksOf(c: LoadedCard): string[] {
  let list = asked.get(c);
  if (!list) asked.set(c, (list = [c.question, ...c.phrasings].map(normalizeText)));
  return list;
}

/** The questions offered after a card: close alternatives first, then the cards that usually come next. */
function nextChoices(ctx: TurnContext, card: LoadedCard, alternatives: readonly LoadedCard[]): PendingChoice[] {
  const cards = ctx.k.cards;
  const ids = [...alternatives.map((c) => c.id), ...card.next].filter((id, i, all) => id !== card.id && all.indexOf(id) === i);
  return ids.slice(0, 4).flatMap((id) => {
    const c = cards.byId.get(id);
    return c ? [{ label: c.question, target: { card: c.id } }] : [];
  });
}

/** The user's stated facts as the personal lead names them (年龄：66岁；注销原因：退休). */
function statedFacts(ctx: TurnContext): string {
  const profile = ctx.who.profile ?? {};
  const fields = (Object.keys(profile) as SituationField[]).filter((f) => f !== 'region' && profile[f] !== undefined && ctx.k.interview.fields[f]);
  return fields.map((f) => describeFact(f, profile, ctx.k)).join('；');
}

/**
 * A card as the turn's answer, for this person: what its conditions say for their facts (or, on a
 * subject whose answer consults the rule checker, what the checker finds), their province's
 * differences where the subject has any, the sources; a reminder and its first sentence when the
 * card was given in full before.
 */
export function answer(ctx: TurnContext, card: LoadedCard, confidence: number, alternatives: readonly LoadedCard[] = []): Outcome {
  const { k } = ctx;
  const next = nextChoices(ctx, card, alternatives);
  const subject = card.subject;
  const key = `card:${card.id}`;
  if (ctx.state.answered.includes(key)) {
    const first = card.answer.trim().split(/(?<=[。！？])/u)[0];
    const text = `${k.conversation.say.reminder.replaceAll('{title}', card.question)}\n${first}`;
    return { intent: subject, answer: card.id, confidence, replies: [withChoices(text, next)], sources: [], choices: next, subject };
  }
  const facts = { ...ctx.who.profile, ...(ctx.who.region ? { region: ctx.who.region } : {}) };
  const entry = isIntentId(subject) ? k.answers.get(subject) : undefined;
  const stated = statedFacts(ctx);
  const reply = cardReply(card, facts, {
    words: {
      personal: k.messages.personalLead.replace('{facts}', stated).replace('（）', ''),
      inGeneral: k.messages.inGeneral,
      regionalLabel: k.messages.regionalLabel,
      sourcesLabel: k.messages.sourcesLabel,
    },
    sourceTitle: (id) => k.sources[id]?.title ?? id,
    byId: k.cards.byId,
  });
  const blocks = reply.text.split('\n\n');
  const sources = [...reply.sources];
  // No condition of the card applied: the rule checker's findings for this person, when the subject consults it.
  const lead = !reply.personal && entry?.check ? personalLead(entry.check, ctx.who, k, entry.covers) : undefined;
  // Findings said before (a statement of facts, an earlier answer) are not led with again.
  const leadLines = lead?.text.split('\n').filter((l, i) => i === 0 || !ctx.said(l)) ?? [];
  if (lead && leadLines.length > 1 && !ctx.said(lead.text)) {
    blocks.unshift(leadLines.join('\n'));
    blocks[1] = `${k.messages.inGeneral}${blocks[1]}`;
    sources.unshift(...sourceTitles(lead.sources, k));
  }
  // The user's province: its own differences replace the card's general regional note.
  // (Not when the card itself already speaks of that province: its claim would be said twice.)
  if (ctx.who.region && entry?.regionDetails.length && !card.answer.includes(ctx.who.region)) {
    const diffs = regionDifferences(ctx.who.region, entry.regionDetails, k);
    const at = blocks.findIndex((b) => b.startsWith(`【${k.messages.regionalLabel}】`));
    const sourcesAt = blocks.findIndex((b) => b.startsWith(`【${k.messages.sourcesLabel}】`));
    const block = diffs.lines.length ? regionBlock(ctx.who.region, diffs, k, ctx.said) : k.messages.regionNothing.replaceAll('{province}', ctx.who.region);
    if (diffs.lines.length && at >= 0) blocks[at] = block;
    else blocks.splice(sourcesAt >= 0 ? sourcesAt : blocks.length, 0, block);
    sources.push(...sourceTitles(diffs.sources, k));
  }
  const unique = [...new Set(sources)];
  const at = blocks.findIndex((b) => b.startsWith(`【${k.messages.sourcesLabel}】`));
  if (unique.length) blocks.splice(at >= 0 ? at : blocks.length, at >= 0 ? 1 : 0, `【${k.messages.sourcesLabel}】${unique.join('；')}`);
  const text = blocks.join('\n\n');
  return { intent: subject, answer: card.id, confidence, replies: [withChoices(text, next)], sources: unique, choices: next, answered: [key], subject };
}

/**
 * A card on a subject with a FAQ follow-up not yet walked (and no dialog open): the card answers
 * the question asked, then the follow-up's first question is asked in place of its opener.
 */
function withDialog(ctx: TurnContext, card: Outcome, intent: IntentId): Outcome {
  const flow = ctx.k.answers.get(intent)?.flow;
  if (
    !flow ||
    ctx.open?.kind === 'interview' ||
    (ctx.open?.kind === 'faq' && ctx.open.intent === intent) ||
    ctx.state.answered.includes(intent) ||
    !card.answered?.length
  )
    return card;
  const turn = ctx.runner.beginFaq(flow, intent, ctx.input);
  const ask = turn.replies.at(-1);
  if (!turn.frame || !ask?.choices?.length) return card;
  const text = card.replies.map((r) => r.text).join('\n\n');
  return { ...card, replies: [{ text }, ask], choices: ctx.runner.choices(turn.frame), dialog: turn.frame, answered: [...(card.answered ?? []), intent] };
}

/** The close cards' questions to pick from, and the way to a person. */
function offer(ctx: TurnContext, close: readonly LoadedCard[], confidence: number): Outcome {
  const { k } = ctx;
  const choices: PendingChoice[] = [
    ...close.map((c): PendingChoice => ({ label: c.question, target: { card: c.id } })),
    { label: k.messages.handoffChoice, target: { intent: 'handoff.human' } },
  ];
  // What the facts the message states change comes first: the person learns that much at once.
  const lead = factsLead(ctx);
  const text = lead ? `${lead.text}\n\n${k.conversation.say.suggestAfterLead}` : k.messages.suggest;
  return { intent: 'fallback', confidence, replies: [withChoices(text, choices)], sources: lead ? sourceTitles(lead.sources, k) : [], choices };
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
    // The card's detail, or else the sentences of its answer that cite an article: never a bare list of sources.
    const cited = last.answer
      .trim()
      .split(/(?<=[。！？])/u)
      .filter((x) => /第[一二三四五六七八九十百]+条/u.test(x))
      .join('');
    const text = [basis, last.detail?.trim() || cited, `【${k.messages.sourcesLabel}】${sources.join('；')}`].filter(Boolean).join('\n\n');
    const next: PendingChoice[] = last.next.flatMap((id) => {
      const c = k.cards.byId.get(id);
      return c ? [{ label: c.question, target: { card: c.id } }] : [];
    });
    return { intent: last.subject, answer: last.id, confidence: 1, replies: [withChoices(text, next)], sources, choices: next, subject: last.subject };
  }
  // Other follow-ups go on to the subject's own follow-ups.
  return undefined;
}
