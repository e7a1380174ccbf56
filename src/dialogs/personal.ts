/**
 * What the rule checker says about this person, put in front of a general answer: a redirect
 * (换单位 → 变更注册), blockers and warnings that follow from the facts they have stated.
 */
import type { Knowledge } from '../knowledge/load';
import type { Goal, Situation, SituationField } from '../schema/rules';
import type { Answer, AnswerFile } from '../schema/knowledge';
import { checkEligibility, goalFor } from '../rules/check';
import { describeFact } from './summary';
import type { Who } from './types';
import { renderAnswer } from './render';

export type { Who } from './types';

/** Undefined when the user's facts change nothing in this answer. */
export function personalLead(goal: Goal, who: Who, k: Knowledge, covers: string[] = []): { text: string; sources: string[]; final?: boolean } | undefined {
  const profile = who.profile ?? {};
  if (!Object.keys(profile).length) return undefined;
  const asked = goalFor(goal, profile);
  const situation: Situation = { ...profile, goal: asked };
  const v = checkEligibility(situation, k.rules);
  // What the answer is itself about (a refusing employer under the refusal answer) is not said twice.
  const findings = [...v.blockers, ...v.warnings].filter((f) => !covers.includes(f.code));
  if (!v.headline && !findings.length) return undefined;
  const spec = k.rules.rules.goals[v.goal];
  // The facts the goals read, then any other fact stated (换单位 leads a re-registration answer to 变更).
  const known = [...spec.optional, ...spec.fields, ...k.rules.rules.goals[asked].fields, ...(Object.keys(profile) as SituationField[])].filter(
    (f, i, all) => all.indexOf(f) === i && f !== 'region' && situation[f] !== undefined && k.interview.fields[f] !== undefined,
  );
  const facts = known.map((f) => describeFact(f, situation, k)).join('；');
  const lines = [
    ...(v.headline ? [v.headline] : []),
    // The first finding with what to do; the others by name, so the lead stays short.
    ...findings.map((f, i) => (i === 0 && !v.headline ? `${f.message}${f.remedy}` : f.message)),
  ];
  const applied = spec.rules.filter((r) => findings.some((f) => f.code === r.code));
  const sourceIds = applied.flatMap((r) => r.sources);
  // A blocker no remedy lifts: the general how-to that follows would only contradict it.
  const final = applied.some((r) => r.final && r.severity === 'blocker');
  return { text: `${k.messages.personalLead.replace('{facts}', facts).replace('（）', '')}\n${lines.map((l) => `· ${l}`).join('\n')}`, sources: [...new Set(sourceIds)], final };
}

/**
 * The parts renderAnswer takes for a general answer under a personal lead (the lead, its sources,
 * the answer marked 一般情况). A lead the conversation already said word for word is not said again.
 */
export function personalParts(
  answer: Answer | undefined,
  personal: { text: string; sources: string[]; final?: boolean } | undefined,
  k: Knowledge,
  said: (block: string) => boolean = () => false,
): { lead?: string; extraSources?: string[]; answer?: Answer } {
  if (!personal || !answer || said(personal.text)) return { answer };
  // What no remedy lifts stands alone: no general answer after it.
  if (personal.final) return { lead: personal.text, extraSources: personal.sources };
  return { lead: personal.text, extraSources: personal.sources, answer: { ...answer, text: `${k.messages.inGeneral}${answer.text}` } };
}

/**
 * An answer as this person gets it: what applies to them first (when the answer depends on their
 * facts), the general answer, their province's differences and the sources. A dialog step's own
 * words (`step.text`) come before the answer, its sources after the lead's. Findings in `covered`
 * (what the answer a follow-up is about already said) are not led with again.
 */
export function answerFor(
  entry: AnswerFile | undefined,
  who: Who,
  k: Knowledge,
  said: (block: string) => boolean,
  step: { text?: string; sources?: string[] } = {},
  covered: string[] = [],
): { text: string; sources: string[] } {
  const personal = entry?.check ? personalLead(entry.check, who, k, [...entry.covers, ...covered]) : undefined;
  const parts = personalParts(entry?.answer, personal, k, said);
  const region = who.region && entry ? { province: who.region, details: entry.regionDetails } : undefined;
  const lead = [parts.lead, step.text].filter(Boolean).join('\n\n') || undefined;
  return renderAnswer({ ...parts, lead, extraSources: [...(parts.extraSources ?? []), ...(step.sources ?? [])], region, said }, k);
}
