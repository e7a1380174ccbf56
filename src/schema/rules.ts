/**
 * Schemas of the rule checker's data (knowledge/rules.yaml, knowledge/materials.yaml,
 * knowledge/regions/*.yaml), of its input (a situation) and of its output (a verdict).
 */
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');
const version = z.number().int().positive();

/** deregister; reregister (with a new employer after a deregistration); change (变更注册: a new employer within the validity period, 第十二条). */
export const GOALS = ['deregister', 'reregister', 'change'] as const;
export const Goal = z.enum(GOALS);
export type Goal = z.infer<typeof Goal>;

export const REASONS = ['left_employer', 'changing_employer', 'leaving_industry', 'retired', 'employer_dissolved', 'registration_error', 'other'] as const;

/** Boolean facts of a situation, by name. Order here is only for the schema; rules.yaml orders the questions. */
export const BOOLEAN_FIELDS = [
  'unsettledProjects',
  'pendingAccidentLiability',
  'underPenaltyOrReview',
  'continuingEducationComplete',
  'employerCooperates',
  'laborContractTerminated',
  'previousRegistrationCleared',
  'newContractSigned',
] as const;
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];

export const SITUATION_FIELDS = ['region', 'reason', 'age', ...BOOLEAN_FIELDS] as const;
export const SituationField = z.enum(SITUATION_FIELDS);
export type SituationField = z.infer<typeof SituationField>;

const bool = (field: string) =>
  z.boolean({ invalid_type_error: `${field} must be true or false`, required_error: `${field} must be true or false` }).optional();

/** A situation as typed by a caller; `region` is resolved against the region data afterwards. */
export const SituationInput = z
  .object({
    goal: z.enum(GOALS, { errorMap: () => ({ message: `goal must be one of ${GOALS.join(', ')}` }) }).optional(),
    region: z.string({ invalid_type_error: 'region must be a province or city name, e.g. 江苏 / 江苏省 / jiangsu / 南京' }).trim().min(1).optional(),
    reason: z.enum(REASONS, { errorMap: () => ({ message: `reason must be one of ${REASONS.join(', ')}` }) }).optional(),
    age: z
      .number({ invalid_type_error: 'age must be a whole number of years, e.g. 58' })
      .int('age must be a whole number of years, e.g. 58')
      .min(16, 'age must be between 16 and 120')
      .max(120, 'age must be between 16 and 120')
      .optional(),
    ...(Object.fromEntries(BOOLEAN_FIELDS.map((f) => [f, bool(f)])) as Record<BooleanField, ReturnType<typeof bool>>),
  })
  .strict();

/** A situation with its region resolved to a province (the name used in knowledge/regions). */
export interface Situation {
  goal?: Goal;
  region?: string;
  reason?: (typeof REASONS)[number];
  /** Whole years. */
  age?: number;
  unsettledProjects?: boolean;
  pendingAccidentLiability?: boolean;
  underPenaltyOrReview?: boolean;
  continuingEducationComplete?: boolean;
  employerCooperates?: boolean;
  laborContractTerminated?: boolean;
  previousRegistrationCleared?: boolean;
  newContractSigned?: boolean;
}

/** A condition on one field of the situation: it equals a value, or (a number) is above one or at most one. */
export const Condition = z.union([
  z.object({ field: SituationField, equals: z.union([z.boolean(), z.string()]) }).strict(),
  z.object({ field: SituationField, above: z.number() }).strict(),
  z.object({ field: SituationField, atMost: z.number() }).strict(),
]);
export type Condition = z.infer<typeof Condition>;

export const Rule = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'codes are UPPER_SNAKE_CASE'),
    severity: z.enum(['blocker', 'warning']),
    when: Condition,
    /** A second condition that must hold too (CE not complete *and* retired). */
    also: Condition.optional(),
    /** Not raised when this holds (one condition, or a list meaning any of them). */
    unless: z.lazy(() => Conditions).optional(),
    /** Replaces the verdict's headline when this rule applies (e.g. 不需要注销). */
    headline: text.optional(),
    /** No remedy lifts it (over 65 → 不予注册): answers for this person leave out the general how-to and the offer of the check. */
    final: z.boolean().default(false),
    message: text,
    remedy: text,
    sources: z.array(z.string()).min(1, 'every rule names at least one source'),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

