/**
 * Remarks that are neither answers nor questions about registration (knowledge/conversation.yaml
 * words.shorter and words.remarks): 太长了 gets the last answer's first sentence; an instruction to
 * play another role is declined in words; laughter or an emoji alone gets a short prompt; an
 * insult gets an apology and the way to a person. Inside a dialog each is an aside (its question
 * is asked again once). A message with a word of the domain or a question of its own is never a
 * remark: 这证是不是没用了 asks something.
 */
import { fillTemplate, sourceTitles } from '../../dialogs/render';
import { answerWords, isQuestion } from '../../nlu/answers';
import { pattern } from '../../dialogs/pattern';
import { isIntentId } from '../../schema/knowledge';
import type { Step, TurnContext } from '../context';
import type { Outcome } from '../outcome';
import type { PendingChoice } from '../../dialogs/types';
import { firstSentence } from '../said';

/** The last answer in one sentence with its sources, or undefined when nothing was answered yet. */
function lastInShort(ctx: TurnContext): { text: string; sources: string[] } | undefined {
  const { k, state } = ctx;
  const card = state.lastCard ? k.cards.byId.get(state.lastCard) : undefined;
  if (card) return { text: firstSentence(card.answer), sources: card.sources };
  const intent = state.lastIntent && isIntentId(state.lastIntent) ? state.lastIntent : undefined;
  const entry = intent && state.answered.includes(intent) ? k.answers.get(intent) : undefined;
  if (!entry) return undefined;
  return { text: firstSentence(fillTemplate(entry.answer.text, k)), sources: entry.answer.sources };
}

/** A remark's reply: its text and, by default, the starter questions. */
function remarkReply(ctx: TurnContext, text: string, choices: PendingChoice[] = ctx.respond.starters()): Outcome {
  return { intent: 'fallback', confidence: 1, replies: [{ text, choices: choices.map((c) => c.label) }], sources: [], choices, aside: 'remark' };
}

/** The message is nothing but these words (and punctuation, particles): 太长了，说简单点. */
function onlyWords(normalized: string, list: readonly string[], particles: readonly string[]): boolean {
  let rest = normalized;
  for (const w of [...list].sort((a, b) => b.length - a.length)) rest = rest.replaceAll(w, '');
  if (rest === normalized) return false;
  for (const w of particles) rest = rest.replaceAll(w, '');
  return !/[\p{L}\p{N}]/u.test(rest);
}

export const remark: Step = (ctx) => {
  const { k, normalized } = ctx;
  const words = k.conversation.words;
  const { particles } = answerWords(k);
  if (onlyWords(normalized, words.shorter, particles)) {
    const short = lastInShort(ctx);
    if (!short) return remarkReply(ctx, k.conversation.say.shorterNothing);
    const sources = sourceTitles(short.sources, k);
    const text = [`${k.conversation.say.shorter}${short.text}`, ...(sources.length ? [`【${k.messages.sourcesLabel}】${sources.join('；')}`] : [])].join(
      '\n\n',
    );
    return { intent: ctx.state.subject ?? 'chitchat.greeting', confidence: 1, replies: [{ text }], sources, choices: [], aside: 'remark' };
  }
  const { roleplay, laughter, insult, addressed } = words.remarks;
  if (roleplay.some((p) => pattern(p).test(normalized))) return remarkReply(ctx, k.conversation.say.roleplay);
  if (laughter.some((p) => pattern(p).test(normalized))) return remarkReply(ctx, k.conversation.say.laughter);
  const domain = k.cards.settings.domainWords.some((w) => normalized.includes(w));
  const toUs = addressed.some((w) => normalized.includes(w));
  if (!domain && (toUs || !isQuestion(normalized, words.questions)) && insult.some((w) => normalized.includes(w))) {
    const handoff = ctx.respond.starters().filter((c) => 'intent' in c.target && c.target.intent === 'handoff.human');
    return remarkReply(ctx, k.conversation.say.insult, handoff);
  }
  return undefined;
};
