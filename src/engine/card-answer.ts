/**
 * A card as the turn's answer: for this person (the rule checker's lead, the card's conditions),
 * with their province's differences, its sources and the questions that usually come next; the
 * close cards as a menu; 为什么 after a card.
 */
import { type LoadedCard } from '../schema/cards';
import { isIntentId, type IntentId } from '../schema/knowledge';
import { withChoices } from '../dialogs/faq';
import { cardReply } from '../knowledge/card-reply';
import { holds } from '../rules/check';
import { personalLead } from '../dialogs/personal';
import { factsLead } from './steps/fact-statement';
import { describeFact } from '../dialogs/summary';
import { regionBlock, regionDifferences, sourceTitles } from '../dialogs/render';
import type { SituationField } from '../schema/rules';
import type { PendingChoice } from '../dialogs/types';
import { type TurnContext } from './context';
import type { Outcome } from './outcome';
import { askedWords, partAsked, sentencesOf } from './part-asked';
import { followUpFor } from './respond';

/** The questions offered after a card: close alternatives first, then the cards that usually come next. */
function nextChoices(ctx: TurnContext, card: LoadedCard, alternatives: readonly LoadedCard[]): PendingChoice[] {
  const cards = ctx.k.cards;
  const ids = [...alternatives.map((c) => c.id), ...card.next].filter((id, i, all) => id !== card.id && all.indexOf(id) === i);
  return ids.slice(0, 4).flatMap((id) => {
    const c = cards.byId.get(id);
    return c ? [{ label: c.question, target: { card: c.id } }] : [];
  });
}

/** A card about changing registration: of that subject, or its question or first sentence speaks of 变更. */
function aboutChange(card: LoadedCard): boolean {
  return card.subject === 'change.registration' || card.question.includes('变更') || card.answer.split('。')[0].includes('变更');
}

/**
 * For someone already deregistered, a card about changing registration: the note that what applies to them is
 * registering again (its short form once said). Undefined otherwise.
 */
function clearedNote(ctx: TurnContext, card: LoadedCard): string | undefined {
  if (ctx.who.profile?.previousRegistrationCleared !== true || !aboutChange(card)) return undefined;
  const { clearedNotChange, clearedNotChangeAgain } = ctx.k.conversation.say;
  return ctx.said(clearedNotChange) ? clearedNotChangeAgain : clearedNotChange;
}

/** The user's stated facts as the personal lead names them (年龄：66岁；注销原因：退休). */
function statedFacts(ctx: TurnContext): string {
  const profile = ctx.who.profile ?? {};
  const fields = (Object.keys(profile) as SituationField[]).filter((f) => f !== 'region' && profile[f] !== undefined && ctx.k.interview.fields[f]);
  return fields.map((f) => describeFact(f, profile, ctx.k)).join('；');
}

/** The person's facts and province, as cards' conditions read them. */
function factsOf(ctx: TurnContext) {
  return { ...ctx.who.profile, ...(ctx.who.region ? { region: ctx.who.region } : {}) };
}

/** A card presuming what the person's facts contradict (过了65岁… for a 58-year-old): the card for them instead; else the card. */
export function cardFor(ctx: TurnContext, given: LoadedCard): LoadedCard {
  const facts = factsOf(ctx);
  const instead = given.instead.find((x) => holds(x.when, facts) && !(x.unless && holds(x.unless, facts)));
  return (instead && ctx.k.cards.byId.get(instead.card)) || given;
}

/**
 * A card as the turn's answer, for this person: what its conditions say for their facts (or, on a
 * subject whose answer consults the rule checker, what the checker finds), their province's
 * differences where the subject has any, the sources; a reminder and its first sentence when the
 * card was given in full before.
 */
export function answer(ctx: TurnContext, given: LoadedCard, confidence: number, alternatives: readonly LoadedCard[] = []): Outcome {
  const { k } = ctx;
  const facts = factsOf(ctx);
  const card = cardFor(ctx, given);
  const next = nextChoices(ctx, card, alternatives);
  const subject = card.subject;
  const key = `card:${card.id}`;
  if (ctx.state.answered.includes(key)) {
    // The part of it the message asks about (怎么查 → the sentence on where to look), else its first sentence.
    const sentences = sentencesOf(`${card.answer}\n${card.detail ?? ''}`);
    const part = partAsked(askedWords(ctx, card.question), sentences, 2);
    const line = k.conversation.say.reminder.replaceAll('{title}', card.question);
    const text = `${part.length ? part.join('') : sentences[0]}\n${line}`;
    return { intent: subject, answer: card.id, confidence, replies: [withChoices(text, next)], sources: [], choices: next, subject };
  }
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
    // What no remedy lifts (over 65 → 不予注册) replaces the card's general answer instead of heading it.
    if (lead.final) blocks.splice(0, 1, leadLines.join('\n'));
    else {
      blocks.unshift(leadLines.join('\n'));
      blocks[1] = `${k.messages.inGeneral}${blocks[1]}`;
    }
    sources.unshift(...sourceTitles(lead.sources, k));
  }
  // Someone already deregistered asking about a change of registration: what applies to them is registering again.
  // (Not when one of the card's own conditions already said so.)
  const cleared = reply.personal ? undefined : clearedNote(ctx, card);
  if (cleared) {
    blocks.unshift(cleared);
    sources.unshift(...sourceTitles(['reg.147.a16', 'reg.147.a12'], k));
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
export function withDialog(ctx: TurnContext, card: Outcome, intent: IntentId): Outcome {
  const flow = followUpFor(ctx, intent);
  if (!flow || ctx.open?.kind === 'interview' || (ctx.open?.kind === 'faq' && ctx.open.intent === intent) || !card.answered?.length) return card;
  const turn = ctx.runner.beginFaq(flow, intent, ctx.input);
  const ask = turn.replies.at(-1);
  if (!turn.frame || !ask?.choices?.length) return card;
  const text = card.replies.map((r) => r.text).join('\n\n');
  return { ...card, replies: [{ text }, ask], choices: ctx.runner.choices(turn.frame), dialog: turn.frame, answered: [...(card.answered ?? []), intent] };
}

/** The close cards' questions to pick from, and the way to a person. */
export function offer(ctx: TurnContext, close: readonly LoadedCard[], confidence: number): Outcome {
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
    // What the card said for this person's facts (您已经注销了…第十六条) is part of what was answered: its basis first.
    const facts = factsOf(ctx);
    const personal = last.conditions.find((c) => holds(c.when, facts))?.text ?? clearedNote(ctx, last);
    const text = [basis, personal, last.detail?.trim() || cited, `【${k.messages.sourcesLabel}】${sources.join('；')}`].filter(Boolean).join('\n\n');
    const next: PendingChoice[] = last.next.flatMap((id) => {
      const c = k.cards.byId.get(id);
      return c ? [{ label: c.question, target: { card: c.id } }] : [];
    });
    return { intent: last.subject, answer: last.id, confidence: 1, replies: [withChoices(text, next)], sources, choices: next, subject: last.subject };
  }
  // Other follow-ups go on to the subject's own follow-ups.
  return undefined;
}
