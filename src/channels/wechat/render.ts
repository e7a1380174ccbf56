/**
 * Neutral replies → WeChat text, and cutting text by UTF-8 bytes. WeChat shows no buttons, so
 * choices become numbered lines the user answers with the number. How a long answer becomes
 * numbered parts is in layout.ts.
 */
import type { Reply } from '../../engine/types';

/** The largest passive text reply we send, in UTF-8 bytes (WeChat's limit is about 2048). */
export const PASSIVE_TEXT_MAX_BYTES = 2000;

/**
 * One reply as text: the text, then its choices as `1. …` lines under a heading, so they are not
 * mistaken for a numbered list inside the answer.
 */
export function renderReply(reply: Reply, choicesHeading?: string): string {
  const choices = (reply.choices ?? []).map((c, i) => `${i + 1}. ${c}`);
  return [reply.text, ...(choices.length && choicesHeading ? [choicesHeading] : []), ...choices].join('\n');
}

/** All replies of a turn as one text, separated by a blank line. */
export function renderReplies(replies: readonly Reply[], choicesHeading?: string): string {
  return replies
    .map((r) => renderReply(r, choicesHeading))
    .filter((t) => t.trim() !== '')
    .join('\n\n');
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Splits `text` into the longest head of at most `maxBytes` UTF-8 bytes and the rest. It cuts
 * after a line break when one falls in the second half of the head (so lists and paragraphs stay
 * whole) and never inside a character.
 */
export function takeHead(text: string, maxBytes: number): [head: string, rest: string] {
  if (utf8Bytes(text) <= maxBytes) return [text, ''];
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8Bytes(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  if (end === 0) end = String.fromCodePoint(text.codePointAt(0) ?? 0).length; // maxBytes below one character: still make progress
  const lineBreak = text.lastIndexOf('\n', end - 1);
  if (lineBreak > end / 2) end = lineBreak + 1;
  return [text.slice(0, end).replace(/\s+$/, ''), text.slice(end).replace(/^\s+/, '')];
}

/** Cuts `text` into messages of at most `maxBytes` UTF-8 bytes each. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest) {
    const [head, tail] = takeHead(rest, maxBytes);
    if (head) parts.push(head);
    rest = tail;
  }
  return parts;
}
