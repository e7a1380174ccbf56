/** Console rendering: replies as text, choices as numbered lines the user answers with a digit. */
import { plainReply, type Reply, type TurnResult } from '../../engine/types';

export function formatReplies(replies: Reply[], choicesHeading?: string): string {
  return replies
    .map((r) => {
      const choices = (r.choices ?? []).map((c, i) => `  ${i + 1}. ${c}`);
      return [r.text, ...(choices.length && choicesHeading ? [choicesHeading] : []), ...choices].join('\n');
    })
    .join('\n\n');
}

/** A dialog asked its question again: the message was no answer to it (see dialogReasked in staff.ts). */
export interface Reasked {
  /** The intent the dialog reports its turns under (interview.start, or the FAQ's intent). */
  dialog: string;
  /** How many times in a row the question has now been asked again. */
  times: number;
  /** What the classifier alone made of the message. */
  classifier: { intent: string; confidence: number; reason?: string };
}

/**
 * The staff view adds what was decided and where the answer comes from. Sources the answer's own
 * 【来源】 line already shows are not repeated. A message the open dialog could not read is shown
 * as not understood, with the classifier's reading: the turn reports the dialog's intent at
 * confidence 1, which is not a decision about this message.
 */
export function formatStaffLine(result: TurnResult, reasked?: Reasked): string {
  const shown = result.replies.map((r) => r.text).join('\n');
  const unseen = result.sources.filter((s) => !shown.includes(s));
  const sources = unseen.length ? ` · 来源 ${unseen.join('；')}` : '';
  if (reasked) {
    const c = reasked.classifier;
    return `[未理解（fallback）· 对话 ${reasked.dialog} 重问当前问题（第${reasked.times}次）· 分类器 ${c.intent} ${c.confidence.toFixed(2)}${c.reason ? `（${c.reason}）` : ''}${sources}]`;
  }
  return `[意图 ${result.intent}${result.answer ? ` · 卡片 ${result.answer}` : ''} · 置信度 ${result.confidence.toFixed(2)}${sources}]`;
}

/** The JSON object of one turn for `jianli chat --jsonl` and the HTTP API. */
export function turnJson(result: TurnResult): Record<string, unknown> {
  return {
    intent: result.intent,
    ...(result.answer ? { answer: result.answer } : {}),
    confidence: result.confidence,
    replies: result.replies.map(plainReply),
    sources: result.sources,
    ...(result.end ? { end: true } : {}),
    ...(result.verdict ? { verdict: result.verdict } : {}),
  };
}
