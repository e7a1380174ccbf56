/**
 * Intent classifier: natural's BayesClassifier trained on segmented features, alone (`model:
 * bayes`) or with a sparse linear SVM trained on the same features (`model: svm+bayes`,
 * src/nlu/nlu-linear.ts), as knowledge/nlu.yaml sets it.
 * Observations are passed to natural's underlying Bayes model in its sparse form, so the cost of
 * classifying grows with the message's features, not with the vocabulary.
 */
// Only the classifier module: the package root also loads dotenv and database drivers (natural-bayes.d.ts).
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { NluClassifier } from '../schema/knowledge';
import { LinearSvm } from './nlu-linear';
import { must } from '../util/must';

/** One scored intent; scores of a ranking sum to 1. */
export interface Scored<L extends string = string> {
  label: L;
  score: number;
}

interface SparseBayes {
  /** label → feature → (phrases of the label with the feature) + smoothing. */
  classFeatures: Record<string, Record<string, number>>;
  /** label → phrases of the label + 1 (natural starts every class at one). */
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
  addExample(observation: Record<number, string>, label: string): void;
  getClassifications(observation: Record<number, string>): { label: string; value: number }[];
  train(): void;
}

/** What IntentClassifier.snapshot() keeps besides the SVM's number arrays. */
export interface ClassifierSnapshot {
  classFeatures: Record<string, Record<string, number>>;
  classTotals: Record<string, number>;
  totalExamples: number;
  vocabulary: string[];
  featureTotals: [string, number][];
  svm?: { features: string[]; labels: string[] };
}

/** Keeps the product of per-feature probabilities inside double range (each term ≥ ~1e-4). */
const MAX_FEATURES = 60;

export interface ClassifierOptions extends Partial<NluClassifier> {
  temperature?: number;
  smoothing?: number;
}

export class IntentClassifier<L extends string = string> {
  private readonly bayes: SparseBayes;
  private readonly vocabulary = new Set<string>();
  /** Features added per label: the multinomial model's denominator (natural keeps no such total). */
  private readonly featureTotals = new Map<string, number>();
  private readonly temperature: number;
  private readonly likelihood: NluClassifier['likelihood'];
  /** Present for `model: svm+bayes`: the discriminative half of the ensemble. */
  private readonly svm?: LinearSvm<L>;
  private readonly bayesWeight: number;

  constructor(options: ClassifierOptions = {}) {
    this.temperature = options.temperature ?? 1;
    this.likelihood = options.likelihood ?? 'document';
    this.bayesWeight = options.bayesWeight ?? 0;
    if (options.model === 'svm+bayes') this.svm = new LinearSvm<L>({ C: options.svmC ?? 1 });
    const classifier = new BayesClassifier(undefined, options.smoothing ?? 1);
    this.bayes = (classifier as unknown as { classifier: SparseBayes }).classifier;
  }

  /** Adds one training example (its features). */
  add(features: string[], label: L): void {
    if (!features.length) return;
    this.multinomialTable = undefined;
    features.forEach((f) => this.vocabulary.add(f));
    this.bayes.addExample({ ...features }, label);
    this.svm?.add(features, label);
    // natural's Bayes model counts examples only on its dense path; count sparse ones the same way.
    this.bayes.classTotals[label]++;
    this.bayes.totalExamples++;
    this.featureTotals.set(label, (this.featureTotals.get(label) ?? 0) + features.length);
  }

  /**
   * The multinomial model's terms, read once from natural's counts after training: per feature,
   * log P(feature|intent) for every intent (in `labelOrder`), so ranking a message adds one row per
   * feature instead of looking each feature up in every intent's counts. Same terms, same order of
   * addition: the same scores as reading the counts at every message.
   */
  private multinomialTable?: { labels: string[]; priors: number[]; rows: Map<string, number>; terms: Float64Array };

  train(): void {
    this.bayesOrder = undefined;
    this.bayes.train();
    this.svm?.train();
    if (this.likelihood === 'multinomial') this.multinomialTable = this.buildMultinomialTable();
  }

  /** The trained model as plain data (ModelCache): natural's counts, the vocabulary and the SVM. */
  snapshot(): { json: ClassifierSnapshot; arrays: Float64Array<ArrayBuffer>[] } {
    const { classFeatures, classTotals, totalExamples } = this.bayes;
    const svm = this.svm?.snapshot();
    return {
      json: { classFeatures, classTotals, totalExamples, vocabulary: [...this.vocabulary], featureTotals: [...this.featureTotals], svm: svm?.json },
      arrays: svm?.arrays ?? [],
    };
  }

  /** Takes on a model snapshot() gave (with the same options), as if train() had just run. */
  restore(json: ClassifierSnapshot, arrays: Float64Array<ArrayBuffer>[]): void {
    if (!json.svm !== !this.svm || (this.svm && arrays.length !== 2)) throw new Error('IntentClassifier: snapshot does not fit');
    Object.assign(this.bayes, { classFeatures: json.classFeatures, classTotals: json.classTotals, totalExamples: json.totalExamples });
    this.vocabulary.clear();
    for (const f of json.vocabulary) this.vocabulary.add(f);
    this.featureTotals.clear();
    for (const [label, n] of json.featureTotals) this.featureTotals.set(label, n);
    if (this.svm && json.svm) this.svm.restore(json.svm as Parameters<LinearSvm<L>['restore']>[0], arrays.slice(0, 2));
    this.bayesOrder = undefined;
    this.multinomialTable = this.likelihood === 'multinomial' ? this.buildMultinomialTable() : undefined;
  }

