/**
 * Schemas of the conversation layer's data: knowledge/conversation.yaml (the words that shape a
 * turn, the roles intents play in it, its own sentences) and knowledge/followups.yaml (what a short
 * follow-up such as 为什么 or 需要多久 asks about the last subject).
 */
import { z } from 'zod';
import { pattern } from './interview';
import { IntentId } from './knowledge';

const text = z.string().trim().min(1, 'must not be empty');
const words = z.array(text);

/** What makes a message (or a clause) ask something. */
export const QuestionWords = z
  .object({
    /** Characters that mark a question wherever they are (？, 吗). */
    marks: words.min(1),
    /** Question words (怎么, 多久, 为什么 …). */
    words: words.min(1),
    /** Question forms as regular expressions (A-not-A: 要不要; 几天 but not 好几年). */
    patterns: z.array(pattern).default([]),
  })
  .strict();
export type QuestionWords = z.infer<typeof QuestionWords>;

export const FOLLOW_UP_KINDS = ['why', 'whatNow', 'howLong', 'online', 'whoProves'] as const;
export const FollowUpKind = z.enum(FOLLOW_UP_KINDS);
export type FollowUpKind = z.infer<typeof FollowUpKind>;

export const ConversationFile = z
  .object({
    version: z.number().int().positive(),
    words: z
      .object({
        questions: QuestionWords,
        /** Sentence-final particles (的, 了, 吧 …), taken off a short reply before it is compared with answer words. */
        particles: words.min(1),
        /** The user speaks of themselves: a place named with one of these is their province (我在上海). */
        self: words.min(1),
        /** Words that only frame a place (我是上海的, 广东这边): neutral for the classifier. */
        placeFrames: z.object({ before: words, after: words }).strict(),
        /** A domain question the article does not answer (messages.yaml notCovered) names one of these (注销, 注册). */
        notCoveredAnchors: words.min(1),
        /** Asking for a person inside a dialog: answered with the way to one, like a side question. */
        handoff: words.min(1),
        /** A whole message of these words asks about the last answer's subject (为什么, 那怎么办 …). */
        followUps: z.record(FollowUpKind, words.min(1)),
        /** The one asking speaks for the firm (我是人事, 我们公司的员工): answers are for the firm, not the engineer. */
        employerSide: z.array(pattern).min(1),
        /** Thanks: 好的，谢谢 to an offer declines it. */
        thanks: words.min(1),
        /** A whole message of these asks for the last answer in short (太长了, 说简单点). */
        shorter: words.min(1),
        /** One-character words that say nothing of what is asked (在, 把, 那): never the part asked of an earlier answer. */
        functionChars: words.min(1),
        /** A message correcting what was said before (不对，我记错了): the facts it states replace the earlier ones. */
        corrections: words.min(1),
        /** A hotline agent turning to the next caller (下一个来电人): the facts known so far are forgotten. */
        nextCaller: words.min(1),
        /** Remarks that are not questions: an instruction to play another role, laughter or emoji alone, an insult. */
        remarks: z
          .object({
            roleplay: z.array(pattern).min(1),
            laughter: z.array(pattern).min(1),
            insult: words.min(1),
            /** Words that address the assistant: an insult with one of them counts even in a question. */
            addressed: words.min(1),
          })
          .strict(),
      })
      .strict(),
    limits: z
      .object({
        /** A message this short opening with one of whyOpeners (为啥, 凭啥) asks the why of the last answer card. */
        whyOpeners: words.min(1),
        whyChars: z.number().int().positive(),
        /** Inside a FAQ follow-up, a message that is no answer is met with its question again only up to this many characters and without a question of its own; otherwise the follow-up is dropped. */
        repromptChars: z.number().int().positive(),
        /** A message longer than this (a story, a pasted notice) is answered on its question: the sentence that asks, nearest the end. */
        storyChars: z.number().int().positive(),
        /** A message longer than storyChars with this many numbered items (一、 二、 / 1. 2.) is a pasted text: its facts are not the user's. */
        pastedItems: z.object({ pattern, min: z.number().int().positive() }).strict(),
        /** An intent that starts a dialog starts it only at this confidence of the classifier or more (below, the cards answer). */
        startConfidence: z.record(IntentId, z.number().min(0).max(1)).default({}),
        /** Such an intent, in a message without a word of the domain (knowledge/cards-settings.yaml domainWords), starts its dialog only in a message this short (帮我自查). */
        startPlainChars: z.number().int().min(0),
        /** A subject the classifier reads too broadly: it stands only in a message with one of these words (else the cards decide). */
        subjectWords: z.record(IntentId, words.min(1)).default({}),
      })
      .strict(),
    intents: z
      .object({
        /** Conversation, not a question (thanks): inside a FAQ follow-up it is answered and the question asked again, once. */
        remarks: z.array(IntentId),
        /** Never a side question inside the interview: the interview carries on asking. */
        notSideQuestions: z.array(IntentId),
        /** Never offered as the second question of a message. */
        notSecondQuestions: z.array(IntentId),
        /** After these a bare place (北京) is not a follow-up about that province. */
        notRegional: z.array(IntentId),
        /** Offered wherever the user is left without a question (not understood, a dialog left). */
        starters: z.array(IntentId).min(1),
      })
      .strict(),
    /** The conversation layer's own sentences. */
    say: z
      .object({
        /** One line after the part asked of an answer already given in full, naming it; {title} is its title. */
        reminder: text,
        /** 为什么 after an answer card: heads its legal basis ({question} is the card's question). */
        cardBasis: text,
        /** Under the reminder when no part matches: {options} are the related questions. */
        askBack: text,
        /** How {options} joins the questions: each quoted, a separator, the word before the last (“A”、“B”还是“C”). */
        options: z.object({ quote: text, separator: text, last: text }).strict(),
        /** A second miss in a row, shorter than the first. */
        fallbackAgain: text,
        /** The way to a person again, after the full hotline text was given. */
        hotlineAgain: text,
        /** Heads a province's differences that an earlier reply already listed. */
        regionAgain: text,
        /** Stands for a block of a reply that an earlier reply already said word for word. */
        seeAbove: text,
        /** A verdict block unchanged since the last verdict: {title} is its heading. */
        unchanged: text,
        /** Heads a card about changing registration for someone whose registration was already cancelled. */
        clearedNotChange: text,
        /** The same, short, once it was said in full. */
        clearedNotChangeAgain: text,
        /** The close questions offered under what the user's facts change (instead of messages.suggest). */
        suggestAfterLead: text,
        /** 太长了 after an answer: heads the answer's first sentence. */
        shorter: text,
        /** 太长了 with nothing answered yet. */
        shorterNothing: text,
        /** The next caller: the earlier caller's facts are forgotten. */
        nextCaller: text,
        /** An insult with a question of its own (破机器人 直接告诉我去哪告他): heads the answer to the question. */
        insultAnswered: text,
        /** An instruction to play another role: declined, what the assistant does. */
        roleplay: text,
        /** Laughter or emoji alone. */
        laughter: text,
        /** An insult: an apology and the way to a person. */
        insult: text,
        /** Said instead of a conversation answer (greeting, thanks, 转人工) already given in full. */
        briefly: z.record(IntentId, text).default({}),
      })
      .strict(),
  })
  .strict();
export type ConversationFile = z.infer<typeof ConversationFile>;

/** Where a follow-up leads: an intent's answer (without its dialog), or a short text of its own. */
export const FollowUpTarget = z.union([
  z.object({ intent: IntentId }).strict(),
  z.object({ text, sources: z.array(z.string()).min(1, 'a follow-up answer names at least one source'), related: z.array(IntentId).default([]) }).strict(),
]);
export type FollowUpTarget = z.infer<typeof FollowUpTarget>;

const FollowUpTargets = z.record(FollowUpKind, FollowUpTarget);

export const FollowUpsFile = z
  .object({
    version: z.number().int().positive(),
    /** subject intent → what each kind of follow-up gets after that subject's answer. */
    subjects: z.record(IntentId, FollowUpTargets),
    /** For any subject without its own. */
    default: FollowUpTargets,
  })
  .strict();
export type FollowUpsFile = z.infer<typeof FollowUpsFile>;
