/**
 * The NLU pipeline: normalise → segment → classify → decide (answer, suggest or fallback).
 */
import type { Knowledge } from '../knowledge/load';
import type { IntentId, NluFile } from '../schema/knowledge';
import { IntentClassifier, type ClassifierSnapshot, type Scored } from './classifier';
import { modelCacheFromEnv, type ModelCache, type ModelSnapshot } from './model-cache';
import { hasNoWords, normalizeText } from './normalize';
import { Segmenter } from './segment';

export type Decision = 'answer' | 'suggest' | 'fallback';

/** A token that is only a number (digits or Chinese numerals), perhaps with its unit: 66, 六十六岁, 3个. */
const NUMBER = /^[0-9零〇一二三四五六七八九十百千万亿两]+(?:周岁|岁|年|个|天|月|号|次)?$/;

/** What the NLU made of one message. */
export interface Understanding {
  normalized: string;
  intent: IntentId;
  confidence: number;
  decision: Decision;
  /** Why a fallback was chosen, for logs and the staff console. */
  reason?: 'empty' | 'no-words' | 'other-domain' | 'unknown-words' | 'out-of-scope' | 'low-confidence';
  /** In-domain intents ranked best first (fallback excluded), for suggestions. */
  candidates: Scored<IntentId>[];
  /** True when the message was longer than the NLU reads. */
  truncated: boolean;
}

/** Normalises a message and keeps only the part the NLU reads. */
export function readMessage(text: string, maxChars: number): { normalized: string; truncated: boolean } {
  return truncate(normalizeText(text), maxChars);
}

/**
 * A message longer than the NLU reads keeps its start and its end, joined by a full stop: people
 * often tell their story first and ask at the end (…现在想问注销需要多长时间？).
 */
function truncate(full: string, maxChars: number): { normalized: string; truncated: boolean } {
  if (full.length <= maxChars) return { normalized: full, truncated: false };
  const head = Math.floor((maxChars - 1) / 2);
  const tail = maxChars - 1 - head;
  return { normalized: `${full.slice(0, head)}。${full.slice(full.length - tail)}`, truncated: true };
}

/** The classifier as knowledge/nlu.yaml configures it (one place, for every model built from it). */
export function classifierFor<L extends string>(config: NluFile): IntentClassifier<L> {
  const { temperature, smoothing } = config.thresholds;
  return new IntentClassifier<L>({ ...config.classifier, temperature, smoothing });
}

/** Training examples: intent → phrases. */
export type TrainingSet = Iterable<[IntentId, string[]]>;

/** Words that start with a filler but are words of their own: 那边 is not 那 + 边. */
const OWN_WORDS = ['那边', '那个', '那些', '那里', '那种', '那时', '那样'];

/** Takes linking openers off the start (那要多久 → 要多久), longest first, never the whole message. */
function withoutLeadingFillers(text: string, fillers: string[]): string {
  let s = text;
  for (;;) {
    const f = fillers.find((w) => s.startsWith(w) && s.length > w.length && !OWN_WORDS.some((o) => s.startsWith(o)));
    if (!f) return s;
    s = s.slice(f.length).replace(/^[\p{P}\s]+/u, '');
  }
}

export interface NluOptions {
  /** Removes words that must not sway the intent (place names, for the domain). */
  neutralize?: (normalized: string) => string;
  /** Where a model trained on the same data is read from and written to; none = always train. */
  cache?: ModelCache;
}

/** What a cached domain model holds besides the classifier. */
interface NluSnapshotJson {
  domainWords: [string, number][];
  wordPhrases: [string, number][];
  classifier: ClassifierSnapshot;
}

export class Nlu {
  readonly segmenter: Segmenter;
  private readonly neutralize: (normalized: string) => string;
  private readonly classifier: IntentClassifier<IntentId>;
  /** In-domain phrases each word occurs in: a message with no well-supported word is about something else. */
  private domainWords = new Map<string, number>();
  private readonly genericWords: Set<string>;
  private readonly smallTalk: Set<IntentId>;
  /** Whether the model was read from the cache rather than trained (tests and benchmarks ask). */
  readonly fromCache: boolean;