/** One condition or several (any of them). */
const Conditions = z.union([Condition, z.array(Condition).min(1)]);

/** `when` lists the step only if it holds; `unless` leaves it out (e.g. a step needing the employer). */
const NextStep = z.object({ text, sources: z.array(z.string()).min(1), when: Conditions.optional(), unless: Conditions.optional() }).strict();

const ApprovalDays = z.object({ min: z.number().int().positive(), max: z.number().int().positive(), sources: z.array(z.string()).min(1) }).strict();

export const GoalRules = z
  .object({
    /** The fields that can change this goal's verdict, in the order the interview asks them. */
    fields: z.array(SituationField).min(1),
    rules: z.array(Rule).min(1),
    /** Fields not asked (and not missing) when a condition holds: no consent letter from a company that is gone. */
    skip: z.array(z.object({ field: SituationField, when: Conditions }).strict()).default([]),
    nextSteps: z.object({ eligible: z.array(NextStep), blocked: z.array(NextStep), needs_info: z.array(NextStep) }).strict(),
    /** How long the authority takes to decide; only where the source gives a figure for this goal. */
    approvalDays: ApprovalDays.optional(),
    /** Another goal is the right procedure while a condition holds (changing employer → change, not deregister). */
    redirect: z.array(z.object({ when: Conditions, unless: Conditions.optional(), goal: Goal, headline: text }).strict()).default([]),
    /** Fields read when the user has said them but never asked (age). */
    optional: z.array(SituationField).default([]),
  })
  .strict();

/** knowledge/rules.yaml */
export const RulesFile = z
  .object({
    version,
    goals: z.object({ deregister: GoalRules, reregister: GoalRules, change: GoalRules }).strict(),
  })
  .strict();
export type RulesFile = z.infer<typeof RulesFile>;

export const Material = z
  .object({
    id: z.string().regex(/^[a-z_]+$/),
    name: text,
    requirement: text,
    source: z.string(),
    /** Listed only when this holds (any of them, for a list). */
    when: Conditions.optional(),
    /** Left out when this holds (any of them, for a list). */
    unless: Conditions.optional(),
  })
  .strict();
export type Material = z.infer<typeof Material>;

/** knowledge/materials.yaml */
export const MaterialsFile = z
  .object({
    version,
    goals: z.object({ deregister: z.array(Material).min(1), reregister: z.array(Material).min(1), change: z.array(Material).min(1) }).strict(),
  })
  .strict();
export type MaterialsFile = z.infer<typeof MaterialsFile>;

/** knowledge/regions/<province>.yaml: one province's differences, each with its source. */
export const RegionFile = z
  .object({
    version,
    province: text,
    code: z.string().regex(/^\d{6}$/, 'the six-digit GB/T 2260 code'),
    aliases: z.array(text).default([]),
    materials: z.array(Material.omit({ when: true, unless: true })).default([]),
    nextSteps: z.array(z.object({ text, source: z.string() }).strict()).default([]),
    notes: z.array(z.object({ text, source: z.string() }).strict()).default([]),
  })
  .strict();
export type RegionFile = z.infer<typeof RegionFile>;

/** One blocker or warning in a verdict. */
export interface Finding {
  code: string;
  message: string;
  remedy: string;
  source: string;
}

/** The checker's answer; the interview, the CLI and the API all return this object. */
export interface Verdict {
  goal: Goal;
  /** The goal the caller asked about when another is the right procedure (deregister → change). */
  redirectedFrom?: Goal;
  /** The headline of the first applying rule that sets one (e.g. 不需要注销). */
  headline?: string;
  status: 'eligible' | 'blocked' | 'needs_info';
  region?: string;
  blockers: Finding[];
  warnings: Finding[];
  missing: SituationField[];
  materials: { id: string; name: string; requirement: string; source: string }[];
  nextSteps: string[];
  notes: string[];
  /** Absent where the source gives no figure (re-registration). */
  approvalDays?: { min: number; max: number };
}
