/**
 * Intent classifier: natural's BayesClassifier trained on segmented features.
 * Observations are passed to natural's underlying Bayes model in its sparse form, so the cost of
 * classifying grows with the message's features, not with the vocabulary.
 */
import natural from 'natural';

/** One scored intent; scores of a ranking sum to 1. */
export interface Scored<L extends string = string> {
  label: L;
  score: number;
}

interface SparseBayes {
  classTotals: Record<string, number>;
  totalExamples: number;
  addExample(observation: Record<number, string>, label: string): void;
  getClassifications(observation: Record<number, string>): { label: string; value: number }[];
  train(): void;
}

/** Keeps the product of per-feature probabilities inside double range (each term ≥ ~1e-4). */
const MAX_FEATURES = 60;

export class IntentClassifier<L extends string = string> {
  private readonly bayes: SparseBayes;
  private readonly vocabulary = new Set<string>();

  constructor(
    private readonly temperature = 1,
    smoothing = 1,
  ) {
    const classifier = new natural.BayesClassifier(undefined, smoothing);
    this.bayes = (classifier as unknown as { classifier: SparseBayes }).classifier;
  }

  /** Adds one training example (its features). */
  add(features: string[], label: L): void {
    if (!features.length) return;
    features.forEach((f) => this.vocabulary.add(f));
    this.bayes.addExample({ ...features }, label);
    // natural's Bayes model counts examples only on its dense path; count sparse ones the same way.
    this.bayes.classTotals[label]++;
    this.bayes.totalExamples++;
  }

  train(): void {
    this.bayes.train();
  }

  /**
   * Ranks every label. Unknown features are dropped first: natural's Bayes model would otherwise
   * penalise large classes for words no class has seen.
   */
  rank(features: string[]): Scored<L>[] {
    const known = features.filter((f) => this.vocabulary.has(f)).slice(0, MAX_FEATURES);
    if (!known.length) return [];
    const raw = this.bayes.getClassifications({ ...known });
    // Bayes posteriors are near 0/1; a tempered softmax over log scores gives a usable confidence.
    const logs = raw.map((r) => Math.log(Math.max(r.value, Number.MIN_VALUE)) / this.temperature);
    const max = Math.max(...logs);
    const exps = logs.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return raw
      .map((r, i) => ({ label: r.label as L, score: exps[i] / sum }))
      .sort((a, b) => b.score - a.score);
  }
}