  private buildMultinomialTable(): NonNullable<IntentClassifier['multinomialTable']> {
    const { classFeatures, classTotals, totalExamples, smoothing } = this.bayes;
    const v = this.vocabulary.size;
    const labels = Object.keys(classFeatures);
    const denominators = labels.map((label) => Math.log((this.featureTotals.get(label) ?? 0) + smoothing * v));
    const priors = labels.map((label) => Math.log(classTotals[label] / totalExamples));
    // Feature → offset of its row in one array (one object instead of one per feature).
    const rows = new Map<string, number>();
    const k = labels.length;
    const terms = new Float64Array(this.vocabulary.size * k);
    const counts = labels.map((label) => classFeatures[label]);
    // natural stores a seen feature as count + smoothing and reads an unseen one as smoothing.
    const unseen = denominators.map((d) => Math.log(smoothing) - d);
    for (const f of this.vocabulary) {
      const row = rows.size * k;
      rows.set(f, row);
      for (let c = 0; c < k; c++) {
        const n = counts[c][f];
        terms[row + c] = n === undefined ? unseen[c] : Math.log(n) - denominators[c];
      }
    }
    return { labels, priors, rows, terms };
  }

  /** The labels seen in training, most examples first (the ranking of a message with no known feature). */
  labelsByFrequency(): L[] {
    const totals = this.bayes.classTotals;
    return (Object.keys(totals) as L[]).sort((a, b) => totals[b] - totals[a]);
  }

  /**
   * Ranks every label. Unknown features are dropped first: natural's Bayes model would otherwise
   * penalise large classes for words no class has seen.
   */
  rank(features: string[]): Scored<L>[] {
    const known = features.filter((f) => this.vocabulary.has(f));
    if (!known.length) return [];
    const bayes = this.likelihood === 'multinomial' ? this.multinomialLogs(known) : this.documentLogs(known);
    const logs = this.svm ? this.ensembleLogs(known, bayes) : bayes;
    // Bayes posteriors are near 0/1; a tempered softmax over log scores gives a usable confidence.
    let max = -Infinity;
    for (const r of logs) max = Math.max(max, r.log / this.temperature);
    const exps = logs.map((r) => Math.exp(r.log / this.temperature - max));
    let sum = 0;
    for (const e of exps) sum += e;
    return logs.map((r, i) => ({ label: r.label as L, score: exps[i] / sum })).sort((a, b) => b.score - a.score);
  }

  /**
   * The SVM's decision value per label plus `bayesWeight` × the Bayes log posterior. The SVM
   * separates the intents better (it weighs features against each other instead of treating them
   * as independent); the Bayes term breaks its near-ties with the evidence of every feature.
   */
  private ensembleLogs(known: string[], bayes: { label: string; log: number }[]): { label: string; log: number }[] {
    const svm = must(this.svm, 'the SVM of the ensemble');
    let max = -Infinity;
    for (const r of bayes) max = Math.max(max, r.log);
    let total = 0;
    for (const r of bayes) total += Math.exp(r.log - max);
    const logSum = max + Math.log(total);
    // Where each SVM label sits in the Bayes list: fixed once trained for the multinomial table,
    // sorted by score (so per message) for natural's own scoring.
    const order = this.likelihood === 'multinomial' ? (this.bayesOrder ??= labelIndex(bayes)) : labelIndex(bayes);
    const scores = svm.scores(known);
    return svm.labels.map((label, i) => {
      const b = order.get(label);
      return { label, log: scores[i] + this.bayesWeight * (b === undefined ? -Infinity : bayes[b].log - logSum) };
    });
  }

  private bayesOrder?: Map<string, number>;

  /** natural's own scoring (a product, hence the feature cap). */
  private documentLogs(known: string[]): { label: string; log: number }[] {
    const raw = this.bayes.getClassifications({ ...known.slice(0, MAX_FEATURES) });
    return raw.map((r) => ({ label: r.label, log: Math.log(Math.max(r.value, Number.MIN_VALUE)) }));
  }

  /**
   * natural's counts read as a multinomial model: log P(intent) + Σ log P(feature|intent), where
   * P(feature|intent) = (count + smoothing) ÷ (features of the intent + smoothing × vocabulary).
   * Unlike natural's ratio to the number of phrases, the denominator does not grow with the number
   * of phrases alone, so a large class is not punished for every feature it has not seen; and the
   * sum is kept in log space, so no feature cap is needed.
   */
  private multinomialLogs(known: string[]): { label: string; log: number }[] {
    this.multinomialTable ??= this.buildMultinomialTable();
    const { labels, priors, rows, terms } = this.multinomialTable;
    const logs = priors.slice();
    for (const f of known) {
      const row = must(rows.get(f), `the row of feature ${f}`);
      for (let c = 0; c < logs.length; c++) logs[c] += terms[row + c];
    }
    return labels.map((label, c) => ({ label, log: logs[c] }));
  }
}

function labelIndex(list: { label: string }[]): Map<string, number> {
  return new Map(list.map((r, i) => [r.label, i]));
}
