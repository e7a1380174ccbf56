/**
 * Interpreter for the FAQ follow-up dialogs in dialogs/: shows a step, waits for yes/no,
 * follows the transition. Dialog content is data; this file only walks it.
 */
import type { DialogFile, IntentId, Transition } from '../schema/knowledge';
import type { Knowledge } from '../knowledge/load';
import { relatedChoices, renderAnswer } from '../engine/render';
import { pattern } from './pattern';
import { personalLead, personalParts, type Who } from './personal';
import type { FlowPosition, PendingChoice, Reply } from '../engine/types';

/** What showing one step produces. */
export interface StepOutput {
  replies: Reply[];
  choices: PendingChoice[];
  sources: string[];
  /** Set while the dialog waits for an answer; undefined once it has ended. */
  flow?: FlowPosition;
}

/** Renders a step of a dialog; the caller stores `flow` and `choices` in the conversation. */
export function showStep(dialog: DialogFile, stepName: string, intent: IntentId, k: Knowledge, who: Who = {}): StepOutput {
  const step = dialog.steps[stepName];
  const entry = step.answer ? k.answers.get(step.answer) : undefined;
  const province = who.region;
  const region = province && entry ? { province, details: entry.regionDetails } : undefined;
  // An answer that depends on the user's facts leads with what applies to them.
  const personal = entry?.check ? personalLead(entry.check, who, k, entry.covers) : undefined;
  const parts = personalParts(entry?.answer, personal, k);
  const lead = [parts.lead, step.text].filter(Boolean).join('\n\n') || undefined;
  const body = renderAnswer({ ...parts, lead, extraSources: [...(parts.extraSources ?? []), ...(step.sources ?? [])], region }, k);
  if (step.ask) {
    const choices = yesNoChoices(step.ask);
    return {
      replies: [{ text: body.text }, { text: step.ask.text, choices: choices.map((c) => c.label) }],
      choices,
      sources: body.sources,
      flow: { id: dialog.id, step: stepName, intent, tries: 0 },
    };
  }
  const choices = relatedChoices(step.related, k);
  return { replies: [withChoices(body.text, choices)], choices, sources: body.sources };
}

/** A step question's two answers as pending choices. */
export function yesNoChoices(ask: { choices: { yes: string; no: string } }): PendingChoice[] {
  return [
    { label: ask.choices.yes, target: { answer: 'yes' } },
    { label: ask.choices.no, target: { answer: 'no' } },
  ];
}

/** Where a yes/no answer at the current step leads. */
export function transitionFor(dialog: DialogFile, stepName: string, answer: 'yes' | 'no'): Transition | undefined {
  return dialog.steps[stepName]?.ask?.on[answer];
}

/** A reply to the step's question in other words, by its patterns (no before yes). */
export function patternAnswer(dialog: DialogFile, stepName: string, normalized: string): 'yes' | 'no' | undefined {
  const patterns = dialog.steps[stepName]?.ask?.patterns;
  if (!patterns) return undefined;
  if (patterns.no.some((p) => pattern(p).test(normalized))) return 'no';
  if (patterns.yes.some((p) => pattern(p).test(normalized))) return 'yes';
  return undefined;
}

/** The re-ask for an answer that was not understood; after two misses the choices are numbered. */
export function reprompt(dialog: DialogFile, position: FlowPosition, pickNumber: string): Reply {
  const ask = dialog.steps[position.step].ask;
  const labels = ask ? [ask.choices.yes, ask.choices.no] : [];
  const text = position.tries >= 2 ? `${ask?.reprompt ?? ''}\n${pickNumber}` : (ask?.reprompt ?? pickNumber);
  return { text, choices: labels };
}

export function withChoices(text: string, choices: PendingChoice[]): Reply {
  return choices.length ? { text, choices: choices.map((c) => c.label) } : { text };
}
