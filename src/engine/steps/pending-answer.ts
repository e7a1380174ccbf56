/**
 * The pending question is read first, in its own terms: a FAQ step's yes/no (by number, label,
 * its answer words, the common words, its patterns), the interview's items (facts named anywhere,
 * a bare answer, why it is asked, a change of an earlier answer). Only a message that is no answer
 * goes on to the classifier.
 */
import type { Step } from '../context';

export const pendingAnswer: Step = (ctx) => {
  if (!ctx.open) return undefined;
  const turn = ctx.runner.answer(ctx.open, ctx.input);
  if (!turn) return undefined;
  return ctx.respond.dialog(ctx, turn, ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start');
};
