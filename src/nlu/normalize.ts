/**
 * Text normalisation before segmentation: full-width → half-width (NFKC), Traditional → Simplified,
 * lower case, control characters removed, runs of punctuation folded to one.
 */
import * as OpenCC from 'opencc-js';

// Taiwan and Hong Kong variants both reach Simplified through OpenCC's standard form.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const twToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/**
 * For every character some rule of those two converters changes, the rules (source text and the
 * character's offset in it) that change it. OpenCC can only change text in which one of these
 * rules' sources occurs, so plain Simplified text — almost every message — skips the conversion,
 * which otherwise costs about a tenth of a turn's CPU.
 */
const CHANGING_RULES: ReadonlyMap<string, [source: string, offset: number][]> = (() => {
  const rules = new Map<string, [string, number][]>();
  const dicts = [OpenCC.Locale.from.hk, OpenCC.Locale.from.tw, OpenCC.Locale.to.cn].flat(2) as unknown[];
  for (const dict of dicts) {
    const pairs = typeof dict === 'string' ? dict.split('|').map((p) => p.split(' ')) : (dict as [string, string][]);
    for (const [from, to = ''] of pairs) {
      if (!from || from === to) continue;
      // Some rules of the first stage are undone by the second (什么 → 什麼 → 什么): not a change.
      if (twToSimplified(toSimplified(from)) === from) continue;
      const a = [...from];
      const b = [...to];
      let offset = 0;
      a.forEach((c, i) => {
        if (a.length !== b.length || c !== b[i]) {
          const list = rules.get(c);
          if (list) list.push([from, offset]);
          else rules.set(c, [[from, offset]]);
        }
        offset += c.length;
      });
    }
  }
  return rules;
})();

/** Traditional (Taiwan, Hong Kong) → Simplified, as OpenCC converts it. */
export function toSimplifiedChinese(s: string): string {
  let i = 0;
  for (const c of s) {
    const rules = CHANGING_RULES.get(c);
    if (rules?.some(([source, offset]) => s.startsWith(source, i - offset))) return twToSimplified(toSimplified(s));
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
