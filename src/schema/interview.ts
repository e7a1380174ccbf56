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
const common = { ask: text, askFor: z.object({ reregister: text }).strict().optional(), why: text, sources: z.array(z.string()).min(1) };

const RegionQuestion = z
  .object({ kind: z.literal('region'), ...common, choices: z.array(text).min(2), skippable: z.boolean().default(false), fact: text, factFor: z.object({ reregister: text }).strict().optional() })
  .strict();

const ReasonQuestion = z
  .object({
    kind: z.literal('choice'),
    ...common,
    options: z.array(z.object({ value: z.enum(REASONS), label: text, patterns: z.array(pattern) }).strict()).min(2),
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
    fact: z.object({ true: text, false: text }).strict(),
  })
  .strict();

export const InterviewQuestion = z.discriminatedUnion('kind', [RegionQuestion, ReasonQuestion, YesNoQuestion]);
export type InterviewQuestion = z.infer<typeof InterviewQuestion>;

// eligibleWithWarnings: nothing blocks, but a warning changes the way (e.g. the employer refuses).
const byStatus = z.object({ eligible: text, eligibleWithWarnings: text, blocked: text, needs_info: text }).strict();

export const InterviewFile = z
  .object({
    version: z.number().int().positive(),
    intro: z.object({ deregister: text, reregister: text }).strict(),
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
        ...(Object.fromEntries(BOOLEAN_FIELDS.map((f) => [f, YesNoQuestion])) as Record<BooleanField, typeof YesNoQuestion>),
      })
      .strict(),
  })
  .strict();
export type InterviewFile = z.infer<typeof InterviewFile>;
