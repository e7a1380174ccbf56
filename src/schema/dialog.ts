/**
 * Schema of the FAQ follow-up dialogs (dialogs/<id>.yaml). Each step's question declares the
 * answers it expects, in its own words, like the interview's questions do.
 */
import { z } from 'zod';
import { pattern } from './interview';
import { IntentId, RelatedRef } from './knowledge';
import { Goal, SituationInput } from './rules';

const text = z.string().trim().min(1, 'must not be empty');

/** Where a yes/no answer leads inside a dialog. */
export const Transition = z.union([
  z.object({ step: z.string() }).strict(),
  z.object({ intent: IntentId }).strict(),
  z.object({ end: z.literal(true) }).strict(),
  /** Hand over to the eligibility interview with what the dialog already learned. */
  z.object({ interview: z.object({ goal: Goal, prefill: SituationInput.omit({ goal: true, region: true }).default({}) }).strict() }).strict(),
]);
export type Transition = z.infer<typeof Transition>;

/** A step's question: what it asks, the answers it expects (yes/no) and where each leads. */
export const DialogQuestion = z
  .object({
    text,
    kind: z.literal('yesno'),
    /** The two answers as buttons / numbered lines: 1 is yes, 2 is no. */
    choices: z.object({ yes: text, no: text }).strict(),
    on: z.object({ yes: Transition, no: Transition }).strict(),
    /** Said once when the reply is neither an answer nor a question. */
    reprompt: text,
    /** Whole answers to this question besides the common yes/no words (好，帮我自查 / 不用了). */
    answers: z
      .object({ yes: z.array(text).default([]), no: z.array(text).default([]) })
      .strict()
      .default({}),
    /** Answers in other words (只有社保断缴记录 = yes), tried after the answer words; `no` before `yes`. */
    patterns: z
      .object({ yes: z.array(pattern).default([]), no: z.array(pattern).default([]) })
      .strict()
      .optional(),
  })
  .strict();
export type DialogQuestion = z.infer<typeof DialogQuestion>;

/** One step of a FAQ follow-up dialog. */
export const DialogStep = z
  .object({
    /** Text said at this step (before the referenced answer, if any). */
    text: z.string().optional(),
    sources: z.array(z.string()).default([]),
    /** Include the answer of this intent from knowledge/answers. */
    answer: IntentId.optional(),
    /** Question asked at the end of the step; the dialog waits for the reply. */
    ask: DialogQuestion.optional(),
    /** Related questions offered as choices when the step ends the dialog. */
    related: z.array(RelatedRef).default([]),
  })
  .strict()
  .refine((s) => s.text !== undefined || s.answer !== undefined, { message: 'a step needs text or answer' });
export type DialogStep = z.infer<typeof DialogStep>;

/** dialogs/<id>.yaml: a FAQ follow-up flow. */
export const DialogFile = z
  .object({
    version: z.number().int().positive(),
    id: z.string().regex(/^[a-z_]+$/),
    start: z.string(),
    steps: z.record(z.string(), DialogStep),
    /** A message matching one of these is not met with this follow-up (its questions do not fit: 我还在上班 has no proof of leaving to ask for). */
    notWhen: z.array(pattern).default([]),
  })
  .strict();
export type DialogFile = z.infer<typeof DialogFile>;
