/**
 * "Never the same long answer twice": the blocks (paragraphs) of every reply in a conversation,
 * and the ones said again verbatim. Citation blocks (【来源】…) are not answers and may recur.
 */

/** A block at least this long said twice is a repeat (a short question asked again is not). */
export const REPEAT_MIN_CHARS = 60;

export interface Repeat {
  block: string;
  first: number;
  again: number;
}

/** The paragraphs of a reply text, trimmed, without citation blocks. */
export function blocksOf(text: string, sourcesLabel: string): string[] {
  return text
    .split(/\n\s*\n/u)
    .map((b) => b.trim())
    .filter((b) => b && !b.startsWith(`【${sourcesLabel}】`));
}

/** Every block of REPEAT_MIN_CHARS or more that a later turn (or the same turn) says again. */
export function repeatedBlocks(turns: { replies: { text: string }[] }[], sourcesLabel: string, min = REPEAT_MIN_CHARS): Repeat[] {
  const seen = new Map<string, number>();
  const repeats: Repeat[] = [];
  turns.forEach((turn, i) => {
    for (const block of turn.replies.flatMap((r) => blocksOf(r.text, sourcesLabel))) {
      if ([...block].length < min) continue;
      const first = seen.get(block);
      if (first !== undefined) repeats.push({ block, first: first + 1, again: i + 1 });
      else seen.set(block, i);
    }
  });
  return repeats;
}
