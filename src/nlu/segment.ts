/**
 * Chinese segmentation with jieba plus a domain dictionary, and the feature set the classifier reads.
 * natural's own tokenizers drop CJK characters, so segmentation happens here and the classifier
 * receives ready-made tokens.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';
import type { NluFeatures } from '../schema/knowledge';

const require = createRequire(import.meta.url);

/**
 * A jieba with its default dictionary. The native module is loaded on the first segmenter, not at
 * import: a server whose engine runs on its own thread never segments on the main thread. The
 * dictionary is read here rather than through `@node-rs/jieba/dict.js`, which also reads idf.txt
 * (6 MB nothing here uses) and keeps both buffers for the life of the process; jieba copies the
 * dictionary into its own tables, so this buffer is garbage once the instance is built.
 */
function newJieba(): Jieba {
  const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
  return JiebaClass.withDict(readFileSync(require.resolve('@node-rs/jieba/dict.txt')));
}

/** Options that shape features; all come from knowledge/nlu.yaml. */
export interface SegmenterOptions {
  dictionary: string[];
  synonyms: Record<string, string[]>;
  stopwords: string[];
  /** Absent means the original feature set: words plus Han character bigrams. */
  features?: NluFeatures;
}

const DEFAULT_FEATURES: NluFeatures = { charNgrams: [2], charScope: 'han', boundaries: false, partOfSpeech: false, length: false, rareWords: 0 };

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
    this.jieba = newJieba();
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
    return this.wordsOf(this.canonicalize(normalized), fine);
  }

  /** words() of text that is already canonical (understand() canonicalises once per message). */
  wordsOf(canonical: string, fine = false): string[] {
    return this.keepWords(fine ? this.jieba.cutForSearch(canonical, true) : this.jieba.cut(canonical, true));
  }

  private keepWords(tokens: string[]): string[] {
    const out: string[] = [];
    for (const token of tokens) {
      const t = token.trim();
      if (t && WORDLIKE.test(t) && !this.stop.has(t)) out.push(t);
    }
    return out;
  }

  /**
   * Classifier features: word tokens plus character n-grams (knowledge/nlu.yaml `features`).
   * N-grams carry meaning across segmentation mistakes and typos the dictionary does not know;
   * single characters help with rare words (a dish, a disease) whose characters are common.
   * Each feature appears once per message: a repeated word is not more evidence of the intent.
   */
  features(normalized: string): string[] {
    return this.featuresOf(this.canonicalize(normalized));
  }

  /** features() of text that is already canonical. */
  featuresOf(text: string): string[] {
    return this.assemble(text, this.analyse(text), 0);
  }

  /**
   * features() of every training phrase (normalised text), in order. With `rareWords`, the
   * phrases' word counts are kept here for later messages: a word is rare in a training phrase when
   * fewer than `rareWords` other phrases contain it, the same test a new message's word meets
   * against all of them (leave-one-out, so the model learns what an unseen word looks like).
   */
  trainingFeatures(normalized: string[]): string[][] {
    const texts = normalized.map((t) => this.canonicalize(t));
    const analyses = texts.map((t) => this.analyse(t));
    if (this.feat.rareWords) {
      this.wordPhrases = new Map();
      for (const a of analyses) for (const w of new Set(a.words)) this.wordPhrases.set(w, (this.wordPhrases.get(w) ?? 0) + 1);
    }
    return texts.map((t, i) => this.assemble(t, analyses[i], 1));
  }

  /** What trainingFeatures() learnt (ModelCache): the training phrases each word occurs in. */
  snapshot(): [string, number][] {
    return [...this.wordPhrases];
  }

  /** Takes on what snapshot() gave, as if trainingFeatures() had run on the same phrases. */
  restore(wordPhrases: [string, number][]): void {
    this.wordPhrases = new Map(wordPhrases);
  }

  /** Training phrases each word occurs in (set by trainingFeatures when `rareWords` is on). */
  private wordPhrases = new Map<string, number>();

  /** Words (as words() keeps them), their part-of-speech tags, and every word-like token's tag. */
  private analyse(text: string): { words: string[]; wordTags: string[]; tags: string[] } {
    if (!this.feat.partOfSpeech && !this.feat.rareWords) return { words: this.keepWords(this.jieba.cut(text, true)), wordTags: [], tags: [] };
    // jieba's tag() is cut() plus a tag per word, so one call gives both (segmenting is most of the cost).
    const words: string[] = [];
    const wordTags: string[] = [];
    const tags: string[] = [];
    for (const { word, tag } of this.jieba.tag(text, true)) {
      if (WORDLIKE.test(word)) tags.push(tag);
      const t = word.trim();
      if (t && WORDLIKE.test(t) && !this.stop.has(t)) {
        words.push(t);
        wordTags.push(tag);
      }
    }
    return { words, wordTags, tags };
  }

  /** The feature set of one analysed text; `self` is 1 for a training phrase (its own words are counted). */
  private assemble(text: string, { words, wordTags, tags }: ReturnType<Segmenter['analyse']>, self: number): string[] {
    const feats = new Set<string>(words);
    const inScope = this.feat.charScope === 'han' ? CJK : WORDLIKE;
    const chars: string[] = [];
    for (const c of text) if (inScope.test(c)) chars.push(c);
    for (const n of this.feat.charNgrams) {
      if (n === 1) for (const c of chars) feats.add(`#${c}`);
      else if (n === 2) for (let i = 0; i + 2 <= chars.length; i++) feats.add(`#${chars[i]}${chars[i + 1]}`);
      else for (let i = 0; i + n <= chars.length; i++) feats.add(`#${chars.slice(i, i + n).join('')}`);
    }
    // The prefixes below (^ $ @ ? %) cannot start a word token: words contain letters or digits only.
    if (this.feat.boundaries && chars.length) {
      feats.add(`^${chars[0]}`);
      feats.add(`$${chars[chars.length - 1]}`);
      if (chars.length > 1) {
        feats.add(`^${chars[0]}${chars[1]}`);
        feats.add(`$${chars[chars.length - 2]}${chars[chars.length - 1]}`);
      }
    }
    if (this.feat.partOfSpeech) {
      for (const tag of tags) feats.add(`@${tag}`);
      let prev = '^';
      for (const tag of tags) {
        feats.add(`@${prev}_${tag}`);
        prev = tag;
      }
      feats.add(`@${prev}_$`);
    }
    // Rare words (in fewer than `rareWords` training phrases) by their tag and length: a title, a
    // name or a dish the training data never saw still says "a noun I do not know" (来一首 + ?nz).
    if (this.feat.rareWords) {
      words.forEach((w, i) => {
        if ((this.wordPhrases.get(w) ?? 0) - self >= this.feat.rareWords) return;
        feats.add(`?${wordTags[i]}`);
        feats.add(`?${wordTags[i]}${Math.min(w.length, 4)}`);
      });
    }
    if (this.feat.length) {
      feats.add(`%c${Math.min(chars.length, 12)}`);
      feats.add(`%w${Math.min(words.length, 8)}`);
    }
    return [...feats];
  }
}
