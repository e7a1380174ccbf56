/**
 * A turn's replies laid out for WeChat, where a passive reply holds about 2000 bytes and nothing
 * may depend on the customer-service API: the answer becomes numbered parts. The first part goes
 * in the passive reply; the others wait for the user to reply 0 (or 继续, 下一部分 …).
 *
 * - Within each reply, the sections (a `【…】` heading with the lines under it) are put in order of
 *   importance: the headline and lead text first, then what blocks (需要先解决) or is still open
 *   (还需确认), what to do next (接下来), the checklist (材料清单), the warnings (需要注意), other notes,
 *   the sources (来源) and last the recap of what the user said (您的情况).
 * - Parts are cut only between whole sections. An item stays with its indented lines (办法, 来源)
 *   and a heading with its items; only a section larger than a whole part is cut between items,
 *   its heading repeated with （续）.
 * - A reply's choices always go in the first part (the user answers them with a number), after
 *   its text when the reply is short.
 * - Numbered lists inside an answer get ①②③ so they never look like the choice numbers, and
 *   words about clicking (点选) are dropped: WeChat shows no buttons.
 */
import type { Reply } from '../../engine/types';
import { PASSIVE_TEXT_MAX_BYTES, takeHead, utf8Bytes } from './render';

const CIRCLED = [...'①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳'];

/** `1. …`, `2、…` at the start of a line (not `5.5`) become `①…`, `②…`; numbers past 20 stay. */
export function markListItems(text: string): string {
  return text.replace(/^([ \t]*)(\d{1,2})(?:\.(?!\d)|、|．)[ \t]*(?=\S)/gm, (match: string, indent: string, n: string) => {
    const i = Number(n);
    return i >= 1 && i <= CIRCLED.length ? `${indent}${CIRCLED[i - 1]}` : match;
  });
}

/** WeChat has no buttons: "可以点选或回复 1 查看" → "可以回复 1 查看". */
export function withoutClicking(text: string): string {
  return text.replace(/点选或者?|点击或者?/g, '').replace(/点选/g, '回复');
}

/** The fixed words around parts. `{part}`, `{next}` and `{total}` are filled in. */
export interface PartTexts {
  /** Above parts 2…n, e.g. （2/3）. */
  partHeader: string;
  /** Ends every part but the last, e.g. 回复 0 查看下一部分（2/3）; the next part's headings follow after "：". */
  nextPart: string;
}

export interface LayoutOptions {
  texts: PartTexts;
  /** Above numbered choices (knowledge/messages.yaml choicesHeading). */
  choicesHeading?: string;
  maxBytes?: number;
}

/** A section: an optional `【…】` heading line and its items (an item keeps its indented lines). */
interface Section {
  heading?: string;
  /** The heading's words, without 【】 (for ranking and the next-part hint). */
  name?: string;
  /** A one-line section (`【来源】原文…`): it ends at the next blank line. */
  inline?: true;
  /** Text without a heading after other sections (您还问到了…): it stays where it was. */
  tail?: true;
  items: string[];
}

/** A block of the laid-out answer, from reply `reply`. */
interface Unit {
  reply: number;
  section: Section;
  rank: number;
  /** Goes at the end of the first part, whatever its rank. */
  pinned: boolean;
}

/** Importance of a section by its heading; the lead text (no heading) is 0. Lower comes first. */
const RANKS: readonly [RegExp, number][] = [
  [/需要先解决/, 1],
  [/还需确认|需要确认/, 2],
  [/接下来|下一步/, 3],
  [/材料清单/, 4],
  [/需要注意/, 5],
  [/来源/, 7],
  [/您的情况/, 8],
];
const OTHER_RANK = 6;
/** Sections up to this rank (需要先解决, 还需确认, 接下来) begin in the first part, cut between items if need be. */
const IN_FIRST_PART_MAX_RANK = 3;

function rankOf(section: Section): number {
  if (section.name === undefined) return 0;
  for (const [re, rank] of RANKS) if (re.test(section.name)) return rank;
  return OTHER_RANK;
}

