/**
 * A message that tells facts and asks nothing the classifier can name (我爸67了; 其实我是想换个单位): what the
 * rule checker finds for this person — a redirect, a lapse, a blocker — is the answer, with the
 * check and the next questions offered. Facts that change nothing (or were just said) pass on.
 */
import { withChoices } from '../../dialogs/faq';
import { personalLead } from '../../dialogs/personal';
import { relatedChoices, sourceTitles } from '../../dialogs/render';
import type { Subject } from '../../schema/cards';
import type { Situation } from '../../schema/rules';
import { questionClauses, type Step, type TurnContext } from '../context';
import type { Outcome } from '../outcome';
import { namedProcedures } from '../card-ranking';

/** The subject later follow-ups are about, by the fact stated (a lapse by age, a firm gone…). */
function subjectOf(stated: Situation): Subject {
  if (stated.reason === 'changing_employer') return 'change.registration';
  if (stated.reason === 'employer_dissolved') return 'case.employer_bankrupt';
  if (stated.age !== undefined) return 'age.over65';
  if (stated.unsettledProjects !== undefined || stated.pendingAccidentLiability !== undefined || stated.underPenaltyOrReview !== undefined)
    return 'process.blockers';
  if (stated.continuingEducationComplete !== undefined) return 'info.continuing_education';
  if (stated.employerCooperates === false) return 'faq.employer_refusal';
  return 'info.reasons';
}

export const factStatement: Step = (ctx) => {
  // A correction of what was said (不对，我记错了，是跳槽) is answered by what its facts change, whatever it also asks.
  // A message the classifier reads as a question of a subject (单位不配合, 公司破产了注册还挂着) is answered as one.
  if (!ctx.correcting && (questionClauses(ctx.normalized, ctx.k).length || ctx.understanding().decision === 'answer')) return undefined;
  return whatFactsChange(ctx);
};

/**
 * A question nothing understood, asked with facts (下个月从湖南的公司去广东一个设计院，证咋弄): what the
 * rule checker finds for those facts answers it — better than "not understood".
 */
export const factsOfUnclearQuestion: Step = (ctx) => (ctx.understanding().decision === 'answer' ? undefined : whatFactsChange(ctx));

/** What the facts this message states change (the checker's findings for them alone), unless said before. */
export function factsLead(ctx: TurnContext): { text: string; sources: string[] } | undefined {
  if (!Object.keys(ctx.stated).length) return undefined;
  // Findings for deregistering say nothing to a message about another procedure only (延续还来得及不，学时没学够:
  // "学时不挡注销" would mislead).
  const named = namedProcedures(ctx);
  if (named.length && !named.includes(ctx.k.cards.settings.ownProcedure)) return undefined;
  const lead = personalLead('deregister', { region: ctx.who.region, profile: ctx.stated }, ctx.k);
  return lead && !ctx.said(lead.text) ? lead : undefined;
}

/** What the rule checker finds for the facts this message states, with the check and the next questions offered. */
function whatFactsChange(ctx: TurnContext): Outcome | undefined {
  // A bare number is a choice or an answer, never a statement (111 is no age).
  if (ctx.open?.kind === 'interview' || !Object.keys(ctx.stated).length || /^\d+$/u.test(ctx.normalized)) return undefined;
  const lead = factsLead(ctx);
  if (!lead) return undefined;
  const { k } = ctx;
  const sources = sourceTitles(lead.sources, k);
  const text = [lead.text, ...(sources.length ? [`【${k.messages.sourcesLabel}】${sources.join('；')}`] : [])].join('\n\n');
  const choices = relatedChoices(['interview.start', 'process.steps', 'handoff.human'], k);
  const subject = subjectOf(ctx.stated);
  return { intent: subject, confidence: 1, replies: [withChoices(text, choices)], sources, choices, subject };
}
