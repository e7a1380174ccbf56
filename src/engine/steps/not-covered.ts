/**
 * A question of the domain the article does not answer (注销要收费吗): said plainly instead of the
 * nearest answer, which would mislead. Inside the interview its question is asked again after it.
 */
import { withChoices } from '../../dialogs/faq';
import type { Step } from '../context';

export const notCovered: Step = (ctx) => {
  const n = ctx.normalized;
  if (!ctx.k.conversation.words.notCoveredAnchors.some((w) => n.includes(w))) return undefined;
  const gap = ctx.k.messages.notCovered.find((g) => g.words.some((w) => n.includes(w)) && !g.unless.some((w) => n.includes(w)));
  if (!gap) return undefined;
  const choices = ctx.respond.starters();
  return { intent: 'fallback', confidence: 1, replies: [withChoices(gap.text, choices)], sources: [], choices };
};
