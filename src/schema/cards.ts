/**
 * Schemas of the answer cards (knowledge/cards/<subject>.yaml) and of the ranking settings
 * (knowledge/cards-settings.yaml). Cross-file checks (ids unique across files, `next` and `sources`
 * pointing at something that exists) are in src/knowledge/cards.ts, which sees every file.
 */
import { z } from 'zod';
import { INTENT_IDS, type IntentId } from './knowledge';
import { BOOLEAN_FIELDS, REASONS, SITUATION_FIELDS, type Condition, type SituationField } from './rules';

/** New subjects the cards add to the 21 intents (which keep their meaning). */
const NEW_SUBJECT_IDS = ['change.registration', 'expiry.renewal', 'age.over65', 'fees.agents', 'adjacent.topics', 'out_of_scope'] as const;

/** Every subject id a card file (and a turn's intent) can have: the 21 intents, then the new ones. */
export const SUBJECT_IDS = [...INTENT_IDS, ...NEW_SUBJECT_IDS] as const;
export const Subject = z.enum(SUBJECT_IDS, { errorMap: () => ({ message: 'not a subject id (see docs/subjects.md)' }) });
export type Subject = z.infer<typeof Subject>;

/** What each subject covers, one line each (docs/subjects.md is written from this). */
export const SUBJECTS: Readonly<Record<Subject, string>> = {
  'faq.employer_refusal': '原单位不配合、不出同意注销函、卡着不办时怎么注销',
  'faq.reregistration': '注销以后还能不能、怎样重新注册（到新单位再注册）',
  'faq.professional_title': '注销对职称评定、职称证书的影响',
  'faq.blacklist': '注销会不会被拉黑、进黑名单或留不良记录',
  'info.system': '全国监理工程师注册管理系统是什么、在哪里登录',
  'info.reasons': '哪些情况需要办理注销（离职、退休、转行、单位撤销等）',
  'info.qualification_kept': '注销是否等于放弃执业资格，资格证书是否还在',
  'info.credit_impact': '不按规定注销或拖着不注销对信用、从业的影响',
  'info.continuing_education': '继续教育学时要求，没修完对注销的影响',
  'process.steps': '注销注册怎么办、有哪些步骤、在哪里提交',
  'process.materials': '注销要准备哪些材料',
  'process.photo': '证件照的要求（底色、格式、大小）和照片上传问题',
  'process.approval_time': '审批要多久、多少个工作日、怎么查进度',
  'process.receipt': '纸质注销回执要不要领、怎么领',
  'process.blockers': '哪些情况不能直接注销（未结项目、事故责任、处罚或复议中）',
  'case.employer_bankrupt': '原单位倒闭、破产、注销或吊销了，注册还挂着怎么办',
  'interview.start': '请助手逐项自查能不能注销、重新注册或变更注册',
  'chitchat.greeting': '打招呼、问助手是谁、能做什么',
  'chitchat.thanks': '道谢、表示问题已解决',
  'handoff.human': '要求转人工客服或留言给工作人员',
  fallback: '没听懂或与本助手无关的话（内部用，卡片一般不用）',
  'change.registration': '变更注册：注册有效期内换单位、跨省调动，和注销的区别',
  'expiry.renewal': '注册有效期、延续注册、证书过期了怎么办',
  'age.over65': '年满65周岁、退休返聘人员的注册和注销',
  'fees.agents': '办理收费吗、中介代办、家属或他人代办',
  'adjacent.topics': '相邻话题：社保、监理员证、建造师等其他证书、产假、挂证',
  out_of_scope: '超出本助手能答范围的问题：如实说明，并告诉该去问谁',
};

/** The subjects as a Markdown page (docs/subjects.md). */
export function subjectsMarkdown(): string {
  const row = (id: Subject) => `| \`${id}\` | ${SUBJECTS[id]} |`;
  return [
    '# Subjects',
    '',
    'The `subject` of an answer-card file (knowledge/cards/<subject>.yaml) and the `intent` of a turn is one of these ids.',
    'The first 21 are the original intents and keep their meaning; the last six were added with the answer cards.',
    'Generated from `SUBJECTS` in src/schema/cards.ts (test/knowledge/cards.test.ts checks that this page matches it).',
    '',
    '| id | meaning |',
    '| --- | --- |',
    ...INTENT_IDS.map(row),
    ...NEW_SUBJECT_IDS.map(row),
    '',
  ].join('\n');
}

