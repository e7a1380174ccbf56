/**
 * Text normalisation before segmentation: full-width → half-width (NFKC), Traditional → Simplified,
 * lower case, control characters removed, runs of punctuation folded to one.
 */
import * as OpenCC from 'opencc-js';

// Taiwan and Hong Kong variants both reach Simplified through OpenCC's standard form.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
const twToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g;
const REPEATED_PUNCT = /([!?.,;:~。，、！？；：…·\-_=+*#])\1+/g;

/** Normalises user text for matching; the original text is kept for display elsewhere. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC').replace(CONTROL, ' ');
  s = twToSimplified(toSimplified(s));
  s = s.toLowerCase().replace(REPEATED_PUNCT, '$1');
  return s.replace(/\s+/g, ' ').trim();
}

const PUNCT_ONLY = /^[\p{P}\p{S}\s\p{Extended_Pictographic}\u200d\ufe0f]*$/u;

/** True when the text has no letters or digits at all (lone punctuation, emoji-only). */
export function hasNoWords(text: string): boolean {
  return PUNCT_ONLY.test(text);
}
