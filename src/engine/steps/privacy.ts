/**
 * Privacy: a message that was nothing but personal data (an ID-card or mobile number, taken out
 * before reading) gets only the privacy note (added by the bookkeeping); the dialogs and choices
 * stay as they were.
 */
import type { Step } from '../context';

export const privacyOnly: Step = (ctx) => {
  if (!ctx.masked || ctx.normalized) return undefined;
  return { intent: 'fallback', confidence: 1, replies: [], sources: [], choices: ctx.state.choices, dialog: ctx.open ?? null };
};
