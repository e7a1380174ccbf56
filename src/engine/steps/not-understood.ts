/**
 * Nothing before understood the message. Inside a dialog its question is asked again (the
 * interview says when it was a question it cannot answer); a FAQ follow-up not answered three
 * times is left. Another certificate's question is out of scope (the interview then asks again).
 * Otherwise "not understood", with the starter questions.
 */
import type { Step } from '../context';

export const notUnderstood: Step = (ctx) => {
  const u = ctx.understanding();
  const { k } = ctx;
  if (u.reason === 'other-domain') return ctx.respond.fallback(ctx, u.confidence, k.messages.otherDomain);
  if (ctx.open) {
    const turn = ctx.runner.reprompt(ctx.open, ctx.input);
    if (!turn.left) return ctx.respond.dialog(ctx, turn, ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start');
    return { ...ctx.respond.fallback(ctx, u.confidence), dialog: null };
  }
  return ctx.respond.fallback(ctx, u.confidence);
};
