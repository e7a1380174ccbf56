/**
 * The shared rule checker: (situation, rule book) → verdict. Pure: no I/O, no clock.
 * The interview, `jianli check`, the HTTP API and the staff console all call checkEligibility.
 */
import type { Condition, Finding, Goal, MaterialsFile, RegionFile, RulesFile, Situation, SituationField, Verdict } from '../schema/rules';

/** Everything the checker reads, loaded and validated by the knowledge loader. */
export interface RuleBook {
  rules: RulesFile;
  materials: MaterialsFile;
  /** province → its regional differences */
  regions: Map<string, RegionFile>;
  /** source id → title, for citations */
  sourceTitle: (id: string) => string;
}

export function holds(c: Condition | Condition[], s: Situation): boolean {
  if (Array.isArray(c)) return c.some((one) => holds(one, s));
  const value = s[c.field];
  if ('above' in c) return typeof value === 'number' && value > c.above;
  if ('atMost' in c) return typeof value === 'number' && value <= c.atMost;
  return value !== undefined && value === c.equals;
}

/** A data item with optional `when` / `unless` conditions applies to this situation. */
const applies = (item: { when?: Condition | Condition[]; unless?: Condition | Condition[] }, s: Situation) =>
  (!item.when || holds(item.when, s)) && !(item.unless && holds(item.unless, s));

/** The goal a person asks about, for their facts: someone already deregistered has nothing to deregister, registering again applies. */
export function goalFor(asked: Goal, facts: Situation): Goal {
  return asked === 'deregister' && facts.previousRegistrationCleared === true ? 'reregister' : asked;
}

/** The goal whose procedure applies: the one asked, or the one it redirects to (changing employer → change). */
export function effectiveGoal(situation: Situation, book: RuleBook): { goal: Goal; headline?: string } {
  const asked: Goal = situation.goal ?? 'deregister';
  const to = book.rules.goals[asked].redirect.find((r) => applies(r, situation));
  return to ? { goal: to.goal, headline: to.headline } : { goal: asked };
}

/** Checks a situation for a goal (default: deregister). */
export function checkEligibility(situation: Situation, book: RuleBook): Verdict {
  const asked: Goal = situation.goal ?? 'deregister';
  const { goal, headline: redirected } = effectiveGoal(situation, book);
  const spec = book.rules.goals[goal];
  const cite = (ids: string[]) => ids.map(book.sourceTitle).join('；');

  const findings = spec.rules.filter((r) => holds(r.when, situation) && (!r.also || holds(r.also, situation)) && !(r.unless && holds(r.unless, situation)));
  const headline = redirected ?? findings.find((r) => r.headline)?.headline;
  const toFinding = (r: (typeof findings)[number]): Finding => ({ code: r.code, message: r.message, remedy: r.remedy, source: cite(r.sources) });
  const blockers = findings.filter((r) => r.severity === 'blocker').map(toFinding);
  const warnings = findings.filter((r) => r.severity === 'warning').map(toFinding);

  const skipped = new Set(spec.skip.filter((k) => holds(k.when, situation)).map((k) => k.field));
  const missing = spec.fields.filter((f) => situation[f] === undefined && !skipped.has(f)) as SituationField[];
  const blockerFields = new Set(spec.rules.filter((r) => r.severity === 'blocker').map((r) => r.when.field));
  const status: Verdict['status'] = blockers.length ? 'blocked' : missing.some((f) => blockerFields.has(f)) ? 'needs_info' : 'eligible';

  const region = situation.region ? book.regions.get(situation.region) : undefined;
  const materials = [...book.materials.goals[goal].filter((m) => applies(m, situation)), ...(goal === 'deregister' ? (region?.materials ?? []) : [])].map(
    (m) => ({ id: m.id, name: m.name, requirement: m.requirement, source: book.sourceTitle(m.source) }),
  );

  const nextSteps = spec.nextSteps[status].filter((n) => applies(n, situation)).map((n) => n.text);
  // Regional steps (e.g. a paper receipt) belong to the application itself, not to clearing a blocker.
  if (status !== 'blocked' && goal === 'deregister') nextSteps.push(...(region?.nextSteps ?? []).map((n) => n.text));

  return {
    goal,
    ...(goal !== asked ? { redirectedFrom: asked } : {}),
    ...(headline ? { headline } : {}),
    status,
    ...(situation.region ? { region: situation.region } : {}),
    blockers,
    warnings,
    missing,
    materials,
    nextSteps,
    notes: (region?.notes ?? []).map((n) => n.text),
    ...(spec.approvalDays ? { approvalDays: { min: spec.approvalDays.min, max: spec.approvalDays.max } } : {}),
  };
}
