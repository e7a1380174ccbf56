/**
 * Control words. Inside a dialog the runner owns them (退出/算了 leave it, 重新开始 starts it
 * again, 转人工 gets the way to a person and the interview's question again); outside one, 退出
 * ends the conversation and 重新开始 greets again.
 */
import { answerWords, isExactly } from '../../nlu/answers';
import { withChoices } from '../../dialogs/faq';
import { relatedChoices } from '../../dialogs/render';
import type { Step } from '../context';

export const controlWords: Step = (ctx) => {
  const { k } = ctx;
  if (ctx.open) {
    const control = ctx.runner.control(ctx.open, ctx.input);
    if (!control) return undefined;
    if ('handoff' in control) return ctx.respond.plain(ctx, 'handoff.human', 1);
    const intent = ctx.open.kind === 'faq' ? ctx.open.intent : 'interview.start';
    return ctx.respond.dialog(ctx, control.turn, intent);
  }
  const { particles } = answerWords(k);
  if (isExactly(ctx.normalized, k.nlu.quit, particles)) {
    return { intent: 'chitchat.thanks', confidence: 1, replies: [{ text: k.messages.goodbye }], sources: [], choices: [], end: true };
  }
  if (isExactly(ctx.normalized, k.nlu.restart, particles)) {
    const choices = relatedChoices(k.answers.get('chitchat.greeting')?.related ?? [], k);
    // Greeted before: the short greeting.
    const again = ctx.state.answered.includes('chitchat.greeting') ? k.conversation.say.briefly['chitchat.greeting'] : undefined;
    return {
      intent: 'chitchat.greeting',
      confidence: 1,
      replies: [withChoices(again ?? k.messages.greeting, choices)],
      sources: [],
      choices,
      answered: ['chitchat.greeting'],
    };
  }
  return undefined;
};
