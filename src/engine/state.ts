/**
 * Reading a stored conversation state, whatever version wrote it, and the questions others ask of
 * it (is an interview running? what did the last check find?). Stored states of version 1 kept
 * `flow`, `interview` and `lastCheck` beside each other; they become one stack of frames.
 */
import type { InterviewState } from '../dialogs/interview';
import type { FaqFrame, Frame, InterviewFrame, PendingChoice } from '../dialogs/types';
import { newConversationState, type ConversationState } from './types';

/** A version-1 state as the stores may still hold it. */
interface StateV1 {
  version?: 1;
  flow?: { id?: unknown; step?: unknown; intent?: unknown; tries?: unknown; idle?: unknown };
  interview?: InterviewState;
  lastCheck?: InterviewState;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A usable interview state, or undefined (a damaged one is dropped rather than crash a turn). */
function interviewState(v: unknown): InterviewState | undefined {
  if (!isObject(v) || typeof v.goal !== 'string' || !isObject(v.situation)) return undefined;
  return {
    ...(v as unknown as InterviewState),
    asked: strings(v.asked) as InterviewState['asked'],
    skipped: strings(v.skipped) as InterviewState['skipped'],
    tries: typeof v.tries === 'number' ? v.tries : 0,
  };
}

/** The frames a version-1 state described: the finished check under the open dialog. */
function framesOfV1(old: StateV1): Frame[] {
  const frames: Frame[] = [];
  const running = interviewState(old.interview);
  if (running) return [{ kind: 'interview', check: running }];
  const last = interviewState(old.lastCheck);
  if (last) frames.push({ kind: 'interview', check: { ...last, current: undefined }, closed: true });
  const f = old.flow;
  if (isObject(f) && typeof f.id === 'string' && typeof f.step === 'string' && typeof f.intent === 'string') {
    const faq: FaqFrame = { kind: 'faq', dialog: f.id, step: f.step, intent: f.intent as FaqFrame['intent'], tries: typeof f.tries === 'number' ? f.tries : 0 };
    frames.push(f.idle === true ? { ...faq, aside: true } : faq);
  }
  return frames;
}

/**
 * Any stored state as the current version: a version-1 state is migrated (its flow, interview and
 * last check become frames; yes/no choices become the dialog's answers), anything unreadable
 * starts afresh. Never throws.
 */
export function readState(stored: unknown): ConversationState {
  if (!isObject(stored)) return newConversationState();
  const fresh = newConversationState();
  const base = { ...fresh, ...(stored as Partial<ConversationState>) };
  const choices: PendingChoice[] = (Array.isArray(stored.choices) ? stored.choices : []).flatMap((c): PendingChoice[] => {
    if (!isObject(c) || typeof c.label !== 'string' || !isObject(c.target)) return [];
    const t = c.target;
    if (typeof t.intent === 'string') return [{ label: c.label, target: { intent: t.intent as never } }];
    if (typeof t.card === 'string') return [{ label: c.label, target: { card: t.card } }];
    // Version 1 kept 'yes' / 'no'; the dialog reads the label itself now.
    if (typeof t.answer === 'string') return [{ label: c.label, target: { answer: c.label } }];
    return [];
  });
  const state: ConversationState = {
    ...base,
    version: 2,
    stack: stored.version === 2 && Array.isArray(stored.stack) ? (stored.stack as Frame[]) : framesOfV1(stored as StateV1),
    choices,
    answered: strings(stored.answered) as ConversationState['answered'],
    said: strings(stored.said),
    lastSources: strings(stored.lastSources),
    fallbackStreak: typeof stored.fallbackStreak === 'number' ? stored.fallbackStreak : 0,
    turns: typeof stored.turns === 'number' ? stored.turns : 0,
  };
  // Fields of version 1 that are frames now.
  for (const old of ['flow', 'interview', 'lastCheck'] as const) delete (state as unknown as Record<string, unknown>)[old];
  return state;
}

/** The dialog waiting for an answer, if any (the last frame, unless it is a finished check). */
export function openFrame(state: Pick<ConversationState, 'stack'>): Frame | undefined {
  const top = state.stack.at(-1);
  return top && !(top.kind === 'interview' && top.closed) ? top : undefined;
}

/** The eligibility interview in progress, if one is (reads stored states of any version). */
export function activeInterview(stored: unknown): InterviewState | undefined {
  if (!isObject(stored)) return undefined;
  const top = openFrame(readState(stored));
  return top?.kind === 'interview' ? top.check : undefined;
}

/** The last finished eligibility check, kept for corrections after its verdict (any version). */
export function finishedCheck(stored: unknown): InterviewState | undefined {
  if (!isObject(stored)) return undefined;
  return readState(stored).stack.find((f): f is InterviewFrame => f.kind === 'interview' && f.closed === true)?.check;
}
