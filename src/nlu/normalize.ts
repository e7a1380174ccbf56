/**
 * Text normalisation before segmentation: full-width → half-width (NFKC), Traditional → Simplified,
 * lower case, control characters removed, runs of punctuation folded to one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * OpenCC's converters, Taiwan and Hong Kong variants both reaching Simplified through OpenCC's
 * standard form. Built on the first text that needs converting: their tables cost ~15 MB and
 * ~150 ms, and most processes (the server's main thread, a Simplified-only conversation) never need
 * them.
 */
let converters: { hk: (s: string) => string; tw: (s: string) => string } | undefined;
function openCC(): NonNullable<typeof converters> {
  if (!converters) {
    const OpenCC = require('opencc-js') as typeof import('opencc-js');
    converters = { hk: OpenCC.Converter({ from: 'hk', to: 'cn' }), tw: OpenCC.Converter({ from: 'tw', to: 'cn' }) };
  }
  return converters;
}

/**
 * For every character some rule of those two converters changes, the rules (source text and the
 * character's offset in it) that change it. OpenCC can only change text in which one of these
 * rules' sources occurs, so plain Simplified text — almost every message — skips the conversion,
 * which otherwise costs about a tenth of a turn's CPU.
 *
 * Derived from OpenCC's dictionaries by `openCCChangingRules()`, and kept in opencc-rules.txt (one
 * rule a line: the source, a space, the offset) so that the check needs neither OpenCC nor the
 * ~10 MB map deriving it costs; test/nlu/opencc-rules.test.ts fails when the file no longer matches
 * the installed opencc-js (`npx vitest run test/nlu/opencc-rules.test.ts -u` rewrites it).
 */
let changing: ReadonlyMap<string, [source: string, offset: number][]> | undefined;
function changingRules(): NonNullable<typeof changing> {
  if (!changing) {
    const rules = new Map<string, [string, number][]>();
    for (const line of readFileSync(new URL('./opencc-rules.txt', import.meta.url), 'utf8').split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const source = line.slice(0, space);
      const offset = Number(line.slice(space + 1));
      const code = source.codePointAt(offset);
      if (code === undefined) continue;
      const c = String.fromCodePoint(code);
      const list = rules.get(c);
      if (list) list.push([source, offset]);
      else rules.set(c, [[source, offset]]);
    }
    changing = rules;
  }
  return changing;
}

/** The changing rules as derived from the installed OpenCC (what opencc-rules.txt holds), one a line. */
export function openCCChangingRules(): string {
  const OpenCC = require('opencc-js') as typeof import('opencc-js');
  const { hk, tw } = openCC();
  const lines: string[] = [];
  const dicts = [OpenCC.Locale.from.hk, OpenCC.Locale.from.tw, OpenCC.Locale.to.cn].flat(2) as unknown[];
  for (const dict of dicts) {
    const pairs = typeof dict === 'string' ? dict.split('|').map((p) => p.split(' ')) : (dict as [string, string][]);
    for (const [from, to = ''] of pairs) {
      if (!from || from === to) continue;
      // Some rules of the first stage are undone by the second (什么 → 什麼 → 什么): not a change.
      if (tw(hk(from)) === from) continue;
      const a = [...from];
      const b = [...to];
      let offset = 0;
      a.forEach((c, i) => {
        if (a.length !== b.length || c !== b[i]) lines.push(`${from} ${offset}`);
        offset += c.length;
      });
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Traditional (Taiwan, Hong Kong) → Simplified, as OpenCC converts it. */
export function toSimplifiedChinese(s: string): string {
  const rules = changingRules();
  let i = 0;
  for (const c of s) {
    const list = rules.get(c);
    if (list?.some(([source, offset]) => s.startsWith(source, i - offset))) {
      const { hk, tw } = openCC();
      return tw(hk(s));
    }
    i += c.length;
  }
  return s;
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g;
const REPEATED_PUNCT = /([!?.,;:~。，、！？；：…·\-_=+*#])\1+/g;

/** Normalises user text for matching; the original text is kept for display elsewhere. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC').replace(CONTROL, ' ');
  s = toSimplifiedChinese(s);
  s = s.toLowerCase().replace(REPEATED_PUNCT, '$1');
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * normalizeText for a choice label. Labels come from the knowledge base (a bounded set) and every
 * turn with pending choices compares the message with each of them, so each is normalised once.
 */
const labels = new Map<string, string>();
export function normalizeLabel(label: string): string {
  let n = labels.get(label);
  if (n === undefined) {
    if (labels.size > 5000) labels.clear();
    labels.set(label, (n = normalizeText(label)));
  }
  return n;
}

const PUNCT_ONLY = /^[\p{P}\p{S}\s\p{Extended_Pictographic}\u200d\ufe0f]*$/u;

/** True when the text has no letters or digits at all (lone punctuation, emoji-only). */
export function hasNoWords(text: string): boolean {
  return PUNCT_ONLY.test(text);
}
