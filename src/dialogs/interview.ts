/**
 * The guided eligibility interview. It asks the next field that checkEligibility reports missing
 * (there is no question list in code), reads natural answers with the patterns of
 * dialogs/interview.yaml, and ends with the verdict. The dialog runner (runner.ts) owns the control
 * words and side questions; this class reads answers to its own questions.
 */
import type { Knowledge } from '../knowledge/load';
import type { InterviewQuestion } from '../schema/interview';
import type { Goal, Situation, SituationField, Verdict } from '../schema/rules';
import { checkEligibility } from '../rules/check';
import { answerWords, bareAnswer, firstClause, isExactly, isQuestion, isUnsure, parseLeadingYesNo } from '../nlu/answers';
import { normalizeLabel } from '../nlu/normalize';
import { CN_DIGITS, FactReader, type FactValue } from './facts';
import { pattern } from './pattern';
import { describeFact, questionText, renderVerdict } from './summary';
import type { Expects, InterviewState, PendingQuestion, Reply } from './types';
import { must } from '../util/must';

/** Nothing said before: every block is new. */
const NOTHING_SAID = () => false;


export type { InterviewState } from './types';
export { withArabicNumbers } from './facts';

/** The result of one interview turn. */
export interface InterviewStep {
  /** Undefined once the interview has ended. */
  state?: InterviewState;
  replies: Reply[];
  verdict?: Verdict;
  /** With the verdict: the interview as it ended, so a later correction can reopen it. */
  ended?: InterviewState;
}

export class Interview {
  private readonly reader: FactReader;
  constructor(private readonly k: Knowledge) {
    this.reader = new FactReader(k);
  }

  private get data() {
    return this.k.interview;
  }

  private get particles(): readonly string[] {
    return this.k.conversation.words.particles;
  }

  private question(field: SituationField): InterviewQuestion {
    return this.data.fields[field];
  }

  /** Starts an interview; facts already known (said before, or learned by a FAQ flow) are acknowledged, not asked. */
  start(goal: Goal, prefill: Situation = {}, now: Date, said: (block: string) => boolean = NOTHING_SAID): InterviewStep {
    const situation: Situation = { ...prefill, goal };
    const spec = this.k.rules.rules.goals[goal];
    const asked = [...spec.fields, ...spec.optional].filter((f) => situation[f] !== undefined);
    const state: InterviewState = { goal, situation, asked, skipped: [], tries: 0 };
    // A second check in the same conversation is not introduced again word for word.
    const intro = this.data.intro[goal];
    const replies: Reply[] = [{ text: said(intro) ? this.data.restarted : intro }];
    if (asked.length) replies.push({ text: `${this.data.known}${asked.map((f) => this.factText(f, state)).join('；')}` });
    return this.advance(state, replies, now, said);
  }

  /** The question the interview waits on, with the answers it expects. */
  pending(state: InterviewState): PendingQuestion | undefined {
    if (!state.current) return undefined;
    const q = this.question(state.current);
    const expects: Expects = q.kind === 'yesno' ? 'yesno' : q.kind === 'choice' ? 'choice' : q.kind === 'region' ? 'region' : 'number';
    return { text: questionText(q, state.goal), expects, choices: this.choiceLabels(state.current) };
  }

  /** The current question as a reply, its answers as choices. */
  askAgain(state: InterviewState): Reply {
    return this.ask(must(state.current, 'the current question'), state.goal);
  }

  /** 重新开始: the same goal from nothing (the intro is not said again). */
  restart(state: InterviewState, now: Date): InterviewStep {
    const fresh = this.start(state.goal, {}, now);
    return { ...fresh, replies: [{ text: this.data.restarted }, ...fresh.replies.slice(1)] };
  }

  /**
   * The reply was neither an answer nor a question the assistant answers: a question no answer
   * covers is said so (我儿子能帮我代办吗), anything else is "not understood"; the question again.
   */
  reprompt(state: InterviewState, normalized: string): InterviewStep {
    const d = this.data;
    if (isQuestion(normalized, this.k.conversation.words.questions)) return { state, replies: [{ text: `${d.cannotAnswer}\n${d.sideAnswerThen}` }, this.ask(must(state.current, 'the current question'), state.goal)] };
    const next = { ...state, tries: state.tries + 1 };
    const reply = this.ask(must(state.current, 'the current question'), state.goal);
    const help = next.tries >= 2 ? `${d.notUnderstood}${d.pickNumber}` : d.notUnderstood;
    return { state: next, replies: [{ text: `${help}\n${reply.text}`, choices: reply.choices }] };
  }