/** A subject id that is also an intent of the classifier (the original 21). */
export function isIntentSubject(s: Subject): s is IntentId {
  return (INTENT_IDS as readonly string[]).includes(s);
}

/** Most characters an answer may have (after trimming); details go to `detail`. */
export const MAX_ANSWER_CHARS = 300;
/** Fewest phrasings a card may have. */
export const MIN_PHRASINGS = 6;

const text = z.string().trim().min(1, 'must not be empty');
const chars = (s: string) => [...s].length;
export const CARD_ID = /^[a-z0-9_]+(?:\.[a-z0-9_]+)*$/;
const cardId = z.string().regex(CARD_ID, 'card ids are lower-case ascii letters, digits and underscores, parts joined by dots');

const BOOLEAN_FIELD_SET = new Set<string>(BOOLEAN_FIELDS);

/**
 * A condition on one of the rule checker's situation fields (the checker's Condition, one object
 * so that a wrong field or value is reported at its own path): `equals` a value, or `above` / `atMost`
 * a number. The value must suit the field: true/false for the yes/no facts, one of the reasons for
 * `reason`, a province name for `region`, and `above` or `atMost` (whole years) for `age`.
 */
export const CardWhen = z
  .object({
    field: z.enum(SITUATION_FIELDS, { errorMap: () => ({ message: `field is one of ${SITUATION_FIELDS.join(', ')}` }) }),
    equals: z.union([z.boolean(), z.string()], { errorMap: () => ({ message: 'equals is true, false or a word' }) }).optional(),
    above: z.number({ invalid_type_error: 'above is a number' }).optional(),
    atMost: z.number({ invalid_type_error: 'atMost is a number' }).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const at = (key: 'equals' | 'above' | 'atMost' | 'field', message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message });
    const given = [c.equals, c.above, c.atMost].filter((v) => v !== undefined).length;
    if (given !== 1) return at('field', 'needs exactly one of equals, above or atMost');
    const field: SituationField = c.field;
    const number = c.above !== undefined ? 'above' : c.atMost !== undefined ? 'atMost' : undefined;
    if (number) {
      if (field !== 'age') at(number, `"${number}" compares numbers: only age can use it, not ${field}`);
    } else if (BOOLEAN_FIELD_SET.has(field)) {
      if (typeof c.equals !== 'boolean') at('equals', `${field} is true or false`);
    } else if (field === 'reason') {
      if (!(REASONS as readonly unknown[]).includes(c.equals)) at('equals', `reason is one of ${REASONS.join(', ')}`);
    } else if (field === 'region') {
      if (typeof c.equals !== 'string' || !c.equals.trim()) at('equals', 'region is a province name, e.g. 江苏');
    } else if (field === 'age') {
      at('equals', 'age is compared with "above: <years>" or "atMost: <years>"');
    }
  })
  .transform((c): Condition =>
    c.above !== undefined
      ? { field: c.field, above: c.above }
      : c.atMost !== undefined
        ? { field: c.field, atMost: c.atMost }
        : { field: c.field, equals: c.equals as boolean | string },
  );

/** How the answer differs for someone whose stated facts meet `when`: `text` replaces the first sentence. */
export const CardCondition = z
  .object({
    when: CardWhen,
    text,
    /** The text replaces the whole answer for that person (the general answer would contradict it: over 65). */
    final: z.boolean().default(false),
  })
  .strict();

/**
 * A card written for a fact the person may contradict (过了65岁…): for someone whose facts meet
 * `when` (and not `unless`), `card` answers instead.
 */
export const CardInstead = z.object({ when: CardWhen, unless: z.union([CardWhen, z.array(CardWhen).min(1)]).optional(), card: cardId }).strict();
export type CardCondition = z.infer<typeof CardCondition>;

