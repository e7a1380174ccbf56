/**
 * The part of an answer given before that a message asks about: the message's own words (not the
 * answer's topic, not generic question words) looked up in the answer's lines or sentences. A
 * second hit on an answer says that part, not only its first sentence (issue #15, item 7).
 */
import type { TurnContext } from './context';

/** The message's words that may name a part of an answer about `topic`. */
export function askedWords(ctx: TurnContext, topic: string): string[] {
  const { k } = ctx;
  const seg = ctx.nlu.segmenter;
  const about = seg.canonicalize(topic);
  const skip = new Set([...k.nlu.genericWords, ...k.nlu.stopwords, ...k.conversation.words.functionChars]);
  const words = seg.wordsOf(ctx.canonical, true).filter((w) => !skip.has(w) && !about.includes(w) && /\p{Script=Han}/u.test(w));
  return [...new Set(words)];
}

/** The sentences of a text (。！？ or a line's end closes one). */
export function sentencesOf(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => line.split(/(?<=[。！？])/u))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The units (lines or sentences) of an answer that name the most of the message's words, in the
 * answer's order, at most `max`; none when no unit names any.
 */
export function partAsked(words: readonly string[], units: readonly string[], max: number): string[] {
  if (!words.length) return [];
  // Longer words say more of what is asked than single characters.
  const weight = (u: string) => words.reduce((n, w) => n + (u.includes(w) ? [...w].length : 0), 0);
  const scored = units.map((u, i) => ({ u, i, w: weight(u) })).filter((x) => x.w > 0);
  const top = Math.max(0, ...scored.map((x) => x.w));
  return scored
    .filter((x) => x.w === top)
    .slice(0, max)
    .map((x) => x.u);
}
