/**
 * Zod schemas for every data file in knowledge/ and dialogs/.
 * Types used by the rest of the code are inferred from here, so the data model has one definition.
 */
import { z } from 'zod';
import { Goal } from './rules';

/** The fixed intent contract: analytics, tests and channels rely on these exact ids. */
export const INTENT_IDS = [
  'faq.employer_refusal',
  'faq.reregistration',
  'faq.professional_title',
  'faq.blacklist',
  'info.system',
  'info.reasons',
  'info.qualification_kept',
  'info.credit_impact',
  'info.continuing_education',
  'process.steps',
  'process.materials',
  'process.photo',
  'process.approval_time',
  'process.receipt',
  'process.blockers',
  'case.employer_bankrupt',
  'interview.start',
  'chitchat.greeting',
  'chitchat.thanks',
  'handoff.human',
  'fallback',
] as const;

export const IntentId = z.enum(INTENT_IDS);

/** A subject id that is one of the classifier's intents (not a subject only answer cards cover). */
export function isIntentId(s: string | undefined): s is IntentId {
  return s !== undefined && (INTENT_IDS as readonly string[]).includes(s);
}
export type IntentId = z.infer<typeof IntentId>;

const text = z.string().trim().min(1, 'must not be empty');
const version = z.number().int().positive();

/** knowledge/sources.yaml: every citation an answer can carry. */
export const SourcesFile = z
  .object({
    version,
    sources: z.record(
      z.string().regex(/^[a-z0-9_.-]+$/, 'source ids are lower-case ascii'),
      z.object({ title: text, kind: z.enum(['article', 'regulation', 'notice']), note: z.string().optional() }).strict(),
    ),
  })
  .strict();
export type SourcesFile = z.infer<typeof SourcesFile>;

/** knowledge/phrases/<intent>.yaml: training phrases for one intent. */
export const PhrasesFile = z.object({ version, intent: IntentId, phrases: z.array(text).min(5, 'needs at least 5 phrases') }).strict();
export type PhrasesFile = z.infer<typeof PhrasesFile>;

/** A related question offered as a choice: an intent id, or an intent with its own label. */
export const RelatedRef = z.union([IntentId, z.object({ intent: IntentId, label: text }).strict()]);
export type RelatedRef = z.infer<typeof RelatedRef>;

/** An answer body with its citations and (optionally) what varies by province. */
export const Answer = z
  .object({
    text,
    sources: z.array(z.string()).min(1, 'every answer names at least one source'),
    /** Shown under the answer: what varies by province or must be confirmed locally. */
    regional: z.string().optional(),
  })
  .strict();
export type Answer = z.infer<typeof Answer>;

/** knowledge/answers/<intent>.yaml: the answer and how it is offered to users. */
export const AnswerFile = z
  .object({
    version,
    intent: IntentId,
    /** The question as a user would pick it from a list of suggestions. */
    title: text,
    answer: Answer,
    related: z.array(RelatedRef).default([]),
    /** A dialog in dialogs/ that handles this intent instead of the single answer. */
    flow: z.string().optional(),
    /** This intent starts the eligibility interview for the goal instead of answering. */
    interview: Goal.optional(),
    /**
     * The answer depends on the person's facts for this goal: the rule checker is run on what the
     * user has said, and what applies to them (a redirect, blockers, warnings) leads the answer.
     */
    check: Goal.optional(),
    /** Rule codes this answer is itself about: not repeated in the personal lead. */
    covers: z.array(z.string()).default([]),
    /**
     * Which of a province's differences (knowledge/regions) belong under this answer once the
     * user's province is known: its extra materials, its extra steps, its notes.
     */
    regionDetails: z.array(z.enum(['materials', 'nextSteps', 'notes'])).default([]),
  })
  .strict();
export type AnswerFile = z.infer<typeof AnswerFile>;