/** Cuts a reply's text into sections; lines starting with white space continue the item above. */
export function sections(text: string): Section[] {
  const out: Section[] = [];
  let current: Section = { items: [] };
  for (const line of text.split('\n')) {
    const heading = /^【([^】]+)】(.*)$/.exec(line);
    if (heading) {
      out.push(current);
      current = { heading: line, name: heading[1], ...(heading[2].trim() ? { inline: true as const } : {}), items: [] };
    } else if (current.inline && !line.trim()) {
      current.items.push('');
      out.push(current);
      current = { tail: true, items: [] };
    } else if (/^\s/.test(line) && line.trim() && current.items.length && current.items[current.items.length - 1] !== '') {
      current.items[current.items.length - 1] += `\n${line}`;
    } else {
      current.items.push(line.trim() ? line : '');
    }
  }
  out.push(current);
  // Blank lines stay with the section above them, so a section moved elsewhere keeps its spacing.
  return out.filter((s) => s.heading !== undefined || s.items.some((i) => i !== ''));
}

function sectionText(s: Section): string {
  return [...(s.heading !== undefined ? [s.heading] : []), ...s.items].join('\n');
}

/** The turn's blocks in the order they are read. */
function units(replies: readonly Reply[], choicesHeading: string | undefined, maxBytes: number): Unit[] {
  const out: Unit[] = [];
  replies.forEach((reply, i) => {
    const text = withoutClicking(markListItems(reply.text)).replace(/^\s+|\s+$/g, '');
    const choices = reply.choices ?? [];
    // A short question goes with its choices into the first part; so does the closing line of a
    // longer answer that introduces them (您还问到了…，回复 1 查看).
    const pinAll = choices.length > 0 && utf8Bytes(text) <= maxBytes / 3;
    const found = text ? sections(text) : [];
    const last = found[found.length - 1];
    const pinLast = choices.length > 0 && last?.tail === true && utf8Bytes(sectionText(last)) <= maxBytes / 3;
    let previousRank = 0;
    const ordered = found.map((s, at) => {
      const rank = s.tail ? previousRank : rankOf(s);
      previousRank = rank;
      return { s, at, rank };
    });
    ordered.sort((a, b) => a.rank - b.rank || a.at - b.at);
    for (const { s, rank } of ordered) out.push({ reply: i, section: s, rank, pinned: pinAll || (pinLast && s === last) });
    if (choices.length) {
      const lines = [...(choicesHeading ? [choicesHeading] : []), ...choices.map((c, n) => `${n + 1}. ${withoutClicking(c)}`)];
      out.push({ reply: i, section: { items: [lines.join('\n')] }, rank: 0, pinned: true });
    }
  });
  return out;
}

/** Text of consecutive blocks: a new line between blocks of one reply, a blank line between replies; no blank lines around. */
function join(blocks: readonly { reply: number; text: string }[]): string {
  let out = '';
  blocks.forEach((b, i) => {
    if (i > 0) {
      // A section that ended with a blank line keeps it.
      const blank = b.reply !== blocks[i - 1].reply || /\n$/.test(out);
      out = `${out.replace(/\n+$/, '')}${blank ? '\n\n' : '\n'}`;
    }
    out += b.text;
  });
  return out.replace(/^\n+/, '').replace(/\s+$/, '');
}

function fill(template: string, values: Record<string, number>): string {
  return template.replace(/\{(\w+)\}/g, (m: string, k: string) => (k in values ? String(values[k]) : m));
}

/** Room kept in every part for its header and its "reply 0" line with the next part's headings. */
const HINT_MAX_BYTES = 60;

interface Part {
  blocks: { reply: number; text: string; name?: string }[];
  budget: number;
}

/**
 * The messages of one turn: one when everything fits, otherwise numbered parts of at most
 * `maxBytes` UTF-8 bytes each (header and "reply 0" line included).
 */
