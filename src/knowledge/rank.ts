/**
 * Ranking answer cards for a message (BM25 retrieval), and deciding whether to answer the best
 * card, offer the closest few, or say none.
 *
 * Terms: jieba words (src/nlu/segment.ts: the domain dictionary, typo rewrites, stopwords out) and
 * Han character bigrams, which survive segmentation mistakes and typos the dictionary does not know.
 * A bigram weighs `bigramWeight` of a word; a generic question word (knowledge/nlu.yaml
 * genericWords: 怎么, 需要 …) and the bigrams inside one weigh `genericWeight` more.
 *
 * Two BM25 fields (k1, b; idf counts cards, not documents):
 * - phrasings: each phrasing, and the question, is a document; a card takes its best one.
 * - text: the card's question and answer, one document per card, weighing `textWeight`.
 * A field's score is the share of the message it matches: Σ weight·idf·tf-saturation over the
 * message's terms the document has, over Σ weight·idf of all the message's terms (a term no card
 * has counts with the highest idf, so unknown words lower it). A phrasing's score is also
 * multiplied by (1 − phrasingCover + phrasingCover × the share of the phrasing's own weight the
 * message covers): 注销要多久 fits 注销要多久 better than 延续注册要多久.
 *
 * match = (best phrasing + textWeight × text) / (1 + textWeight): about 0..1 (a short phrasing
 * matched whole can pass 1). With a subject prior p from the classifier,
 * score = match × (priorAlpha + p) / (priorAlpha + 1); without one, score = match.
 * Settings: knowledge/cards-settings.yaml (CardSettingsFile). Measured by bench/cards.ts.
 */
import type { Card, CardSettings, Subject } from '../schema/cards';
import { normalizeText } from '../nlu/normalize';
import { Segmenter } from '../nlu/segment';
import { decide } from './decide';
import { projectDefaults } from './card-settings';
import { LinearSvm } from '../nlu/nlu-linear';
import type { ModelCache } from '../nlu/model-cache';

export { decide } from './decide';
export { loadCardSettings } from './card-settings';

/** One ranked card: `match` is retrieval alone, `score` includes the subject prior (equal without one). */
export interface Ranked<C extends Card = Card> {
  card: C;
  score: number;
  match: number;
}

export type CardDecision<C extends Card = Card> =
  | { kind: 'answer'; card: C; score: number; match: number }
  /** The closest cards, best first: 2 to maxChoices of them (one when only one card is close at all). */
  | { kind: 'choose'; cards: C[] }
  | { kind: 'none' };

export interface CardIndexOptions {
  /** The NLU's segmenter (its dictionary and typo rewrites); one jieba instance can serve both. */
  segmenter: Segmenter;
  settings: CardSettings;
  /** Removes words that must not count (place names, leading fillers) from normalised text. */
  neutralize?: (normalized: string) => string;
  /**
   * Words common to any question (knowledge/nlu.yaml genericWords: 怎么, 需要, 可以 …): in a message
   * they weigh genericWeight of a content word, and so do the bigrams inside them.
   */
  genericWords?: readonly string[];
  /** Where the cards' model is kept between processes (src/nlu/model-cache.ts); none: trained on first use. */
  cache?: ModelCache;
}

export interface RankQuery {
  /** The classifier's probability per subject: score = match × (alpha + p) / (alpha + 1). */
  prior?: ReadonlyMap<Subject | string, number>;
  /** Keep only this many (default: every card with a match above zero). */
  limit?: number;
}

const HAN = /\p{Script=Han}/u;
/** A card the cards' model gives less probability than this gets none of its weight (it is not listed for it). */
const MIN_PROBABILITY = 0.01;
/** The cards' model keeps weights of at least this size (LinearSvmOptions.keepAbove). */
const KEEP_ABOVE = 1e-3;
/** Bigram keys start with '#', which never starts a word token (words have a letter or digit). */
const BIGRAM = '#';

/** Postings of one term in one field: its idf, and the documents with their idf × tf-saturation. */
interface Postings {
  idf: number;
  /** weight(term) × idf: what the term counts for in a document's own total. */
  weighted: number;
  docs: Int32Array;
  saturated: Float64Array;
}

type Doc = { card: number; terms: Map<string, number> };

/** One BM25 field: documents, each belonging to a card. */
class Field {
  readonly postings = new Map<string, Postings>();
  /** idf of a term no document has (the largest). */
  readonly unseenIdf: number;
  readonly docCard: Int32Array;
  /** Each document's own total: Σ weight(term) × idf over its distinct terms. */
  readonly docTotal: Float64Array;

