/**
 * A correction after the verdict (我刚才说错了，单位其实不愿意出函; 改一下第2个; 不对) reopens the
 * finished check: a new verdict, or the item asked again.
 */
import type { Step } from '../context';

export const correction: Step = (ctx) => {
  if (!ctx.closed) return undefined;
  const turn = ctx.runner.reopen(ctx.closed, ctx.input);
  return turn && ctx.respond.dialog(ctx, turn, 'interview.start');
};
