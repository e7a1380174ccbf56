/**
 * An insult that also asks something (你这破机器人 直接告诉我去哪告他): the clauses with the insult are set
 * aside and the question is answered, headed by a short apology. An insult alone is a remark (steps/remark.ts).
 */
import type { Knowledge } from '../knowledge/load';
import { isQuestion } from '../nlu/answers';

/** Where clauses end: punctuation and spaces. */
const CLAUSE = /[，,。；;！!？?\s]+/u;
/** A question left after the insult has at least this many characters. */
const MIN_REST = 4;

/** The message without its insulting clauses, when what is left asks a question; else undefined. */
export function questionBesideInsult(k: Knowledge, normalized: string): string | undefined {
  const { insult } = k.conversation.words.remarks;
  if (!insult.some((w) => normalized.includes(w))) return undefined;
  const rest = normalized
    .split(CLAUSE)
    .filter((c) => c && !insult.some((w) => c.includes(w)))
    .join('，');
  return [...rest].length >= MIN_REST && isQuestion(rest, k.conversation.words.questions) ? rest : undefined;
}
