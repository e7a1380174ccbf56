/** Schema of dialogs/interview.yaml: how the eligibility interview asks and reads each field. */
import { z } from 'zod';
import { BOOLEAN_FIELDS, REASONS, type BooleanField } from './rules';

const text = z.string().trim().min(1, 'must not be empty');

/** A regular expression kept as text in the data file; checked to compile at load time. */
export const pattern = z.string().refine(
  (p) => {
    try {
      new RegExp(p, 'u');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

// askFor: the question worded for one goal (re-registration asks for the new employer's province).
const perGoal = z.object({ reregister: text.optional(), change: text.optional() }).strict();
const common = { ask: text, askFor: perGoal.optional(), why: text, sources: z.array(z.string()).min(1) };

const RegionQuestion = z
  .object({
    kind: z.literal('region'),
    ...common,
    choices: z.array(text).min(2),
    skippable: z.boolean().default(false),
    fact: text,
    factFor: perGoal.optional(),
  })
  .strict();

const ReasonQuestion = z
  .object({
    kind: z.literal('choice'),
    ...common,
    // precedence: when one message matches several options, the highest wins (a revoked firm outranks 去新公司).
    // denied: a message that says it is not so (没破产, 未宣告破产) clears this reason from what was said before.
    options: z
      .array(
        z
          .object({
            value: z.enum(REASONS),
            label: text,
            patterns: z.array(pattern),
            precedence: z.number().int().default(0),
            denied: z.array(pattern).default([]),
          })
          .strict(),
      )
      .min(2),
    fact: text,
  })
  .strict();

const YesNoQuestion = z
  .object({
    kind: z.literal('yesno'),
    ...common,
    /** A "yes" to the question means the field is true. */
    choices: z.object({ yes: text, no: text }).strict(),
    patterns: z.object({ true: z.array(pattern), false: z.array(pattern) }).strict(),
    /** Whole answers to this question besides the common yes/no words (同意 to the consent question, 已经解除 to the contract question). */
    answers: z
      .object({ yes: z.array(text).default([]), no: z.array(text).default([]) })
      .strict()
      .default({}),
    fact: z.object({ true: text, false: text }).strict(),
  })
  .strict();

/** A number said in words or digits (age); each pattern's first group is the number. */
const NumberQuestion = z.object({ kind: z.literal('number'), ...common, patterns: z.array(pattern).min(1), fact: text }).strict();

export const InterviewQuestion = z.discriminatedUnion('kind', [RegionQuestion, ReasonQuestion, YesNoQuestion, NumberQuestion]);
export type InterviewQuestion = z.infer<typeof InterviewQuestion>;

// eligibleWithWarnings: nothing blocks, but a warning changes the way (e.g. the employer refuses).
const byStatus = z.object({ eligible: text, eligibleWithWarnings: text, blocked: text, needs_info: text }).strict();

export const InterviewFile = z
  .object({
    version: z.number().int().positive(),
    intro: z.object({ deregister: text, reregister: text, change: text }).strict(),
    /** Said when the checker moves the interview to another goal (changing employer → 变更注册). */
    redirected: text,
    known: text,
    noted: text,
    corrected: text,
    notUnderstood: text,
    /** A question asked mid-interview that no answer covers. */
    cannotAnswer: text,
    pickNumber: text,
    whyPrefix: text,
    restarted: text,
    quit: text,
    sideAnswerThen: text,
    skipped: text,
    amendUnknown: text,
    amendWhich: text,
    whyWords: z.array(text),
    amendPatterns: z.array(pattern),
    correctionWords: z.array(text),
    skipWords: z.array(text),
    summary: z
      .object({
        title: byStatus,
        titleReregister: byStatus,
        titleChange: byStatus,
        facts: text,
        /** Heads the items left open that could still change the verdict. */
        toConfirm: text,
        blockers: text,
        remedy: text,
        warnings: text,
        materials: text,
        nextSteps: text,
        notes: text,
        window: text,
        regionUnknown: text,
        source: text,
      })
      .strict(),
    fields: z
      .object({
        region: RegionQuestion,
        reason: ReasonQuestion,
        age: NumberQuestion,
        ...(Object.fromEntries(BOOLEAN_FIELDS.map((f) => [f, YesNoQuestion])) as Record<BooleanField, typeof YesNoQuestion>),
      })
      .strict(),
  })
  .strict();
export type InterviewFile = z.infer<typeof InterviewFile>;
