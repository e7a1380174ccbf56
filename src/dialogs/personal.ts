/**
 * What the rule checker says about this person, put in front of a general answer: a redirect
 * (换单位 → 变更注册), blockers and warnings that follow from the facts they have stated.
 */
import type { Knowledge } from '../knowledge/load';
import type { Goal, Situation, SituationField } from '../schema/rules';
import type { Answer } from '../schema/knowledge';
import { checkEligibility } from '../rules/check';
import { describeFact } from './summary';

/** Whom an answer is for: the province and the facts the conversation has kept. */
export interface Who {
  region?: string;
  profile?: Omit<Situation, 'goal' | 'region'>;
}

/** Undefined when the user's facts change nothing in this answer. */
export function personalLead(goal: Goal, who: Who, k: Knowledge, covers: string[] = []): { text: string; sources: string[] } | undefined {
  const profile = who.profile ?? {};
  if (!Object.keys(profile).length) return undefined;
  const situation: Situation = { ...profile, goal };
  const v = checkEligibility(situation, k.rules);
  // What the answer is itself about (a refusing employer under the refusal answer) is not said twice.
  const findings = [...v.blockers, ...v.warnings].filter((f) => !covers.includes(f.code));
  if (!v.headline && !findings.length) return undefined;
  const spec = k.rules.rules.goals[v.goal];
  const known = [...spec.optional, ...spec.fields, ...k.rules.rules.goals[goal].fields].filter((f, i, all) => all.indexOf(f) === i && f !== 'region' && situation[f] !== undefined) as SituationField[];
  const facts = known.map((f) => describeFact(f, situation, k)).join('；');
  const lines = [
    ...(v.headline ? [v.headline] : []),
    // The first finding with what to do; the others by name, so the lead stays short.
    ...findings.map((f, i) => (i === 0 && !v.headline ? `${f.message}${f.remedy}` : f.message)),
  ];
  const sourceIds = [...spec.rules.filter((r) => findings.some((f) => f.code === r.code)).flatMap((r) => r.sources)];
  return { text: `${k.messages.personalLead.replace('{facts}', facts)}\n${lines.map((l) => `· ${l}`).join('\n')}`, sources: [...new Set(sourceIds)] };
}

/** The parts renderAnswer takes for a general answer under a personal lead (the lead, its sources, the answer marked 一般情况). */
export function personalParts(answer: Answer | undefined, personal: { text: string; sources: string[] } | undefined, k: Knowledge): { lead?: string; extraSources?: string[]; answer?: Answer } {
  if (!personal || !answer) return { answer };
  return { lead: personal.text, extraSources: personal.sources, answer: { ...answer, text: `${k.messages.inGeneral}${answer.text}` } };
}