/** knowledge/messages.yaml: every fixed sentence the assistant says. */
export const MessagesFile = z
  .object({
    version,
    greeting: text,
    fallback: text,
    /** The fallback for a question about another certificate or account (一建怎么注销): understood, but not ours. */
    otherDomain: text,
    suggest: text,
    emptyInput: text,
    tooLong: text,
    /** Said when the conversation store cannot be reached. */
    unavailable: text,
    handoffChoice: text,
    hotline: text,
    /** Before the hotline, under the answer to a complaint (when the server knows the complaint words). */
    complaint: text,
    goodbye: text,
    /** Shown above numbered choices where a channel cannot show buttons (console, WeChat). */
    choicesHeading: text,
    pickNumber: text,
    choiceOutOfRange: text,
    flowLeft: text,
    sourcesLabel: text,
    regionalLabel: text,
    /** Heads a province's differences under an answer; {province} is filled in. */
    regionAbout: text,
    /** A follow-up about a province (那上海呢) where the article names no difference for it. */
    regionNothing: text,
    /** A province named with nothing asked (我在江苏): noted; {province} is filled in. */
    regionNoted: text,
    /** Leads an answer that the user's own facts change: {facts} are those facts in words. */
    personalLead: text,
    /** A click on a button of an earlier question (a stale Teams card). */
    staleChoice: text,
    /** Heads the general answer under a personal lead. */
    inGeneral: text,
    /** The same, inside a dialog whose question is then asked again. */
    regionNotedShort: text,
    /** Under an answer when the message also asked something else; {title} is that question, offered as choice 1. */
    alsoAsked: text,
    /** The same when the first answer waits for a reply of its own: the second question is only named. */
    alsoAskedLater: text,
    /**
     * Under a card's answer when the message also asked what another card answers: {title} is its question, {answer}
     * its direct first sentence; the whole card is offered as choice 1.
     */
    alsoAskedBrief: text,
    /** The same when the first answer waits for a reply of its own (no choice 1 to offer). */
    alsoAskedBriefLater: text,
    /** Before a FAQ dialog's question asked again after a side question was answered. */
    backToQuestion: text,
    /**
     * Questions in the domain that the article does not answer (fees …): a message with one of the
     * words and 注销/注册 gets this text instead of the nearest answer, which would mislead.
     */
    notCovered: z.array(z.object({ words: z.array(text).min(1), unless: z.array(text).default([]), text }).strict()).default([]),
    /** Said first when a message carried an ID-card or mobile number (masked before storing). */
    personalData: text,
    /** WeChat: the passive reply to a message that is not text (picture, location …). */
    wechatUnsupported: text,
    /** WeChat: appended to the first message when the rest of a long answer follows as further messages. */
    wechatLater: text,
  })
  .strict();
export type MessagesFile = z.infer<typeof MessagesFile>;

/**
 * knowledge/nlu.yaml `features`. The defaults are the behaviour before these settings existed, so a
 * file without them classifies exactly as it did.
 */
export const NluFeatures = z
  .object({
    /** Sizes of the character n-grams added to the words (1 = single characters, 2 = bigrams …). */
    charNgrams: z.array(z.number().int().min(1).max(4)),
    /** Characters the n-grams are built from: `han` only, or every letter and digit (`wordlike`: QQ, 3加5). */
    charScope: z.enum(['han', 'wordlike']),
    /** The first and last one and two characters as features of their own (来一首…, …怎么做, …在哪). */
    boundaries: z.boolean().default(false),
    /**
     * jieba's part-of-speech tags of the words (from its own dictionary: nr person, ns place, v
     * verb …) and tag bigrams with the sentence's start and end: the shape of a message (a bare
     * noun phrase is often a title) where its words were never seen in training.
     */
    partOfSpeech: z.boolean().default(false),
    /** Length buckets (characters, words) as features. */
    length: z.boolean().default(false),
    /**
     * Words found in fewer than this many training phrases also give their part-of-speech tag and
     * length (`?nz`, `?nz3`), counted leave-one-out in training: a message's unknown title, name or
     * dish then still counts as evidence (来一首 + an unknown noun). 0: off.
     */
    rareWords: z.number().int().min(0).default(0),
  })
  .strict()
  .default({ charNgrams: [2], charScope: 'han' });
export type NluFeatures = z.infer<typeof NluFeatures>;