  /**
   * One message read as an answer to the interview's question, in its own terms: why it is asked,
   * a change of an earlier answer (改一下第2个, 不对), facts named anywhere, a bare answer to the
   * current question. Undefined when the message is none of these.
   */
  answer(state: InterviewState, normalized: string, now: Date, said: (block: string) => boolean = NOTHING_SAID): InterviewStep | undefined {
    const d = this.data;
    if (state.current && d.whyWords.some((w) => bareAnswer(normalized, this.particles).startsWith(w))) {
      const q = this.question(state.current);
      const why = `${d.whyPrefix}${q.why}\n【${d.summary.source}】${q.sources.map((s) => this.k.sources[s].title).join('；')}`;
      return { state, replies: [{ text: why }, this.ask(state.current, state.goal)] };
    }
    const amend = this.amendRequest(normalized);
    if (amend) {
      const field = state.asked[amend.target - 1];
      if (!field) return { state, replies: [{ text: d.amendUnknown }, ...(state.current ? [this.ask(state.current, state.goal)] : [])] };
      const situation = { ...state.situation };
      delete situation[field];
      const next: InterviewState = { ...state, situation, asked: state.asked.filter((f) => f !== field), skipped: state.skipped.filter((f) => f !== field), current: field, tries: 0, amending: true };
      // 改一下第3个，没有项目: the new value may come in the same message.
      const rest = normalized.replace(amend.words, '');
      const facts = rest ? this.readFacts(next, rest) : new Map<SituationField, FactValue>();
      if (facts.has(field)) return this.record(next, new Map([[field, must(facts.get(field), field)]]), normalized, now, said);
      return { state: next, replies: [this.ask(field, state.goal)] };
    }

    // A bare 不对 / 说错了 says an earlier answer is wrong, not which one: ask, rather than read it as "no".
    if (isExactly(normalized, d.correctionWords, this.particles) && state.asked.length) {
      return { state, replies: [this.amendWhich(state), ...(state.current ? [this.ask(state.current, state.goal)] : [])] };
    }

    const facts = this.readFacts(state, normalized);
    return facts.size ? this.record(state, facts, normalized, now, said) : undefined;
  }

  /**
   * A correction after the verdict (我刚才说错了，单位其实不愿意出函; 改一下第2个; 不对): the
   * finished interview is reopened with it, giving a new verdict or asking the item again.
   * Undefined when the message is no correction of it.
   */
  reopen(ended: InterviewState, normalized: string, now: Date, said: (block: string) => boolean = NOTHING_SAID): InterviewStep | undefined {
    if (this.amendRequest(normalized)) return this.answer(ended, normalized, now, said);
    if (!this.data.correctionWords.some((w) => normalized.includes(w))) return undefined;
    const facts = this.readFacts(ended, normalized);
    if (facts.size) return this.record({ ...ended, amending: true }, facts, normalized, now, said);
    if (!isExactly(normalized, this.data.correctionWords, this.particles)) return undefined;
    return { replies: [this.amendWhich(ended)], ended };
  }

  /** Facts a message states outside the interview (see FactReader.factsIn). */
  factsIn(normalized: string): Situation {
    return this.reader.factsIn(normalized);
  }

  /** The labels offered for a field's question, in the order their numbers refer to. */
  choiceLabels(field: SituationField): string[] {
    const q = this.question(field);
    if (q.kind === 'yesno') return [q.choices.yes, q.choices.no];
    if (q.kind === 'choice') return q.options.map((o) => o.label);
    if (q.kind === 'number') return [];
    return q.choices;
  }

  private ask(field: SituationField, goal: Goal): Reply {
    return { text: questionText(this.question(field), goal), choices: this.choiceLabels(field) };
  }

  /** Facts found in a message: any field named anywhere, plus a bare answer to the current question. */
  private readFacts(state: InterviewState, normalized: string): Map<SituationField, FactValue> {
    const facts = new Map<SituationField, FactValue>();
    const spec = this.k.rules.rules.goals[state.goal];
    const fields = [...spec.fields, ...spec.optional];
    const current = state.current;
    if (current) {
      const picked = this.pick(current, normalized);
      if (picked !== undefined) return facts.set(current, picked);
    }
    for (const field of fields) {
      const value = this.reader.find(field, normalized);
      if (value !== undefined) facts.set(field, value);
    }
    if (current && !facts.has(current)) {
      const q = this.question(current);
      if (q.kind === 'yesno') {
        // 不知道 / 跳过: the item stays open (the verdict then says it must be confirmed), never a "no".
        if (!facts.size && (isUnsure(normalized, answerWords(this.k)) || isExactly(normalized, this.data.skipWords, this.particles))) facts.set(current, null);
        else {
          const yn = this.yesNoFor(normalized, facts.size > 0, q.answers);
          if (yn) facts.set(current, yn === 'yes');
        }
      }
      if (q.kind === 'region' && q.skippable && isExactly(normalized, this.data.skipWords, this.particles)) facts.set(current, null);
    }
    return facts;
  }

