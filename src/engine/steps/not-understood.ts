/**
 * Nothing before understood the message. Inside a dialog its question is asked again (the
 * interview says when it was a question it cannot answer); a FAQ follow-up not answered three
 * times is left, and one the user has moved on from (a question, a longer message) is dropped.
 * Another certificate's question is out of scope (the interview then asks again). Otherwise "not
 * understood", with the starter questions.
 */
import { isQuestion } from '../../nlu/answers';
import type { Step } from '../context';

export const notUnderstood: Step = (ctx) => {
  const u = ctx.understanding();
  const { k } = ctx;
  if (u.reason === 'other-domain') return ctx.respond.fallback(ctx, u.confidence, k.messages.otherDomain);
  // A FAQ follow-up asks its question again only for a short reply that asks nothing (嗯, 这个嘛);
  // anything longer, or a question, means the user has moved on: the follow-up is dropped.
  const moved =
    ctx.open?.kind === 'faq' &&
    ([...ctx.normalized].length > k.conversation.limits.repromptChars || isQuestion(ctx.normalized, k.conversation.words.questions));
  if (ctx.open && moved) return { ...ctx.respond.fallback(ctx, u.confidence), dialog: null };
  if (ctx.open) {
    const turn = ctx.runner.reprompt(ctx.open, ctx.input);
    if (!turn.left) return ctx.respond.dialog(ctx, turn, ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start');
    return { ...ctx.respond.fallback(ctx, u.confidence), dialog: null };
  }
  return ctx.respond.fallback(ctx, u.confidence);
};