/** One answer card. */
export const Card = z
  .object({
    id: cardId,
    /** The question as a user would pick it from a list. */
    question: text,
    /** How people type the question; the first one is the card's own test. */
    phrasings: z
      .array(text)
      .min(MIN_PHRASINGS, `needs at least ${MIN_PHRASINGS} phrasings`)
      .superRefine((list, ctx) => {
        const seen = new Map<string, number>();
        list.forEach((p, i) => {
          const key = p.replace(/\s+/g, '');
          const first = seen.get(key);
          if (first !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `repeats phrasing ${first} ("${p}")` });
          else seen.set(key, i);
        });
      }),
    /** First sentence answers directly; the whole answer is at most MAX_ANSWER_CHARS characters. */
    answer: text.refine(
      (s) => chars(s) <= MAX_ANSWER_CHARS,
      (s) => ({
        message: `is ${chars(s)} characters; at most ${MAX_ANSWER_CHARS} (move the rest to detail)`,
      }),
    ),
    /** More detail, shown only when asked for the full list. */
    detail: text.optional(),
    conditions: z.array(CardCondition).default([]),
    /** Another card answers for someone whose facts contradict what this one presumes (a 58-year-old asking about 返聘 after 65). */
    instead: z.array(CardInstead).default([]),
    /** Source ids (knowledge/sources.yaml); every fact carries one. */
    sources: z.array(z.string()).min(1, 'every card names at least one source'),
    /** What differs by province or must be confirmed locally. */
    regional: text.optional(),
    /** Card ids that usually come next. */
    next: z.array(cardId).default([]),
    /** out: an honest "outside what I can answer, ask …" card. */
    scope: z.enum(['in', 'out'], { errorMap: () => ({ message: 'scope is in or out' }) }),
  })
  .strict();
export type Card = z.infer<typeof Card>;

/** knowledge/cards/<subject>.yaml */
export const CardFile = z
  .object({
    version: z.literal(1, { errorMap: () => ({ message: 'version must be 1' }) }),
    subject: Subject,
    cards: z.array(Card).min(1, 'a card file holds at least one card'),
  })
  .strict();
export type CardFile = z.infer<typeof CardFile>;

/** A card with the subject of the file it came from. */
export type LoadedCard = Card & { subject: Subject; file: string };

const unit = z.number().min(0).max(1);

