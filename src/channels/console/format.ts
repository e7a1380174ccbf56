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

/** The staff view adds what the NLU decided and where the answer comes from. */
export function formatStaffLine(result: TurnResult): string {
  return `[意图 ${result.intent}${result.answer ? ` · 卡片 ${result.answer}` : ''} · 置信度 ${result.confidence.toFixed(2)}${result.sources.length ? ` · 来源 ${result.sources.join('；')}` : ''}]`;
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
