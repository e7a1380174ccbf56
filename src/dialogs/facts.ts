/**
 * Reading the facts of the rule checker from a message with the patterns of dialogs/interview.yaml:
 * a field named anywhere (find), and every fact a message states outside the interview (factsIn).
 */
import type { Knowledge } from '../knowledge/load';
import type { InterviewQuestion } from '../schema/interview';
import type { Situation, SituationField } from '../schema/rules';
import { isQuestion } from '../nlu/answers';
import { pattern } from './pattern';

export type FactValue = boolean | string | number | null;

/** Where one statement of a message ends and the next begins. */
const STATEMENT_BREAK = /[，,。；;！!？?\s]+/u;

export const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

export class FactReader {
  constructor(private readonly k: Knowledge) {}

  private question(field: SituationField): InterviewQuestion {
    return this.k.interview.fields[field];
  }

  /**
   * Facts a message states outside the interview (我67了，公司破产了，还差20学时): every field of
   * every goal named by its patterns, read only in clauses that do not ask (换单位要注销吗 states nothing).
   */
  factsIn(normalized: string): Situation {
    const facts: Record<string, unknown> = {};
    const fields = new Set(Object.values(this.k.rules.rules.goals).flatMap((g) => [...g.fields, ...g.optional]));
    for (const clause of normalized.split(STATEMENT_BREAK)) {
      if (!clause || isQuestion(clause, this.k.conversation.words.questions)) continue;
      for (const field of fields) {
        if (field === 'region' || facts[field] !== undefined) continue;
        const value = this.find(field, clause);
        if (value !== undefined && value !== null) facts[field] = value;
      }
    }
    return facts as Situation;
  }

  /** A field's value named anywhere in the message, by its patterns. */
  find(field: SituationField, normalized: string): FactValue | undefined {
    const q = this.question(field);
    if (q.kind === 'region') return this.k.regions.find(normalized);
    if (q.kind === 'number') {
      const digits = withArabicNumbers(normalized);
      for (const p of q.patterns) {
        const m = pattern(p).exec(digits);
        if (m) return Number(m[1]);
      }
      return undefined;
    }
    if (q.kind === 'choice') {
      const matching = q.options.filter((o) => o.patterns.some((p) => pattern(p).test(normalized)));
      return matching.reduce<(typeof matching)[number] | undefined>((best, o) => (!best || o.precedence > best.precedence ? o : best), undefined)?.value;
    }
    // Negative patterns first: most of them contain a positive one (没有项目 ⊃ 有项目).
    if (q.patterns.false.some((p) => pattern(p).test(normalized))) return false;
    if (q.patterns.true.some((p) => pattern(p).test(normalized))) return true;
    return undefined;
  }

}

/** 六十六 → 66, 七十 → 70, 一百 → 100: spoken numbers up to 100 as digits, for reading ages and hours. */
export function withArabicNumbers(text: string): string {
  return text.replace(/([一二两三四五六七八九]?十[一二三四五六七八九]?|一百)/gu, (m) => {
    if (m === '一百') return '100';
    const [tens, ones] = m.split('十');
    return String((tens ? CN_DIGITS[tens] : 1) * 10 + (ones ? CN_DIGITS[ones] : 0));
  });
}
