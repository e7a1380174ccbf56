/**
 * A number or the exact label of one of the last reply's choices, when no dialog waits (a dialog
 * reads its own choices as answers to its question): the related question, suggestion or starter
 * picked. A number that is no choice is said so, the choices kept.
 */
import { normalizeLabel } from '../../nlu/normalize';
import type { Step, TurnContext } from '../context';
import type { Outcome } from '../outcome';
import type { PendingChoice } from '../../dialogs/types';
import { answer as answerCard } from '../card-answer';

export const pickChoice: Step = (ctx) => {
  const { choices } = ctx.state;
  if (ctx.open || !choices.length) return undefined;
  const n = ctx.normalized;
  if (/^\d{1,3}$/u.test(n)) {
    const choice = choices[Number(n) - 1];
    if (!choice) {
      return {
        intent: 'fallback',
        confidence: 1,
        replies: [{ text: ctx.k.messages.choiceOutOfRange, choices: choices.map((c) => c.label) }],
        sources: [],
        choices,
      };
    }
    return picked(ctx, choice);
  }
  const choice = choices.find((c) => normalizeLabel(c.label) === n);
  return choice ? picked(ctx, choice) : undefined;
};

/** An intent's answer or an answer card, as the choice leads. */
function picked(ctx: TurnContext, choice: PendingChoice): Outcome | undefined {
  if ('intent' in choice.target) return ctx.respond.answer(ctx, choice.target.intent, 1);
  if ('card' in choice.target) {
    const card = ctx.k.cards.byId.get(choice.target.card);
    return card ? answerCard(ctx, card, 1) : undefined;
  }
  return undefined;
}