  constructor(
    private readonly config: NluFile,
    training: TrainingSet,
    opts: NluOptions = {},
  ) {
    const neutralize = opts.neutralize ?? ((t: string) => t);
    const fillers = [...config.leadingFillers].sort((a, b) => b.length - a.length);
    this.neutralize = (t) => withoutLeadingFillers(neutralize(t), fillers);
    this.segmenter = new Segmenter(config);
    this.classifier = classifierFor<IntentId>(config);
    this.genericWords = new Set(config.genericWords);
    this.smallTalk = new Set(config.smallTalkIntents);
    const kept: { normalized: string; intent: IntentId }[] = [];
    for (const [intent, phrases] of training) {
      for (const p of phrases) {
        const normalized = this.neutralize(normalizeText(p));
        if (!normalized) continue;
        // Other-certificate phrases are settled by the rule in understand(); as training data they
        // would only teach the model that 注销 + 材料 is out of scope.
        if (intent === 'fallback' && this.isOtherDomain(this.segmenter.canonicalize(normalized))) continue;
        kept.push({ normalized, intent });
      }
    }
    // The model depends on nothing but the settings and these examples (and the code: ModelCache).
    const key = opts.cache?.key('domain', { config, kept: kept.map((k) => [k.intent, k.normalized]) });
    const saved = key ? opts.cache?.read(key) : undefined;
    if (saved && this.restore(saved)) {
      this.fromCache = true;
      return;
    }
    this.fromCache = false;
    for (const { normalized, intent } of kept) {
      if (intent !== 'fallback') {
        for (const w of new Set(this.segmenter.words(normalized, true))) this.domainWords.set(w, (this.domainWords.get(w) ?? 0) + 1);
      }
    }
    // All phrases at once: the rareWords features need every phrase's words counted first.
    const features = this.segmenter.trainingFeatures(kept.map((k) => k.normalized));
    kept.forEach((k, i) => this.classifier.add(features[i], k.intent));
    this.classifier.train();
    if (key) opts.cache?.write(key, this.snapshot());
  }

  /** The trained model as plain data (what the model cache keeps). */
  snapshot(): ModelSnapshot {
    const classifier = this.classifier.snapshot();
    const json: NluSnapshotJson = { domainWords: [...this.domainWords], wordPhrases: this.segmenter.snapshot(), classifier: classifier.json };
    return { json, arrays: classifier.arrays };
  }

  /** Takes on a snapshot of a model trained with the same settings; false (nothing changed) if it does not fit. */
  private restore(saved: ModelSnapshot): boolean {
    const json = saved.json as NluSnapshotJson;
    try {
      this.classifier.restore(json.classifier, saved.arrays);
    } catch {
      return false;
    }
    this.segmenter.restore(json.wordPhrases);
    this.domainWords = new Map(json.domainWords);
    return true;
  }

  /** Understands one message; pure apart from reading the trained model. */
  understand(text: string): Understanding {
    return this.understandNormalized(normalizeText(text));
  }

