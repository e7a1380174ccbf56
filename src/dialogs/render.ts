/**
 * Turns knowledge entries into reply text: answer body, regional note, citations and choices.
 */
import type { Answer, IntentId, RelatedRef } from '../schema/knowledge';
import type { Knowledge } from '../knowledge/load';
import type { PendingChoice } from './types';

/** Fills `{{name}}` placeholders from knowledge/messages.yaml, so shared text lives in one place. */
export function fillTemplate(text: string, k: Knowledge): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = (k.messages as unknown as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : whole;
  });
}

/** The titles of the cited sources, in citation order. */
export function sourceTitles(ids: string[], k: Knowledge): string[] {
  return [...new Set(ids)].map((id) => k.sources[id].title);
}

export type RegionDetail = 'materials' | 'nextSteps' | 'notes';

/**
 * A province's differences of the given kinds (knowledge/regions), with their source ids; none where
 * the article names none. `short` is each line without its caveat (a material's name, a step or
 * note up to its first aside), for when the same lines were already shown.
 */
export function regionDifferences(province: string, kinds: RegionDetail[], k: Knowledge): { lines: string[]; short: string[]; sources: string[] } {
  const r = k.rules.regions.get(province);
  const items = [
    ...(kinds.includes('materials') ? (r?.materials ?? []).map((m) => ({ text: `${m.name}：${m.requirement}`, short: m.name, source: m.source })) : []),
    ...(kinds.includes('nextSteps') ? (r?.nextSteps ?? []).map((n) => ({ ...n, short: mainClause(n.text) })) : []),
    ...(kinds.includes('notes') ? (r?.notes ?? []).map((n) => ({ ...n, short: mainClause(n.text) })) : []),
  ];
  return { lines: items.map((i) => i.text), short: items.map((i) => i.short), sources: items.map((i) => i.source) };
}

/** A line up to its first aside: （据介绍…） or the clause after ；. */
function mainClause(line: string): string {
  return line.split(/[（(；;]/u)[0].replace(/[，,。]$/u, '');
}

/**
 * A province's differences as a block under an answer. Already shown word for word (`said`), they
 * are named again in short under a heading that says so, not repeated.
 */
export function regionBlock(province: string, diffs: { lines: string[]; short: string[] }, k: Knowledge, said: (block: string) => boolean = () => false): string {
  const full = `${k.messages.regionAbout.replaceAll('{province}', province)}\n${diffs.lines.map((l) => `· ${l}`).join('\n')}`;
  if (!said(full)) return full;
  return `${k.conversation.say.regionAgain.replaceAll('{province}', province)}${diffs.short.join('；')}。`;
}

/**
 * One answer as text: body, then what varies by region, then where it comes from. With the user's
 * province and the answer's regionDetails, the province's own differences replace the general
 * regional note (which would say the same again); where it has none, a line says so under the note.
 */
export function renderAnswer(
  parts: { lead?: string; answer?: Answer; extraSources?: string[]; region?: { province: string; details: RegionDetail[] }; said?: (block: string) => boolean },
  k: Knowledge,
): { text: string; sources: string[] } {
  const diffs = parts.answer && parts.region?.details.length ? regionDifferences(parts.region.province, parts.region.details, k) : undefined;
  const ids = [...(parts.extraSources ?? []), ...(parts.answer?.sources ?? []), ...(diffs?.sources ?? [])];
  const sources = sourceTitles(ids, k);
  const blocks: string[] = [];
  if (parts.lead) blocks.push(fillTemplate(parts.lead.trim(), k));
  if (parts.answer) blocks.push(fillTemplate(parts.answer.text, k));
  const province = parts.region?.province ?? '';
  if (diffs?.lines.length) blocks.push(regionBlock(province, diffs, k, parts.said));
  else {
    const note = parts.answer?.regional ? `【${k.messages.regionalLabel}】${parts.answer.regional}` : undefined;
    // The same general note under an earlier answer is not said again.
    if (note && !parts.said?.(note)) blocks.push(note);
    if (diffs) blocks.push(k.messages.regionNothing.replaceAll('{province}', province));
  }
  if (sources.length) blocks.push(`【${k.messages.sourcesLabel}】${sources.join('；')}`);
  return { text: blocks.join('\n\n'), sources };
}

/** Related questions as pending choices, labelled with each intent's title. */
export function relatedChoices(refs: RelatedRef[], k: Knowledge): PendingChoice[] {
  return refs.map((ref) => {
    const intent: IntentId = typeof ref === 'string' ? ref : ref.intent;
    const label = typeof ref === 'string' ? titleOf(intent, k) : ref.label;
    return { label, target: { intent } };
  });
}

/** The label a user sees for an intent when it is offered as a choice. */
export function titleOf(intent: IntentId, k: Knowledge): string {
  if (intent === 'handoff.human') return k.messages.handoffChoice;
  return k.answers.get(intent)?.title ?? intent;
}
