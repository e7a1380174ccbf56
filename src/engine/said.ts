/**
 * What the conversation has already said, kept as short fingerprints of its long reply blocks
 * (paragraphs), so no long block is said word for word twice (issue #15). Citation blocks
 * (【来源】…) may recur: they are not answers.
 */
import type { Reply } from '../dialogs/types';

/** A block at least this long is remembered; a short one (a question asked again) may repeat. */
export const LONG_BLOCK = 60;
/** The fingerprints kept per conversation, newest last. */
const KEPT = 400;

/** FNV-1a over the block's UTF-16 units, base 36: eight characters or fewer. */
export function fingerprint(block: string): string {
  let h = 0x811c9dc5;
  const s = block.trim();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(36)}${(s.length % 36).toString(36)}`;
}

/** The paragraphs of a reply text. */
export function blocks(text: string): string[] {
  return text.split(/\n\s*\n/u);
}

/** A block worth remembering: long, and not a citation. */
export function isLong(block: string, sourcesLabel: string): boolean {
  const b = block.trim();
  return [...b].length >= LONG_BLOCK && !b.startsWith(`【${sourcesLabel}】`);
}

/** The first sentence of a text (up to 。！？ or the end of its first line). */
export function firstSentence(block: string): string {
  return block
    .trim()
    .split('\n')[0]
    .split(/(?<=[。！？])/u)[0];
}

/**
 * The replies with every long block said before (or earlier in the same replies) replaced by
 * `seeAbove`, and the fingerprints now said. The last guard: answers, regions, leads and verdicts
 * already shorten what was said; this catches whatever else would repeat.
 */
export function foldRepeats(replies: Reply[], said: readonly string[], sourcesLabel: string, seeAbove: string): { replies: Reply[]; said: string[] } {
  const known = new Set(said);
  const added: string[] = [];
  const out = replies.map((r) => {
    const kept = blocks(r.text).map((b) => {
      if (!isLong(b, sourcesLabel)) return b;
      const fp = fingerprint(b);
      if (known.has(fp)) return seeAbove;
      // Its long lines too: a finding said once is not led with again inside another block.
      for (const line of [
        fp,
        ...b
          .split('\n')
          .filter((l) => isLong(l, sourcesLabel))
          .map(fingerprint),
      ]) {
        if (known.has(line)) continue;
        known.add(line);
        added.push(line);
      }
      return b;
    });
    let text = kept.filter((b, i) => !(b === seeAbove && kept[i - 1] === seeAbove)).join('\n\n');
    // A reply that would be nothing but "said before" keeps the first sentence of what it said, so it still answers.
    if (text.trim() === seeAbove) text = `${firstSentence(blocks(r.text)[0])}${seeAbove}`;
    return r.choices ? { ...r, text } : { text };
  });
  return { replies: out, said: [...said, ...added].slice(-KEPT) };
}
