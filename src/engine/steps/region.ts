/**
 * A message that is a place and nothing else that asks (北京, 我在江苏, 那上海呢, 上海也一样吗).
 * After an answer it is a follow-up: what the article says about that province for the same
 * question (the user's own province changes only when they speak of themselves). Otherwise — or
 * inside a dialog — it is noted, and the dialog's question asked again.
 */
import { isIntentId } from '../../schema/knowledge';
import { answerWords, bareAnswer } from '../../nlu/answers';
import { withoutPlaces } from '../../nlu/nlu';
import { withChoices } from '../../dialogs/faq';
import { regionBlock, regionDifferences, relatedChoices, sourceTitles } from '../../dialogs/render';
import type { TurnContext } from '../context';
import type { Step } from '../context';

/** The message is a place and nothing else that asks. */
export function onlyPlace(ctx: TurnContext): string | undefined {
  const { k, place } = ctx;
  if (!place) return undefined;
  const { particles } = answerWords(k);
  const rest = bareAnswer(withoutPlaces(k, ctx.normalized), particles);
  return k.nlu.regionFollowUps.some((f) => bareAnswer(f, particles) === rest) ? place : undefined;
}

/** 那上海呢 after an answer: that province's differences for the same question, or that the article names none. */
export const regionFollowUp: Step = (ctx) => {
  const province = onlyPlace(ctx);
  const { k } = ctx;
  const intent = isIntentId(ctx.state.subject) ? ctx.state.subject : undefined;
  const entry = intent ? k.answers.get(intent) : undefined;
  if (!province || ctx.open || !intent || !entry || entry.interview || k.conversation.intents.notRegional.includes(intent)) return undefined;
  // An answer with no province-specific details: only whether the article names any (never another topic's).
  const diffs = regionDifferences(province, entry.regionDetails, k);
  const blocks = [diffs.lines.length ? regionBlock(province, diffs, k, ctx.said) : k.messages.regionNothing.replaceAll('{province}', province)];
  // The general note only where the province has nothing of its own (its lines already say to check
  // locally), and not again under the answer that gave it.
  const note = entry.answer.regional ? `【${k.messages.regionalLabel}】${entry.answer.regional}` : undefined;
  if (!diffs.lines.length && note && !ctx.state.answered.includes(intent) && !ctx.said(note)) blocks.push(note);
  const sources = sourceTitles(diffs.sources, k);
  if (sources.length) blocks.push(`【${k.messages.sourcesLabel}】${sources.join('；')}`);
  const choices = relatedChoices(entry.related, k);
  return { intent, confidence: 1, replies: [withChoices(blocks.join('\n\n'), choices)], sources, choices, keepRegion: !ctx.aboutSelf };
};

/** 我在江苏 with nothing asked before (or inside a dialog): the province is noted. */
export const regionStatement: Step = (ctx) => {
  const province = onlyPlace(ctx);
  if (!province) return undefined;
  const { k } = ctx;
  if (ctx.open)
    return {
      intent: ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start',
      confidence: 1,
      replies: [{ text: k.messages.regionNotedShort.replaceAll('{province}', province) }],
      sources: [],
      choices: [],
      aside: 'note',
    };
  const choices = ctx.respond.starters();
  return {
    intent: 'chitchat.greeting',
    confidence: 1,
    replies: [withChoices(k.messages.regionNoted.replaceAll('{province}', province), choices)],
    sources: [],
    choices,
  };
};
