/**
 * Short answers inside a dialog (是/不是/有/没有/对/嗯) and control words (退出, 重新开始, 算了).
 * Lists come from knowledge/nlu.yaml and knowledge/conversation.yaml (what asks); this file only
 * decides how a reply is compared with them.
 */
import type { NluFile } from '../schema/knowledge';
import type { ConversationFile, QuestionWords } from '../schema/conversation';

const NON_WORD = /[\p{P}\p{S}\s]/gu;
/** A reply longer than this is a sentence, not a short answer. */
const MAX_SHORT_ANSWER = 10;
const compiledQuestions = new WeakMap<QuestionWords, RegExp[]>();

/** The question forms of the data as expressions, compiled once per list (each on its own: they may use back-references). */
function questionPatterns(q: QuestionWords): RegExp[] {
  let res = compiledQuestions.get(q);
  if (!res) {
    res = q.patterns.map((p) => new RegExp(p, 'u'));
    compiledQuestions.set(q, res);
  }
  return res;
}

/**
 * The message asks something (a question mark, 吗, a question word or form). 要多久 starts with the
 * yes-word 要 but asks: question words keep it from the yes/no reading.
 */
export function isQuestion(normalized: string, questions: QuestionWords): boolean {
  return (
    questions.marks.some((m) => normalized.includes(m)) ||
    questions.words.some((w) => normalized.includes(w)) ||
    questionPatterns(questions).some((re) => re.test(normalized))
  );
}

/** Sentence-final particles (conversation.yaml words.particles), as one expression per list. */
const compiledParticles = new WeakMap<readonly string[], RegExp>();

function particlesAtEnd(particles: readonly string[]): RegExp {
  let re = compiledParticles.get(particles);
  if (!re) {
    re = new RegExp(`(?:${particles.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})+$`, 'u');
    compiledParticles.set(particles, re);
  }
  return re;
}

/** The answer words of nlu.yaml with what asks and the particles of conversation.yaml. */
export type YesNoWords = Pick<NluFile, 'yes' | 'no'> &
  Partial<Pick<NluFile, 'unsure' | 'answerPrefixes'>> & { questions: QuestionWords; particles: readonly string[] };

const wordsOf = new WeakMap<object, YesNoWords>();

/** A knowledge base's answer words as one object (made once per knowledge). */
export function answerWords(k: { nlu: NluFile; conversation: ConversationFile }): YesNoWords {
  let w = wordsOf.get(k.conversation);
  if (!w || w.yes !== k.nlu.yes) {
    w = { ...k.nlu, questions: k.conversation.words.questions, particles: k.conversation.words.particles };
    wordsOf.set(k.conversation, w);
  }
  return w;
}

/** 不知道, 不确定, 还没问: the user does not know (checked before 不/没 can read as "no"). */
export function isUnsure(normalized: string, config: Pick<Partial<NluFile>, 'unsure'> & { particles: readonly string[] }): boolean {
  const bare = bareAnswer(normalized, config.particles);
  return (config.unsure ?? []).some((w) => bare.includes(w));
}

/** 确定没有 → 没有, 对没有 → 没有: agreement and hedge words come off while a yes/no word follows them. */
function withoutAnswerPrefixes(bare: string, config: YesNoWords): string {
  const prefixes = [...(config.answerPrefixes ?? [])].sort((a, b) => b.length - a.length);
  const answerWords = [...config.yes, ...config.no];
  let s = bare;
  for (;;) {
    const p = prefixes.find((w) => s.startsWith(w) && answerWords.some((a) => s.startsWith(a, w.length)));
    if (!p) return s;
    s = s.slice(p.length);
  }
}

/** Strips punctuation, spaces and trailing particles: "有的呀！" → "有". */
export function bareAnswer(normalized: string, particles: readonly string[]): string {
  const end = particlesAtEnd(particles);
  return normalized.replace(NON_WORD, '').replace(end, '');
}

/** True when the whole message is one of the words (after stripping punctuation and particles). */
export function isExactly(normalized: string, words: readonly string[], particles: readonly string[]): boolean {
  // Compare before and after stripping particles: 算了 must stay 算了, 退出吧 becomes 退出.
  const unpunctuated = normalized.replace(NON_WORD, '');
  const bare = bareAnswer(normalized, particles);
  return (unpunctuated.length > 0 && words.includes(unpunctuated)) || (bare.length > 0 && words.includes(bare));
}

/**
 * Reads a yes/no answer. "No" words are tried first because many contain a "yes" word (没有 ⊃ 有).
 * A question or a long sentence is not an answer: it goes to the classifier instead.
 */
export function parseYesNo(normalized: string, config: YesNoWords): 'yes' | 'no' | undefined {
  if (isUnsure(normalized, config)) return undefined;
  const bare = withoutAnswerPrefixes(bareAnswer(normalized, config.particles), config);
  if (!bare) return undefined;
  if (config.no.includes(bare)) return 'no';
  if (config.yes.includes(bare)) return 'yes';
  if (bare.length > MAX_SHORT_ANSWER || isQuestion(normalized, config.questions)) return undefined;
  const byLength = (a: string, b: string) => b.length - a.length;
  if ([...config.no].sort(byLength).some((w) => bare.startsWith(w))) return 'no';
  if ([...config.yes].sort(byLength).some((w) => bare.startsWith(w))) return 'yes';
  return undefined;
}

/** Where a message's first clause ends. */
const CLAUSE_BREAK = /[，,。；;！!、\s]+/u;

/** The first clause of a message: 有离职证明，但是没有解除合同的证明 → 有离职证明. */
export function firstClause(normalized: string): string {
  return normalized.split(CLAUSE_BREAK).find((c) => c.length > 0) ?? '';
}

/**
 * A yes/no answer, or one that opens a longer message (有一个，不过下个月就结算完了). A message
 * that asks something is not read by its first clause: 有，那要怎么办？ goes to the classifier.
 */
export function parseLeadingYesNo(normalized: string, config: YesNoWords): 'yes' | 'no' | undefined {
  const whole = parseYesNo(normalized, config);
  if (whole) return whole;
  const first = firstClause(normalized);
  return first !== normalized && !isQuestion(normalized, config.questions) ? parseYesNo(first, config) : undefined;
}