/** knowledge/nlu.yaml `classifier`; the default is the behaviour before the setting existed. */
export const NluClassifier = z
  .object({
    /**
     * `document`: natural's own scoring, P(feature|intent) = phrases of the intent with the feature
     * ÷ its phrases (an unseen feature counts `smoothing`). `multinomial`: the same counts read as a
     * multinomial model, smoothed over the whole vocabulary and summed in log space.
     */
    likelihood: z.enum(['document', 'multinomial']),
    /**
     * `bayes`: the Bayes model alone. `svm+bayes`: a linear SVM (src/nlu/nlu-linear.ts) trained on
     * the same features, its decision values plus `bayesWeight` × the Bayes log posterior, then
     * the tempered softmax (thresholds.temperature) as the confidence.
     */
    model: z.enum(['bayes', 'svm+bayes']).default('bayes'),
    /** The SVM's cost C (larger fits the training phrases more closely). */
    svmC: z.number().positive().default(1),
    /** Weight of the Bayes log posterior added to the SVM's decision values (0: the SVM alone). */
    bayesWeight: z.number().min(0).default(0.01),
  })
  .strict()
  .default({ likelihood: 'document' });
export type NluClassifier = z.infer<typeof NluClassifier>;

/** knowledge/nlu.yaml: dictionary, synonyms, answer words and thresholds for the NLU. */
export const NluFile = z
  .object({
    version,
    /** Domain words added to the segmenter's dictionary so they stay whole. */
    dictionary: z.array(text),
    /** canonical → variants; variants are rewritten to the canonical token before classifying. */
    synonyms: z.record(z.string(), z.array(text)),
    /** Tokens that carry no intent (particles, punctuation words). */
    stopwords: z.array(z.string()),
    /** Intents of conversation itself (greeting, thanks, handoff), exempt from the domain-evidence check. */
    smallTalkIntents: z.array(IntentId),
    /** Words common to any question (怎么, 什么, 需要 …): features for the classifier, but they do not show a message is in the domain. */
    genericWords: z.array(z.string()),
    /** Mentions of other certificates or accounts: a message naming one and no domain anchor is out of scope. */
    otherDomains: z.array(text),
    /** Words that anchor a message in this domain (监理 …); they cancel an otherDomains match. */
    domainAnchors: z.array(text),
    yes: z.array(text),
    no: z.array(text),
    /** "I don't know" words (不知道, 不确定, 还没问): neither yes nor no, although many start with 不 or 没. */
    unsure: z.array(text).default([]),
    /** Agreement and hedge words before the real answer (确定没有, 对，没有, 应该没有吧): taken off before reading yes/no. */
    answerPrefixes: z.array(text).default([]),
    /** Ends the chat (or, inside a dialog, the dialog). */
    quit: z.array(text),
    /** Leaves a dialog without ending the chat. */
    cancel: z.array(text),
    restart: z.array(text),
    /**
     * What is left of a follow-up about a province once the place, punctuation and particles are
     * taken out (那上海呢 → 那; 上海也一样吗 → 也一样吗): such a message asks the last question again for that province.
     */
    regionFollowUps: z.array(z.string()).default([]),
    /** Openers that only link to the previous turn (那, 那么, 然后): taken off the start of a message before classifying. */
    leadingFillers: z.array(text).default([]),
    thresholds: z
      .object({
        /** At or above: answer the intent. */
        answer: z.number().min(0).max(1),
        /** At or above (but under `answer`): offer the closest questions. */
        suggest: z.number().min(0).max(1),
        /** Share of a message's content words seen in in-domain phrases; under it the message is out of scope. */
        minCoverage: z.number().min(0).max(1),
        /** A message needs one content word found in at least this many in-domain phrases. */
        minSupport: z.number().int().min(0),
        /** Softmax temperature applied to the classifier's log scores. */
        temperature: z.number().positive(),
        /** Count given to a feature a class has never seen (natural's Bayes smoothing); smaller is sharper. */
        smoothing: z.number().positive().max(1),
      })
      .strict(),
    /** What the classifier reads from a message besides the segmented words. */
    features: NluFeatures,
    /** How the classifier turns natural's Bayes counts into a ranking. */
    classifier: NluClassifier,
    /** Characters of a message the NLU reads; longer input is cut (the reply says so). */
    maxChars: z.number().int().positive(),
  })
  .strict();
export type NluFile = z.infer<typeof NluFile>;