  constructor(docs: Doc[], k1: number, b: number, weight: (term: string) => number) {
    const n = docs.length;
    this.docCard = Int32Array.from(docs.map((d) => d.card));
    this.docTotal = new Float64Array(n);
    const lengths = docs.map((d) => [...d.terms.values()].reduce((s, c) => s + c, 0));
    const avg = lengths.reduce((s, l) => s + l, 0) / Math.max(n, 1) || 1;
    const lists = new Map<string, [number, number][]>();
    docs.forEach((d, i) => {
      for (const [term, tf] of d.terms) {
        let list = lists.get(term);
        if (!list) lists.set(term, (list = []));
        list.push([i, tf]);
      }
    });
    // Document frequency counts cards, not phrasings: a word in all eight phrasings of one card is
    // as telling as a word in one of them.
    const cards = new Set(docs.map((d) => d.card)).size;
    const idf = (df: number) => Math.log(1 + (cards - df + 0.5) / (df + 0.5));
    this.unseenIdf = idf(0);
    for (const [term, list] of lists) {
      const termIdf = idf(new Set(list.map(([doc]) => docs[doc].card)).size);
      const weighted = weight(term) * termIdf;
      const saturated = new Float64Array(list.length);
      list.forEach(([doc, tf], j) => {
        // tf saturation: 1 for one occurrence in a document of average length.
        saturated[j] = (termIdf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * lengths[doc]) / avg));
        this.docTotal[doc] += weighted;
      });
      this.postings.set(term, { idf: termIdf, weighted, docs: Int32Array.from(list.map(([doc]) => doc)), saturated });
    }
  }

  /**
   * Each document's BM25 share of the query into `acc` and, with `covered`, the part of the
   * document's own total the query's terms cover. False when the query weighs nothing.
   */
  score(query: Map<string, number>, acc: Float64Array, covered?: Float64Array): boolean {
    let norm = 0;
    for (const [term, w] of query) norm += w * (this.postings.get(term)?.idf ?? this.unseenIdf);
    if (norm <= 0) return false;
    acc.fill(0);
    covered?.fill(0);
    for (const [term, w] of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const f = w / norm;
      for (let j = 0; j < p.docs.length; j++) acc[p.docs[j]] += f * p.saturated[j];
      if (covered) for (let j = 0; j < p.docs.length; j++) covered[p.docs[j]] += p.weighted;
    }
    return true;
  }
}

/** The cards' search index, built once; rank() and decide() per message. */
export class CardIndex<C extends Card & { subject?: Subject } = Card & { subject?: Subject }> {
  private readonly phrasings: Field;
  private readonly texts: Field;
  private readonly phraseAcc: Float64Array;
  private readonly phraseCovered: Float64Array;
  private readonly textAcc: Float64Array;
  private readonly best: Float64Array;
  private readonly segmenter: Segmenter;
  private readonly neutralize: (normalized: string) => string;
  private readonly generic = new Set<string>();
  private readonly cache?: ModelCache;
  /** The cards' model (settings.model), trained on the first rank(): an index only searched never pays for it. */
  private model?: LinearSvm;
  /** Each model label's card (labels are card positions, as text). */
  private modelCards = new Int32Array(0);
  private readonly modelAcc: Float64Array;
  /** Each phrasing's terms and card, from building the index to training the model. */
  private phraseTerms: { card: number; terms: string[] }[] = [];
  readonly settings: CardSettings;

  constructor(
    readonly cards: readonly C[],
    opts: CardIndexOptions,
  ) {
    this.segmenter = opts.segmenter;
    this.settings = opts.settings;
    this.neutralize = opts.neutralize ?? ((t) => t);
    this.cache = opts.cache;
    for (const w of opts.genericWords ?? []) {
      this.generic.add(w);
      const cs = [...w];
      for (let i = 0; i + 1 < cs.length; i++) if (HAN.test(cs[i]) && HAN.test(cs[i + 1])) this.generic.add(`${BIGRAM}${cs[i]}${cs[i + 1]}`);
    }
    const { k1, b } = opts.settings.bm25;
    const phraseDocs: Doc[] = [];
    const textDocs: Doc[] = [];
    cards.forEach((card, i) => {
      for (const p of [...card.phrasings, card.question]) phraseDocs.push({ card: i, terms: this.termCounts(normalizeText(p)) });
      textDocs.push({ card: i, terms: this.termCounts(normalizeText(`${card.question}\n${card.answer}`)) });
    });
    const weight = (t: string) => this.termWeight(t);
    this.phrasings = new Field(phraseDocs, k1, b, weight);
    // Kept for the cards' model until it is trained (cardModel()).
    if (opts.settings.model.weight > 0) this.phraseTerms = phraseDocs.map((d) => ({ card: d.card, terms: [...d.terms.keys()] }));
    this.texts = new Field(textDocs, k1, b, weight);
    this.phraseAcc = new Float64Array(phraseDocs.length);
    this.phraseCovered = new Float64Array(phraseDocs.length);
    this.textAcc = new Float64Array(textDocs.length);
    this.best = new Float64Array(cards.length);
    this.modelAcc = new Float64Array(cards.length);
  }