export function layoutReplies(replies: readonly Reply[], opts: LayoutOptions): string[] {
  const maxBytes = opts.maxBytes ?? PASSIVE_TEXT_MAX_BYTES;
  const all = units(replies, opts.choicesHeading, maxBytes);
  const whole = join(all.map((u) => ({ reply: u.reply, text: sectionText(u.section) })));
  if (!whole.trim()) return [];
  if (utf8Bytes(whole) <= maxBytes) return [whole];

  const reserve =
    utf8Bytes(fill(opts.texts.partHeader, { part: 99, total: 99 })) +
    1 +
    2 +
    utf8Bytes(fill(opts.texts.nextPart, { next: 99, total: 99 })) +
    3 +
    HINT_MAX_BYTES;
  const partBudget = Math.max(maxBytes - reserve, 200);
  const pinned = all.filter((u) => u.pinned).map((u) => ({ reply: u.reply, text: sectionText(u.section) }));
  const pinnedBytes = pinned.length ? utf8Bytes(join(pinned)) + 2 : 0;
  const parts: Part[] = [{ blocks: [], budget: Math.max(partBudget - pinnedBytes, 200) }];

  const current = () => parts[parts.length - 1];
  const bytesWith = (part: Part, block: { reply: number; text: string }) => utf8Bytes(join([...part.blocks, block]));
  const fits = (part: Part, block: { reply: number; text: string }) => bytesWith(part, block) <= part.budget;
  const newPart = () => parts.push({ blocks: [], budget: partBudget });

  for (const unit of all.filter((u) => !u.pinned)) {
    const block = { reply: unit.reply, text: sectionText(unit.section), name: unit.section.name };
    if (fits(current(), block)) {
      current().blocks.push(block);
      continue;
    }
    // A section that fits a part of its own starts the next part, except what the first part
    // must carry (blockers, open questions, next steps): that is cut between its items instead.
    if (utf8Bytes(block.text) <= partBudget && !(unit.rank >= 1 && unit.rank <= IN_FIRST_PART_MAX_RANK && parts.length === 1)) {
      newPart();
      current().blocks.push(block);
      continue;
    }
    // Larger than any part: cut between its items, the heading repeated on each piece.
    // (A heading line too long to repeat is cut like any other text.)
    const headingFits = unit.section.heading !== undefined && utf8Bytes(unit.section.heading) * 2 <= partBudget;
    const heading = headingFits ? unit.section.heading : undefined;
    const items = headingFits || unit.section.heading === undefined ? unit.section.items : [unit.section.heading, ...unit.section.items];
    let first = true;
    let rest = [...items];
    while (rest.length) {
      const head = heading === undefined ? [] : [first ? heading : `${heading}（续）`];
      let taken = 0;
      while (taken < rest.length && fits(current(), { reply: unit.reply, text: [...head, ...rest.slice(0, taken + 1)].join('\n') })) taken += 1;
      if (taken === 0) {
        if (current().blocks.length) {
          newPart();
          continue;
        }
        // One item larger than a whole part: cut it by bytes (never happens with today's answers).
        const room = current().budget - utf8Bytes([...head, ''].join('\n'));
        const [cut, tail] = takeHead(rest[0], Math.max(room, 100));
        current().blocks.push({ reply: unit.reply, text: [...head, cut].join('\n'), name: unit.section.name });
        rest = tail ? [tail, ...rest.slice(1)] : rest.slice(1);
        first = false;
        if (rest.length) newPart();
        continue;
      }
      current().blocks.push({ reply: unit.reply, text: [...head, ...rest.slice(0, taken)].join('\n'), name: unit.section.name });
      rest = rest.slice(taken);
      first = false;
      if (rest.length) newPart();
    }
  }

  const filled = parts.filter((p, i) => i === 0 || p.blocks.length);
  const total = filled.length;
  if (total === 1) return [join([...filled[0].blocks, ...pinned])];
  return filled.map((part, i) => {
    const body = join(i === 0 ? [...part.blocks, ...pinned] : part.blocks);
    const header = i === 0 ? '' : `${fill(opts.texts.partHeader, { part: i + 1, total })}\n`;
    const footer = i + 1 < total ? `\n\n${fill(opts.texts.nextPart, { next: i + 2, total })}${hint(filled[i + 1])}` : '';
    return `${header}${body}${footer}`;
  });
}

/** "：需要注意、地区提示" — what the next part holds, by its headings, within HINT_MAX_BYTES. */
function hint(next: Part): string {
  const names = [...new Set(next.blocks.map((b) => b.name).filter((n): n is string => !!n))];
  let out = '';
  for (const name of names) {
    const more = out ? `${out}、${name}` : `：${name}`;
    if (utf8Bytes(more) > HINT_MAX_BYTES - utf8Bytes('等')) return out ? `${out}等` : '';
    out = more;
  }
  return out;
}