/** knowledge/cards-settings.yaml: how cards are ranked and when the best one is answered. */
export const CardSettingsFile = z
  .object({
    version: z.literal(1),
    bm25: z.object({ k1: z.number().positive().max(3), b: unit }).strict(),
    /** Weight of a character bigram against a word (1). */
    bigramWeight: z.number().min(0).max(2),
    /**
     * How much a phrasing's own words left unmatched lower its score: its BM25 share of the message
     * × (1 − phrasingCover + phrasingCover × the share of the phrasing's weight the message covers).
     */
    phrasingCover: unit,
    /** Weight of a generic question word (knowledge/nlu.yaml genericWords: 怎么, 需要 …) and of the bigrams inside one. */
    genericWeight: unit,
    /** Weight of the card's whole text (question, phrasings, answer) against its best phrasing (1). */
    textWeight: z.number().min(0).max(1),
    /** With a subject prior p: score = match × (alpha + p) / (alpha + 1). */
    priorAlpha: z.number().positive(),
    /**
     * A linear model over the cards' phrasings (one class per card, the same words and bigrams):
     * its probability for a card, softmax(temperature × decision value), adds `weight` to the card's
     * match. 0 turns it off. It reads a story by the words that tell its cards apart, where BM25
     * spreads a long message's share over every word.
     */
    model: z
      .object({
        weight: unit,
        C: z.number().positive(),
        temperature: z.number().positive(),
        /** The model's best decision value at which it counts nothing; from there to 0 its weight grows to all of `weight`. */
        floor: z.number().max(-0.01).min(-2),
        /** A message shorter than this many characters gets none of it. */
        minChars: z.number().int().min(0),
        /** A message of which the model knows (saw in training) less than this share of the terms gets none of it. */
        minKnown: unit,
      })
      .strict()
      .default({ weight: 0, C: 1, temperature: 10, floor: -0.7, minChars: 10, minKnown: 0.75 }),
    decide: z
      .object({
        /** The best card's match must reach this to be answered outright. */
        answer: unit,
        /** Under this nothing is close: no card is offered. */
        suggest: unit,
        /** The best card is answered only when the second's score is at most (1 − margin) × the best's. */
        margin: unit,
        /** Cards offered as choices score at least this share of the best's score. */
        chooseRatio: unit,
        maxChoices: z.number().int().min(2).max(5),
      })
      .strict()
      .refine((d) => d.suggest <= d.answer, { message: 'suggest must not be above answer', path: ['suggest'] }),
    /**
     * Subjects the classifier keeps when it names them (conversation and the check itself: a
     * greeting, thanks, a person, the eligibility interview): no card answers those messages.
     */
    classifierOnly: z.array(z.enum(INTENT_IDS)).default([]),
    /** A subject only cards cover starts from this probability in the prior (the classifier never names it). */
    unknownSubjectPrior: unit.default(0.5),
    /** The conversation's subject starts from at least this probability in the prior (a follow-up is about it). */
    contextPrior: unit.default(0.5),
    /** A short follow-up takes its conversation's subject's card when that matches at least this share of the best match. */
    followUpRatio: unit.default(0.7),
    /** Alike cards of different subjects make a menu only for a message shorter than this (a vague one). */
    menuMaxChars: z.number().int().positive().default(8),
    /** An in-scope card answers a message the classifier calls out of its domain only with at least this match. */
    outOfDomainMatch: unit.default(0.5),
    /**
     * The engine answers the best card, with its close rivals offered as choices, when its match
     * reaches this (below `decide.answer` too); under it, with nothing the classifier understood,
     * the close cards are offered as a menu.
     */
    answerWithChoices: unit.default(0.2),
    /** A message no card matches closely: the classifier's subject picks its closest card when it is this sure. */
    storyConfidence: unit.default(0.9),
    /** A story is at least this many characters: its closest card of the classifier's subject answers; a shorter message gets the subject's first card. */
    storyChars: z.number().int().min(0).default(20),
    /**
     * A reason with a card of its own (registration_error → the wrong-firm card): a question stating that reason which
     * the classifier cannot read and no card matches clearly is answered by that card.
     */
    reasonCards: z.record(z.enum(REASONS), z.string().min(1)).default({}),
    /** A message of at most this many characters after an answer is read as a follow-up on that answer's subject. */
    followUpChars: z.number().int().min(0).default(12),
    /** Words that put a message in the domain (注册, 延续, 学时…): an in-scope card needs only answerWithChoices then, not outOfDomainMatch. */
    domainWords: z.array(z.string().min(1)).default([]),
    /** Under answerWithChoices, a card is still answered when no other scores this share of its score; else a menu. */
    menuRatio: unit.default(0.8),
    /**
     * A card retrieval puts clearly ahead (decide: answer) beats a sure classifier whose subject has no card near,
     * unless the classifier is at least this sure (it has been taught that very kind of message).
     */
    certainConfidence: unit.default(0.99),
    /** The classifier's subject's closest card is preferred to a better card of another subject when it matches at least this share of that card's match. */
    ownRatio: unit.default(0.6),
    /** Procedure words (注销, 延续, 变更…): a message naming one is not answered by a card whose question names only others. */
    contrastWords: z.array(z.string().min(1)).default([]),
    /** Such a card counts for this share of its score and match. */
    /** The procedure the classifier's own answers are about (注销); a message naming only others gets cards that name them. */
    ownProcedure: z.string().min(1).default('注销'),
    contrastWeight: unit.default(0.5),
    /**
     * Kinds of question by the answer they want (a duration, a place, a person, a fee): a message
     * asking one kind weighs a card none of whose phrasings asks it at kindWeight — 多久能移出 is
     * not answered by 会不会被拉黑.
     */
    questionKinds: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    kindWeight: unit.default(0.6),
    /** Words of cards written for a firm's HR (员工, 人事 …): when the one asking speaks for the firm, such a card's score is multiplied by employerBoost. */
    employerWords: z.array(z.string().min(1)).default([]),
    employerBoost: z.number().min(1).default(1),
    /** A weak card of another classifier subject gives way to the classifier's own answer when it is at least this sure. */
    keepConfidence: unit.default(0.6),
  })
  .strict();
export type CardSettings = z.infer<typeof CardSettingsFile>;