  /** Trains (or reads) the cards' model now rather than on the first message: a server does it before it listens. */
  prepare(): this {
    this.cardModel();
    return this;
  }

  /** The model over the cards' question and phrasings (their terms as features), read from the cache or trained. */
  private cardModel(): LinearSvm | undefined {
    const { weight, C } = this.settings.model;
    if (weight <= 0 || !this.cards.length) return undefined;
    if (this.model) return this.model;
    // (One label per card: only the weights that count are kept, never the ~20 MB dense matrix.)
    const svm = new LinearSvm({ C, keepAbove: KEEP_ABOVE });
    // (The phrasings' terms as the index read them, not segmented a second time.)
    const examples: [string[], string][] = this.phraseTerms.map(({ card, terms }) => [terms, String(card)]);
    this.phraseTerms = [];
    const key = this.cache?.key('cards', { C, keepAbove: KEEP_ABOVE, examples });
    const saved = key ? this.cache?.read(key) : undefined;
    let restored = false;
    if (saved) {
      try {
        svm.restore(saved.json as Parameters<LinearSvm['restore']>[0], saved.arrays);
        restored = true;
      } catch {
        // A snapshot that does not fit is trained again.
      }
    }
    if (!restored) {
      for (const [features, label] of examples) svm.add(features, label);
      svm.train();
      if (key) {
        const { json, arrays } = svm.snapshot();
        this.cache?.write(key, { json, arrays });
      }
    }
    this.modelCards = Int32Array.from(svm.labels.map(Number));
    return (this.model = svm);
  }

  /**
   * The model's probability per card for a message's terms into modelAcc: softmax over its decision
   * values at settings.model.temperature, times the evidence (settings.model.floor). False without a
   * model or evidence, or when the model knows less than settings.model.minKnown of the message's terms.
   */
  private modelProbabilities(terms: readonly string[]): boolean {
    const svm = this.cardModel();
    if (!svm || !terms.length) return false;
    // A message most of whose words the cards never use (personal data, another subject's words) is not one it can read.
    if (terms.filter((t) => svm.knows(t)).length < this.settings.model.minKnown * terms.length) return false;
    const values = svm.scores(terms);
    const { temperature: t, floor } = this.settings.model;
    const top = Math.max(...values);
    // Evidence: the model's best decision value, from nothing at `floor` to all at 0 (a message like none of the phrasings has
    // a best far below 0, and its softmax would still crown one card).
    const evidence = Math.min(1, Math.max(0, (top - floor) / -floor));
    let sum = 0;
    const acc = this.modelAcc;
    acc.fill(0);
    values.forEach((v, j) => {
      const e = Math.exp(t * (v - top));
      acc[this.modelCards[j]] = e;
      sum += e;
    });
    for (let i = 0; i < acc.length; i++) acc[i] *= evidence / sum;
    return evidence > 0;
  }

