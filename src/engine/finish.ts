/**
 * The bookkeeping common to every turn: an aside inside a dialog, the dialog stack, the way to a
 * person after a second miss, the privacy note, the repeat guard, the profile, the subject and the
 * counters.
 */
import type { Frame } from '../dialogs/types';
import type { TurnContext } from './context';
import type { Outcome } from './outcome';
import { foldRepeats } from './said';
import { openFrame } from './state';
import type { ConversationState, TurnResult } from './types';

/** The stack after a turn: the open dialog replaced, ended or kept; an interview frame replaces everything. */
export function nextStack(stack: Frame[], dialog: Frame | null | undefined): Frame[] {
  if (dialog === undefined) return stack;
  const base = (openFrame({ stack }) ? stack.slice(0, -1) : stack).filter((f) => f.kind === 'interview' && f.closed);
  if (dialog === null) return base;
  return dialog.kind === 'interview' ? [dialog] : [...base, dialog];
}

/** Bookkeeping common to every turn. */
export function finish(ctx: TurnContext, o: Outcome): TurnResult {
  const { k, state } = ctx;
  // An aside while a dialog waited: the dialog asks again, or (a FAQ follow-up) is dropped.
  if (o.dialog === undefined && ctx.open) {
    const resumed = ctx.runner.resume(ctx.open, o.aside ?? 'question');
    o = resumed
      ? { ...o, replies: [...o.replies.map((r) => ({ text: r.text })), resumed.reply], choices: ctx.runner.choices(resumed.frame), dialog: resumed.frame }
      : { ...o, dialog: null };
  }
  // A second miss in a row, whatever path it took (suggestions, a wrong number), gives the way to a person.
  // A remark not understood as a question (laughter, a role-play instruction) is no miss: it neither counts nor gets the way to a person.
  const miss = o.intent === 'fallback' && o.aside !== 'remark';
  const hotline = k.messages.hotline;
  if (miss && state.fallbackStreak >= 1 && !o.replies.some((r) => r.text.includes(hotline))) {
    o = { ...o, replies: [...o.replies, { text: ctx.said(hotline) ? k.conversation.say.hotlineAgain : hotline }] };
  }
  if (ctx.masked) o = { ...o, replies: [{ text: k.messages.personalData }, ...o.replies] };
  const folded = foldRepeats(o.replies, state.said, k.messages.sourcesLabel, k.conversation.say.seeAbove);

  const stack = nextStack(state.stack, o.dialog);
  const check = o.dialog?.kind === 'interview' ? o.dialog.check : undefined;
  const { goal: _goal, region: _region, ...facts } = check?.situation ?? {};
  const next: ConversationState = {
    ...state,
    stack,
    ...(check ? { profile: { ...state.profile, ...facts } } : {}),
    // The deregistration check's province is the user's; re-registration asks for the new employer's.
    region: check?.goal === 'deregister' && check.situation.region ? check.situation.region : o.keepRegion ? ctx.stored.region : state.region,
    choices: o.choices,
    turns: state.turns + 1,
    fallbackStreak: miss ? state.fallbackStreak + 1 : o.intent === 'fallback' ? state.fallbackStreak : 0,
    lastIntent: o.intent,
    lastSources: o.sources.length ? o.sources : state.lastSources,
    subject: o.subject ?? state.subject,
    lastCard: o.answer ?? (o.subject ? undefined : state.lastCard),
    answered: [...new Set([...state.answered, ...(o.answered ?? [])])],
    said: folded.said,
  };
  if (next.region === undefined) delete next.region;
  if (next.subject === undefined) delete next.subject;
  if (next.lastCard === undefined) delete next.lastCard;
  return {
    state: next,
    intent: o.intent,
    confidence: round(o.confidence),
    replies: folded.replies,
    sources: o.sources,
    ...(o.end ? { end: true } : {}),
    ...(o.verdict ? { verdict: o.verdict } : {}),
    ...(o.answer ? { answer: o.answer } : {}),
  };
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