  /**
   * A yes/no answer to the current question. A message that names other facts answers the
   * current question only if it opens with a bare yes/no clause (没有，也没出过事故): otherwise
   * 没有没处理的事故, asked about projects, would also record "no projects". A correction word
   * (不对) is never a "no". A longer message is read by its first clause (有一个，下个月结算完).
   */
  private yesNoFor(normalized: string, namesOtherFacts: boolean, own: { yes: string[]; no: string[] }): 'yes' | 'no' | undefined {
    // The question's own answer words count like the common ones (同意 answers the consent question).
    const nlu = { ...answerWords(this.k), yes: [...own.yes, ...this.k.nlu.yes], no: [...own.no, ...this.k.nlu.no] };
    const first = firstClause(normalized);
    if (isExactly(first, this.data.correctionWords, this.particles)) return undefined;
    // 对，没有 is read whole (没有); only a message that also names other facts is held to a bare first clause.
    if (!namesOtherFacts) return parseLeadingYesNo(normalized, nlu);
    const bare = bareAnswer(first, this.particles);
    return nlu.no.includes(bare) ? 'no' : nlu.yes.includes(bare) ? 'yes' : undefined;
  }

  /** A number or an exact choice label for the current question. */
  private pick(field: SituationField, normalized: string): FactValue | undefined {
    const labels = this.choiceLabels(field);
    let index = -1;
    if (/^\d{1,2}$/.test(normalized)) index = Number(normalized) - 1;
    // A label with alternatives (其他地区/不确定) is picked by either part too.
    else index = labels.findIndex((l) => normalizeLabel(l) === normalized || (l.includes('/') && normalizeLabel(l).split('/').includes(normalized)));
    if (index < 0 || index >= labels.length) return undefined;
    const q = this.question(field);
    if (q.kind === 'yesno') return index === 0;
    if (q.kind === 'choice') return q.options[index].value;
    if (q.kind === 'number') return undefined;
    return this.k.regions.resolve(labels[index]) ?? null;
  }

  /** 改一下第3个: the number of the answer to change, and the words of the request (to read what follows them). */
  private amendRequest(normalized: string): { target: number; words: string } | undefined {
    for (const p of this.data.amendPatterns) {
      const m = pattern(p).exec(normalized);
      if (m) return { target: /^\d+$/.test(m[1]) ? Number(m[1]) : CN_DIGITS[m[1]], words: m[0] };
    }
    return undefined;
  }

  /** 您要改哪一项？ with the answers recorded so far, numbered as 改一下第N个 counts them. */
  private amendWhich(state: InterviewState): Reply {
    return { text: `${this.data.amendWhich}\n${state.asked.map((f, i) => `${i + 1}. ${this.factText(f, state)}`).join('\n')}` };
  }

  /** Stores facts, acknowledges them (as corrections where a value changed) and moves on. */
  private record(state: InterviewState, facts: Map<SituationField, FactValue>, normalized: string, now: Date, said: (block: string) => boolean): InterviewStep {
    const situation: Situation = { ...state.situation };
    const asked = [...state.asked];
    const skipped = [...state.skipped];
    const noted: string[] = [];
    const corrected: string[] = [];
    // After 改一下第N个 the next answer corrects, whatever its words.
    const correcting = state.amending === true || this.data.correctionWords.some((w) => normalized.includes(w));
    for (const [field, value] of facts) {
      if (value === null) {
        if (!skipped.includes(field)) skipped.push(field);
        continue;
      }
      const before = situation[field];
      (situation as Record<string, unknown>)[field] = value;
      if (!asked.includes(field)) asked.push(field);
      const line = this.factText(field, { ...state, situation });
      if (before !== undefined && before !== value) corrected.push(line);
      else if (before === undefined) (correcting ? corrected : noted).push(line);
    }
    const replies: Reply[] = [];
    const ack = [
      ...(corrected.length ? [`${this.data.corrected}${corrected.join('；')}`] : []),
      ...(noted.length ? [`${this.data.noted}${noted.join('；')}`] : []),
      ...([...facts.values()].includes(null) ? [this.data.skipped] : []),
    ];
    if (ack.length) replies.push({ text: ack.join('\n') });
    return this.advance({ ...state, situation, asked, skipped, tries: 0, amending: false }, replies, now, said);
  }

  /** Asks the next missing field, or ends with the verdict when nothing is left to ask. */
  private advance(state: InterviewState, replies: Reply[], now: Date, said: (block: string) => boolean): InterviewStep {
    // The situation keeps the goal asked for; the checker redirects it (changing employer → 变更注册)
    // and the interview then asks that goal's questions.
    const verdict = checkEligibility(state.situation, this.k.rules);
    if (verdict.goal !== state.goal) {
      state = { ...state, goal: verdict.goal };
      replies = [...replies, { text: this.data.redirected }];
    }
    const next = verdict.missing.find((f) => !state.skipped.includes(f));
    if (next) return { state: { ...state, current: next, tries: state.current === next ? state.tries : 0 }, replies: [...replies, this.ask(next, state.goal)] };
    return { replies: [...replies, { text: renderVerdict(verdict, state.situation, this.k, now, said) }], verdict, ended: { ...state, current: undefined, tries: 0, amending: false } };
  }

  /** A recorded fact in words, as the interview's goal names it (the new employer's province for 变更注册). */
  factText(field: SituationField, state: Pick<InterviewState, 'goal' | 'situation'>): string {
    return describeFact(field, state.situation, this.k, state.goal);
  }
}