  /** Words and Han bigrams of normalised text, with their counts (documents count repeats). */
  private termCounts(normalized: string): Map<string, number> {
    const canonical = this.segmenter.canonicalize(this.neutralize(normalized));
    const counts = new Map<string, number>();
    const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const w of this.segmenter.wordsOf(canonical)) add(w);
    let prev = '';
    for (const c of canonical) {
      if (HAN.test(c)) {
        if (prev) add(`${BIGRAM}${prev}${c}`);
        prev = c;
      } else prev = '';
    }
    return counts;
  }

  /** A term's weight: a word 1, a bigram bigramWeight, either × genericWeight when generic. */
  private termWeight(t: string): number {
    return (t.startsWith(BIGRAM) ? this.settings.bigramWeight : 1) * (this.generic.has(t) ? this.settings.genericWeight : 1);
  }

  /** A message's terms and their weights; each term once. */
  private queryTerms(normalized: string): Map<string, number> {
    const terms = new Map<string, number>();
    for (const t of this.termCounts(normalized).keys()) {
      const w = this.termWeight(t);
      if (w > 0) terms.set(t, w);
    }
    return terms;
  }

  /** Cards ranked for a message, best first; cards with no match are left out. */
  rank(text: string, query: RankQuery = {}): Ranked<C>[] {
    return this.rankNormalized(normalizeText(text), query);
  }

  /** rank() of text normalizeText() has already read. */
  rankNormalized(normalized: string, query: RankQuery = {}): Ranked<C>[] {
    const terms = this.queryTerms(normalized);
    if (!terms.size || !this.cards.length) return [];
    const best = this.best;
    best.fill(0);
    const mu = this.settings.phrasingCover;
    if (this.phrasings.score(terms, this.phraseAcc, this.phraseCovered)) {
      const { docCard, docTotal } = this.phrasings;
      const acc = this.phraseAcc;
      const covered = this.phraseCovered;
      for (let d = 0; d < acc.length; d++) {
        if (acc[d] <= 0) continue;
        // A phrasing that is mostly words the message does not have (延续注册要多久 for 注销要多久) is a worse fit.
        const s = acc[d] * (1 - mu + (mu * covered[d]) / docTotal[d]);
        if (s > best[docCard[d]]) best[docCard[d]] = s;
      }
    }
    const gamma = this.settings.textWeight;
    if (gamma > 0 && this.texts.score(terms, this.textAcc)) {
      const acc = this.textAcc;
      for (let d = 0; d < acc.length; d++) best[this.texts.docCard[d]] += gamma * acc[d];
    }
    // The cards' model adds weight × its probability (a card it gives next to nothing is left as BM25 has it).
    // (Only from model.minChars characters: a short message is BM25's to read exactly — 照片有问题 is either photo card —
    // and, after an answer, its conversation's; a story's telling words are the model's.)
    const { weight, minChars } = this.settings.model;
    const modelWeight = [...normalized].length >= minChars ? weight : 0;
    const modelled = modelWeight > 0 && this.modelProbabilities([...terms.keys()]);
    const alpha = this.settings.priorAlpha;
    const out: Ranked<C>[] = [];
    for (let i = 0; i < best.length; i++) {
      const card = this.cards[i];
      // (Conversation — a greeting, thanks, a person — is the classifier's to read: the model adds nothing to its cards.)
      const talk = card.subject !== undefined && (this.settings.classifierOnly as readonly string[]).includes(card.subject);
      const p = modelled && !talk && this.modelAcc[i] >= MIN_PROBABILITY ? this.modelAcc[i] : 0;
      if (best[i] <= 0 && p === 0) continue;
      const match = best[i] / (1 + gamma) + modelWeight * p;
      const prior = query.prior && card.subject !== undefined ? (query.prior.get(card.subject) ?? 0) : undefined;
      out.push({ card, match, score: prior === undefined ? match : (match * (alpha + prior)) / (alpha + 1) });
    }
    // Stable: equal scores keep the cards' order.
    out.sort((a, b) => b.score - a.score);
    return query.limit !== undefined ? out.slice(0, query.limit) : out;
  }

  /** decide() with this index's settings. */
  decide(ranked: readonly Ranked<C>[]): CardDecision<C> {
    return decide(ranked, this.settings);
  }
}

/** rank()'s options: the query's, and what builds the index (the project's knowledge when left out). */
export interface RankOptions extends RankQuery {
  settings?: CardSettings;
  segmenter?: Segmenter;
  /** Default: the project's when no segmenter is given, none when one is. */
  genericWords?: readonly string[];
  neutralize?: (normalized: string) => string;
}

/** Indexes built by rank(), one per cards array, with what built them. */
const built = new WeakMap<readonly Card[], { index: CardIndex<Card & { subject?: Subject }>; from: unknown[] }>();

/**
 * Ranks `cards` for a message. Builds a CardIndex the first time it sees this cards array with these
 * options (kept while the array lives), so repeated calls cost a query each; the engine keeps its
 * own CardIndex (cardKnowledge in src/knowledge/cards.ts) and calls index.rank().
 */
export function rank<C extends Card & { subject?: Subject }>(text: string, cards: readonly C[], opts: RankOptions = {}): Ranked<C>[] {
  const from = [opts.settings, opts.segmenter, opts.genericWords, opts.neutralize];
  let entry = built.get(cards);
  if (!entry || entry.from.some((x, i) => x !== from[i])) {
    const index = new CardIndex<Card & { subject?: Subject }>(cards, {
      settings: opts.settings ?? projectDefaults().settings,
      segmenter: opts.segmenter ?? projectDefaults().segmenter,
      genericWords: opts.genericWords ?? (opts.segmenter ? [] : projectDefaults().genericWords),
      neutralize: opts.neutralize,
    });
    built.set(cards, (entry = { index, from }));
  }
  return (entry.index as unknown as CardIndex<C>).rank(text, opts);
}
