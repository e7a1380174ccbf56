/** An empty message (or only control characters): asked to type a question; nothing else changes. */
import type { Step } from '../context';

export const emptyInput: Step = (ctx) => {
  if (ctx.normalized) return undefined;
  return {
    intent: 'fallback',
    confidence: 1,
    replies: [{ text: ctx.k.messages.emptyInput }],
    sources: [],
    choices: ctx.state.choices,
    dialog: ctx.open ?? null,
  };
};
