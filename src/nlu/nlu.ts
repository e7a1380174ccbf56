/**
 * The NLU pipeline: normalise → segment → classify → decide (answer, suggest or fallback).
 */
import type { IntentId, NluFile } from '../schema/knowledge';
import { IntentClassifier, type Scored } from './classifier';
import { hasNoWords, normalizeText } from './normalize';
import { Segmenter } from './segment';

export type Decision = 'answer' | 'suggest' | 'fallback';

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

/** Training examples: intent → phrases. */
export type TrainingSet = Iterable<[IntentId, string[]]>;

export class Nlu {
  readonly segmenter: Segmenter;
  private readonly classifier: IntentClassifier<IntentId>;

  constructor(
    private readonly config: NluFile,
    training: TrainingSet,
  ) {
    this.segmenter = new Segmenter(config);
    this.classifier = new IntentClassifier<IntentId>(config.thresholds.temperature);
    for (const [intent, phrases] of training) {
      for (const p of phrases) this.classifier.add(this.segmenter.features(normalizeText(p)), intent);
    }
    this.classifier.train();
  }

  /** Understands one message; pure apart from reading the trained model. */
  understand(text: string): Understanding {
    const full = normalizeText(text);
    const truncated = full.length > this.config.maxChars;
    const normalized = truncated ? full.slice(0, this.config.maxChars) : full;
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
    if (this.isOtherDomain(normalized)) return fallback('other-domain', 1);

    const features = this.segmenter.features(normalized);
    const { thresholds } = this.config;
    if (this.classifier.coverage(features) < thresholds.minCoverage) return fallback('unknown-words', 1);

    const ranking = this.classifier.rank(features);
    if (!ranking.length) return fallback('unknown-words', 1);
    const candidates = ranking.filter((r) => r.label !== 'fallback');
    const top = ranking[0];
    if (top.label === 'fallback') return fallback('out-of-scope', top.score, candidates);
    if (top.score >= thresholds.answer) {
      return { ...base, intent: top.label, confidence: top.score, decision: 'answer', candidates };
    }
    if (top.score >= thresholds.suggest) {
      return { ...base, intent: 'fallback', confidence: 1 - top.score, decision: 'suggest', reason: 'low-confidence', candidates };
    }
    return fallback('low-confidence', 1 - top.score, candidates);
  }

  /** Names another certificate or account (驾照, 建造师 …) without anchoring itself in this domain. */
  private isOtherDomain(normalized: string): boolean {
    const text = this.segmenter.canonicalize(normalized);
    return (
      this.config.otherDomains.some((w) => text.includes(w)) && !this.config.domainAnchors.some((w) => text.includes(w))
    );
  }
}