  /** understand() of text normalizeText() has already read (the engine normalises each message once). */
  understandNormalized(full: string): Understanding {
    const { normalized, truncated } = truncate(full, this.config.maxChars);
    const base = { normalized, truncated, candidates: [] as Scored<IntentId>[] };
    const fallback = (reason: Understanding['reason'], confidence: number, candidates = base.candidates): Understanding => ({
      ...base,
      intent: 'fallback',
      confidence,
      decision: 'fallback',
      reason,
      candidates,
    });

    if (!normalized) return fallback('empty', 1);
    if (hasNoWords(normalized)) return fallback('no-words', 1);
    const neutral = this.neutralize(normalized);
    // Only a place name (北京): nothing asked.
    if (hasNoWords(neutral)) return fallback('unknown-words', 1);
    // Synonyms rewritten once for the domain checks, the features and the evidence.
    const canonical = this.segmenter.canonicalize(neutral);
    if (this.isOtherDomain(canonical)) return fallback('other-domain', 1);

    const features = this.segmenter.featuresOf(canonical);
    const { thresholds } = this.config;
    const ranking = this.classifier.rank(features);
    if (!ranking.length) return fallback('unknown-words', 1);
    const candidates = ranking.filter((r) => r.label !== 'fallback');
    const top = ranking[0];
    if (top.label === 'fallback') return fallback('out-of-scope', top.score, candidates);
    // Small talk is short and varied; the domain needs words the domain's phrases really use.
    if (!this.smallTalk.has(top.label)) {
      const evidence = this.domainEvidence(canonical);
      if (evidence.coverage < thresholds.minCoverage || evidence.support < thresholds.minSupport) return fallback('unknown-words', 1, candidates);
    }
    if (top.score >= thresholds.answer) {
      return { ...base, intent: top.label, confidence: top.score, decision: 'answer', candidates };
    }
    if (top.score >= thresholds.suggest) {
      return { ...base, intent: 'fallback', confidence: 1 - top.score, decision: 'suggest', reason: 'low-confidence', candidates };
    }
    return fallback('low-confidence', 1 - top.score, candidates);
  }

  /**
   * How much the message's content words (generic question words aside) look like the domain:
   * `coverage`, the share seen in in-domain phrases; `support`, the most in-domain phrases any one
   * of them occurs in (a word seen once, like 清楚, is no evidence on its own). Takes the message
   * with its synonyms already rewritten.
   */
  private domainEvidence(canonical: string): { coverage: number; support: number } {
    // Numbers (66, 六十六) say nothing about the domain either way: an age or a count is not an unknown word.
    const content = this.segmenter.wordsOf(canonical, true).filter((w) => !this.genericWords.has(w) && !NUMBER.test(w));
    if (!content.length) return { coverage: 0, support: 0 };
    const counts = content.map((w) => this.domainWords.get(w) ?? 0);
    return { coverage: counts.filter((c) => c > 0).length / content.length, support: Math.max(...counts) };
  }

  /** Names another certificate or account (驾照, 建造师 …) without anchoring itself in this domain. */
  private isOtherDomain(text: string): boolean {
    return this.config.otherDomains.some((w) => text.includes(w)) && !this.config.domainAnchors.some((w) => text.includes(w));
  }
}

const placeFrames = new WeakMap<object, RegExp>();

/**
 * A place with the words that only frame it (knowledge/conversation.yaml words.placeFrames):
 * 我是上海的 / 我在南京 / 广东这边 say no more than the place. Compiled once per word list.
 */
function placeFrame(frames: { before: string[]; after: string[] }): RegExp {
  let re = placeFrames.get(frames);
  if (!re) {
    const alt = (ws: string[]) =>
      [...ws]
        .sort((a, b) => b.length - a.length)
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|');
    re = new RegExp(`(?:${alt(frames.before)})?\u0000+(?:${alt(frames.after)})?`, 'gu');
    placeFrames.set(frames, re);
  }
  return re;
}

/** The message without place names and their frames (see RegionIndex.withoutPlaces). */
export function withoutPlaces(k: Pick<Knowledge, 'regions' | 'conversation'>, text: string): string {
  return k.regions.withoutPlaces(text, '\u0000').replace(placeFrame(k.conversation.words.placeFrames), '');
}

/** The assistant's NLU: the knowledge base's phrases (or other training data, for the benchmark), place names neutral. */
export function domainNlu(
  k: Pick<Knowledge, 'nlu' | 'phrases' | 'regions' | 'conversation'>,
  opts: { config?: NluFile; training?: TrainingSet; cache?: ModelCache | null } = {},
): Nlu {
  // The model cache JIANLI_NLU_CACHE names, unless the caller says which (null: none, as the benchmarks time training).
  const cache = opts.cache === undefined ? modelCacheFromEnv() : (opts.cache ?? undefined);
  return new Nlu(opts.config ?? k.nlu, opts.training ?? k.phrases, { neutralize: (t) => withoutPlaces(k, t), cache });
}
