/**
 * The pending question is read first, in its own terms: a FAQ step's yes/no (by number, label,
 * its answer words, the common words, its patterns), the interview's items (facts named anywhere,
 * a bare answer, why it is asked, a change of an earlier answer). Only a message that is no answer
 * goes on to the classifier. Inside the interview, a message that states facts and also asks a
 * question of its own (还差20学时，有影响吗) gets both: the question answered, the facts noted, and
 * the interview goes on from them.
 */
import { isQuestion } from '../../nlu/answers';
import type { Step } from '../context';
import { answerCard } from './answer-card';

export const pendingAnswer: Step = (ctx) => {
  if (!ctx.open) return undefined;
  const turn = ctx.runner.answer(ctx.open, ctx.input);
  if (!turn) return undefined;
  const outcome = ctx.respond.dialog(ctx, turn, ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start');
  const asks =
    ctx.open.kind === 'interview' && turn.frame?.kind === 'interview' && !turn.frame.closed && isQuestion(ctx.normalized, ctx.k.conversation.words.questions);
  const facts = asks && Object.keys(ctx.stated).length > 0;
  const card = facts ? answerCard(ctx) : undefined;
  if (!card) return outcome;
  return {
    ...outcome,
    replies: [...card.replies.map((r) => ({ text: r.text })), ...outcome.replies],
    sources: [...card.sources, ...outcome.sources],
    answer: card.answer,
  };
};
