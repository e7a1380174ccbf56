/**
 * Chinese segmentation with jieba plus a domain dictionary, and the feature set the classifier reads.
 * natural's own tokenizers drop CJK characters, so segmentation happens here and the classifier
 * receives ready-made tokens.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { NluFeatures } from '../schema/knowledge';

/** Options that shape features; all come from knowledge/nlu.yaml. */
export interface SegmenterOptions {
  dictionary: string[];
  synonyms: Record<string, string[]>;
  stopwords: string[];
  /** Absent means the original feature set: words plus Han character bigrams. */
  features?: NluFeatures;
}

const DEFAULT_FEATURES: NluFeatures = { charNgrams: [2], charScope: 'han', boundaries: false, partOfSpeech: false, length: false };

const WORDLIKE = /[\p{L}\p{N}]/u;
const CJK = /\p{Script=Han}/u;

/** Segments normalised text and turns it into classifier features. */
export class Segmenter {
  private readonly jieba: Jieba;
  private readonly rewrites: [string, string][];
  private readonly stop: Set<string>;
  private readonly feat: NluFeatures;

  constructor(opts: SegmenterOptions) {
    this.feat = opts.features ?? DEFAULT_FEATURES;
    this.jieba = Jieba.withDict(dict);
    // A high frequency keeps domain words whole (同意注销函, 继续教育) instead of split by the general dictionary.
    const words = [...opts.dictionary, ...Object.keys(opts.synonyms)];
    if (words.length) this.jieba.loadDict(Buffer.from(words.map((w) => `${w} 200000 n`).join('\n')));
    // Longest variant first so that a longer spelling is rewritten before its substrings.
    this.rewrites = Object.entries(opts.synonyms)
      .flatMap(([canonical, variants]) => variants.map((v) => [v, canonical] as [string, string]))
      .sort((a, b) => b[0].length - a[0].length);
    this.stop = new Set(opts.stopwords);
  }

  /** Rewrites typos and variants to their canonical word (注消 → 注销, 公司 → 单位). */
  canonicalize(text: string): string {
    let s = text;
    for (const [from, to] of this.rewrites) if (s.includes(from)) s = s.split(from).join(to);
    return s;
  }

  /**
   * Word tokens: segmented, canonical, without punctuation and stopwords. `fine` adds the shorter
   * words inside long ones (证明文件 → 证明, 文件), for judging whether words are known.
   */
  words(normalized: string, fine = false): string[] {
    const text = this.canonicalize(normalized);
    const tokens = fine ? this.jieba.cutForSearch(text, true) : this.jieba.cut(text, true);
    return tokens.map((t) => t.trim()).filter((t) => t && WORDLIKE.test(t) && !this.stop.has(t));
  }

  /**
   * Classifier features: word tokens plus character n-grams (knowledge/nlu.yaml `features`).
   * N-grams carry meaning across segmentation mistakes and typos the dictionary does not know;
   * single characters help with rare words (a dish, a disease) whose characters are common.
   * Each feature appears once per message: a repeated word is not more evidence of the intent.
   */
  features(normalized: string): string[] {
    const words = this.words(normalized);
    const feats = new Set<string>(words);
    const text = this.canonicalize(normalized);
    const inScope = this.feat.charScope === 'han' ? CJK : WORDLIKE;
    const chars = [...text].filter((c) => inScope.test(c));
    for (const n of this.feat.charNgrams) {
      for (let i = 0; i + n <= chars.length; i++) feats.add(`#${chars.slice(i, i + n).join('')}`);
    }
    // The prefixes below (^ $ @ %) cannot start a word token: words contain letters or digits only.
    if (this.feat.boundaries && chars.length) {
      feats.add(`^${chars[0]}`);
      feats.add(`$${chars[chars.length - 1]}`);
      if (chars.length > 1) {
        feats.add(`^${chars[0]}${chars[1]}`);
        feats.add(`$${chars[chars.length - 2]}${chars[chars.length - 1]}`);
      }
    }
    if (this.feat.partOfSpeech) {
      const tags = this.jieba
        .tag(text, true)
        .filter(({ word }) => WORDLIKE.test(word))
        .map(({ tag }) => tag);
      for (const tag of tags) feats.add(`@${tag}`);
      const seq = ['^', ...tags, '$'];
      for (let i = 0; i + 1 < seq.length; i++) feats.add(`@${seq[i]}_${seq[i + 1]}`);
    }
    if (this.feat.length) {
      feats.add(`%c${Math.min(chars.length, 12)}`);
      feats.add(`%w${Math.min(words.length, 8)}`);
    }
    return [...feats];
  }
}
