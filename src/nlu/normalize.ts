/**
 * Text normalisation before segmentation: full-width → half-width (NFKC), Traditional → Simplified,
 * lower case, control characters removed, runs of punctuation folded to one.
 */
import * as OpenCC from 'opencc-js';

// Taiwan and Hong Kong variants both reach Simplified through OpenCC's standard form.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const twToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/**
 * Every character that some rule of those two converters changes (a character of a rule's source
 * that is not in the same place of its target). Text with none of them comes out of OpenCC
 * unchanged, so the conversion — a tenth of a turn's CPU — is skipped for plain Simplified text.
 */
const CHANGED_BY_OPENCC: ReadonlySet<string> = (() => {
  const chars = new Set<string>();
  const dicts = [OpenCC.Locale.from.hk, OpenCC.Locale.from.tw, OpenCC.Locale.to.cn].flat(2) as unknown[];
  for (const dict of dicts) {
    const pairs = typeof dict === 'string' ? dict.split('|').map((p) => p.split(' ')) : (dict as [string, string][]);
    for (const [from, to = ''] of pairs) {
      if (!from || from === to) continue;
      const a = [...from];
      const b = [...to];
      a.forEach((c, i) => {
        if (a.length !== b.length || c !== b[i]) chars.add(c);
      });
    }
  }
  return chars;
})();

/** Traditional (Taiwan, Hong Kong) → Simplified, as OpenCC converts it. */
export function toSimplifiedChinese(s: string): string {
  for (const c of s) if (CHANGED_BY_OPENCC.has(c)) return twToSimplified(toSimplified(s));
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

const PUNCT_ONLY = /^[\p{P}\p{S}\s\p{Extended_Pictographic}\u200d\ufe0f]*$/u;

/** True when the text has no letters or digits at all (lone punctuation, emoji-only). */
export function hasNoWords(text: string): boolean {
  return PUNCT_ONLY.test(text);
}
